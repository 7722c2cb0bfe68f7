"""The persistent store (layer above :mod:`kg.rdf`): Oxigraph on disk with one named graph per
document, a writer lock and reader snapshots (:mod:`kg.store.knowledge_store`), exports
(:mod:`kg.store.export`) and pushes to a SPARQL Graph Store endpoint (:mod:`kg.store.graph_store_client`)."""

from kg.store.knowledge_store import KnowledgeStore, StoreError, StoreLockedError, StoreMissingError

# kg.store.export is not re-exported: its function would shadow the module of the same name.
__all__ = ["KnowledgeStore", "StoreError", "StoreLockedError", "StoreMissingError"]
