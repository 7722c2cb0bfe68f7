"""Extraction as a picklable task: one document in, its graph as N-Triples out.

A parallel build keeps a single writer: the parent process reads nothing but file hashes and
writes every document's graph (atomically, through :class:`kg.store.knowledge_store.KnowledgeStore`); the
expensive part, reading + normalizing + extracting + building the graph, runs as
:func:`extract_document` in worker processes (:class:`concurrent.futures.ProcessPoolExecutor`,
``build --workers N``) or on a Dask distributed cluster (``build --scheduler ADDRESS``). Workers
load the spaCy pipeline once (:func:`extractors.pipeline.load_pipeline` is cached per process) and return
plain data, so a shard that fails or runs twice changes nothing: the parent replaces the
document's named graph, it never appends to it.

>>> from kg.model.facts import DocumentFacts
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
>>> _ = p.write_text("大足区召开会议。", encoding="utf-8")
>>> r = extract_document(str(p), str(p), extract=lambda text, date: DocumentFacts())
>>> r.failure is None, r.nt.count(" .\\n") > 3
(True, True)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.model.facts import DocumentFacts

__all__ = ["Extracted", "extract_document", "open_executor"]

Extractor = Callable[[str, str | None], DocumentFacts]


@dataclass
class Extracted:
    """What extracting one file gave: its graph as N-Triples and fact counts, or a failure."""

    path: str
    key: str
    sha256: str | None = None
    nt: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    failure: str | None = None


def _pipeline_extractor(segmenter: str) -> Extractor:
    def extract(text: str, doc_date: str | None) -> DocumentFacts:
        from extractors.pipeline import extract_facts  # spaCy: loaded only where something is extracted

        return extract_facts(text, doc_date=doc_date, segmenter=segmenter)

    return extract


def extract_document(path: str, key: str, *, extract: Extractor | None = None, segmenter: str = "auto",
                     max_bytes: int = 50_000_000, max_chars: int = 1_000_000) -> Extracted:
    """Read, normalize and extract the file ``path``; ``key`` is the source path recorded in the
    graph. Never raises for a bad file: the reason is in ``failure``."""
    from kg.ingest.normalize import normalize
    from kg.ingest.readers import IngestError, read_document
    from kg.rdf.facts_to_rdf import document_graph

    out = Extracted(path, key)
    try:
        doc = read_document(Path(path), max_bytes=max_bytes)
    except IngestError as e:
        out.failure = e.reason
        return out
    except (Exception, RecursionError) as e:  # a reader's bug on a hostile file ends this file only
        out.failure = f"cannot read: {type(e).__name__}: {e}"
        return out
    out.sha256 = doc.sha256
    try:
        normalized = normalize(doc.text)
        if len(normalized.text) > max_chars:
            out.failure = (f"text too long ({len(normalized.text)} characters > limit {max_chars}; "
                           "see --max-chars)")
            return out
        facts = (extract or _pipeline_extractor(segmenter))(normalized.text, doc.date)
        graph = document_graph(doc, normalized, facts, source_paths=[key])
        out.nt = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
        out.counts = dict(facts.counts())
    except Exception as e:  # one document's bug must not end the batch; it is reported
        out.failure = f"extraction failed: {type(e).__name__}: {e}"
    return out


# ---------------------------------------------------------------------- executors
def _init_worker(segmenter: str, preload: bool) -> None:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if preload:
        from extractors.pipeline import load_pipeline

        load_pipeline(segmenter)  # once per worker, while the parent hashes files


class _Inline:
    """Runs each task at once, in this process (the sequential build)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        f: Future = Future()
        f.set_result(fn(*args, **kwargs))  # errors (Ctrl-C ...) propagate at once
        return f

    def close(self) -> None:
        pass


class _Pool:
    def __init__(self, workers: int, segmenter: str, preload: bool) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # spawn: the parent holds RocksDB threads and locks that a fork would copy
        self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_init_worker, initargs=(segmenter, preload))

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        return self.pool.submit(fn, *args, **kwargs)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class _Dask:
    def __init__(self, address: Any) -> None:
        if not isinstance(address, str):  # a Client already connected
            self.client, self._own = address, False
            return
        try:
            from dask.distributed import Client
        except ImportError as e:  # pragma: no cover - the `scale` extra is not installed
            raise RuntimeError("--scheduler needs dask[distributed]: pip install 'policykg[scale]'") from e
        self.client, self._own = Client(address), True

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        # pure=False: every shard runs; retries: a re-run is harmless (graphs are replaced)
        return self.client.submit(fn, *args, pure=False, retries=2, **kwargs)

    def close(self) -> None:
        if self._own:
            self.client.close()


def open_executor(workers: int = 1, scheduler: Any = None, segmenter: str = "auto",
                  preload: bool = True) -> _Inline | _Pool | _Dask:
    """Where extraction tasks run: inline (``workers <= 1``), a process pool, or a Dask cluster."""
    if scheduler:
        return _Dask(scheduler)
    if workers > 1:
        return _Pool(workers, segmenter, preload)
    return _Inline()
