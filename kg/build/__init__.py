"""Building the store from files (layer above :mod:`kg.store`): the streaming, incremental batch
(:mod:`kg.build.batch`) and the per-document task that worker processes or a Dask cluster run
(:mod:`kg.build.workers`). The extraction pipeline is loaded only when a document needs it."""

from kg.build.batch import BuildSummary, build

__all__ = ["BuildSummary", "build"]
