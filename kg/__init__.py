"""PolicyKG: Chinese policy news into a persistent RDF knowledge graph.

Modules: :mod:`kg.namespaces` (vocabularies), :mod:`kg.facts` (typed facts), :mod:`kg.ingest`
and :mod:`kg.normalize` (reading files), :mod:`kg.pipeline` (extraction, loads spaCy),
:mod:`kg.iris` and :mod:`kg.graph` (facts → RDF), :mod:`kg.store` (the persistent store),
:mod:`kg.build`, :mod:`kg.export`, :mod:`kg.query` and :mod:`kg.cli`. Importing ``kg`` imports
none of them, so a command that only queries never pays for spaCy.

>>> import kg
>>> kg.__version__
'0.1.0'
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
