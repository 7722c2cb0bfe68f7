"""PolicyKG: Chinese policy news into a persistent RDF knowledge graph.

The sub-packages are the layers of the data flow, each importing only the ones below it
(``lint-imports`` checks this; see ``docs/architecture.md``)::

    kg.cli                      the policykg command
    kg.serve | kg.explore       SPARQL endpoint | networkx view, lookup, reports, pictures
    kg.query | kg.build         safe SPARQL and saved queries | files → store, worker processes
    kg.store                    Oxigraph on disk, export, Graph Store push
    kg.rdf                      facts → RDF
    extractors                  spaCy pipeline components → typed facts
    kg.ingest                   files → normalized text with an offset map
    kg.model                    facts, namespaces, IRIs, ontology and shapes

Importing ``kg`` imports none of them, so a command that only queries never pays for spaCy.

>>> import kg
>>> kg.__version__
'0.1.0'
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
