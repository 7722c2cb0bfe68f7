"""Building the knowledge store from files: read, normalize, extract, replace each document's graph.

A build is incremental and idempotent. A document is identified by the SHA-256 of its bytes, so
content already in the store is skipped without any extraction (the spaCy pipeline is not even
loaded when nothing needs extracting), identical content under two paths is stored once, and a
file whose content changed replaces the graph of the document its path held. Each document's
graph is replaced in one transaction as soon as it is extracted (new documents that arrive
together from workers: one atomic bulk load), so an interrupted build keeps every finished
document. One unreadable or failing file is recorded and the batch goes on.

The build streams: files are taken in order and each graph is written as soon as it is
extracted, so memory does not grow with the corpus. Extraction can run in worker processes
(``workers``) or on a Dask cluster (``scheduler``), see :mod:`kg.build.workers`; this process stays
the single writer and applies the results in file order, so the store ends up exactly as after a
sequential build.

A file never stalls the batch: only regular files are read (see :func:`kg.ingest.readers.open_regular`),
and each file has a wall-clock budget (``file_timeout``, ``build --file-timeout``). With the
default pipeline, extraction runs in a supervised worker process that is killed and replaced
when a file overruns; that file is reported by name and the batch goes on.

>>> import tempfile, pathlib
>>> from kg.model.facts import DocumentFacts
>>> tmp = pathlib.Path(tempfile.mkdtemp())
>>> _ = (tmp / "a.txt").write_text("大足区召开会议。", encoding="utf-8")
>>> s = build([tmp / "a.txt"], tmp / "store", progress=False, extract=lambda text, date: DocumentFacts())
>>> s.extracted, s.skipped_unchanged, s.ok
(1, 0, True)
>>> build([tmp / "a.txt"], tmp / "store", progress=False).skipped_unchanged
1

Long because the build summary, the per-document write path (new, changed, duplicate, pruned) and
the streaming loop share the builder's state; reading and extraction live in :mod:`kg.build.workers`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import shutil
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import URIRef

from kg.build.workers import Extracted, FileTimeout, open_executor
from kg.ingest.readers import IngestError, open_regular
from kg.model.facts import DocumentFacts
from kg.model.iris import document_iri
from kg.store.knowledge_store import KnowledgeStore, default_store_path
from kg.store.resolution import CrossDocumentResolver
from kg.store.updates import add_path_ops, remove_ops, remove_path_ops, replace_ops

__all__ = ["BuildFailure", "BuildSummary", "Extractor", "build"]

log = logging.getLogger(__name__)

#: ``(normalized_text, doc_date) -> DocumentFacts``; the default runs :func:`extractors.pipeline.extract_facts`.
Extractor = Callable[[str, str | None], DocumentFacts]

_PROGRESS_MIN_DOCS = 4
#: Default limits: a file's size in bytes, and its normalized text's length in characters.
MAX_BYTES = 50_000_000
MAX_CHARS = 1_000_000
#: Default wall-clock budget of one file, in seconds: reading, extraction and its graph.
FILE_TIMEOUT = 300.0
_SNAPSHOT_EVERY = 60.0  # seconds: how stale a reader's view of a running build may get
#: Most new documents the writer stores in one bulk load (see :meth:`_Builder.load`).
LOAD_BATCH = 8
#: Most files in one extraction task (see :class:`_Group`); tasks get smaller towards the end of
#: the files, so that the workers finish together.
FILES_PER_TASK = 4


@dataclass(frozen=True)
class BuildFailure:
    """A file the build could not take in, and why."""

    path: str
    reason: str


@dataclass
class BuildSummary:
    """What a build did. ``ok`` is false when any file failed."""

    seen: int = 0
    extracted: int = 0
    skipped_unchanged: int = 0
    duplicates: int = 0
    replaced: int = 0
    pruned: int = 0
    failed: list[BuildFailure] = field(default_factory=list)
    ignored: list[BuildFailure] = field(default_factory=list)
    warnings: list[BuildFailure] = field(default_factory=list)  # stored, but something was left out
    facts: dict[str, int] = field(default_factory=dict)
    entities: dict[str, int] = field(default_factory=dict)
    documents: int = 0
    triples: int = 0
    seconds: float = 0.0
    recovered: str | None = None  # the store check run after an interrupted build
    pushed: str | None = None  # what ``graph_store`` received (see kg.store.sync)
    store_missing: bool = False  # nothing to build and no store: none was created

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready view.

        >>> BuildSummary(seen=2, extracted=2).to_dict()["ok"]
        True
        """
        return {
            "ok": self.ok, "seen": self.seen, "extracted": self.extracted,
            "skipped_unchanged": self.skipped_unchanged, "duplicates": self.duplicates,
            "replaced": self.replaced, "pruned": self.pruned,
            "failed": [{"path": f.path, "reason": f.reason} for f in self.failed],
            "ignored": [{"path": f.path, "reason": f.reason} for f in self.ignored],
            "warnings": [{"path": f.path, "reason": f.reason} for f in self.warnings],
            "facts": dict(self.facts), "entities": dict(self.entities),
            "documents": self.documents, "triples": self.triples, "seconds": round(self.seconds, 3),
            "recovered": self.recovered, "pushed": self.pushed, "store_missing": self.store_missing,
        }

    def format(self) -> str:
        """A short human-readable report.

        >>> print(BuildSummary(seen=1, extracted=1, documents=1, triples=10).format().splitlines()[0])
        documents: 1 seen, 1 extracted, 0 unchanged, 0 duplicate, 0 replaced, 0 pruned, 0 failed
        """
        lines = [
            f"documents: {self.seen} seen, {self.extracted} extracted, {self.skipped_unchanged} unchanged, "
            f"{self.duplicates} duplicate, {self.replaced} replaced, {self.pruned} pruned, "
            f"{len(self.failed)} failed",
        ]
        if self.facts:
            lines.append("facts: " + ", ".join(f"{k} {v}" for k, v in self.facts.items()))
        if self.entities:
            lines.append("entities: " + ", ".join(f"{k} {v}" for k, v in self.entities.items()))
        if self.store_missing:
            lines.append("store: none created (no document to put in it)")
        else:
            lines.append(f"store: {self.documents} documents, {self.triples} triples ({self.seconds:.1f} s)")
        if self.pushed:
            lines.append(self.pushed)
        if self.recovered:
            lines.append(f"recovered from an interrupted build: {self.recovered}")
        lines += [f"failed: {f.path}: {f.reason}" for f in self.failed]
        lines += [f"ignored: {f.path}: {f.reason}" for f in self.ignored]
        lines += [f"warning: {f.path}: {f.reason}" for f in self.warnings]
        return "\n".join(lines)


def _progress(items: list[Path], enabled: bool) -> Iterable[Path]:
    if not (enabled and len(items) >= _PROGRESS_MIN_DOCS and sys.stderr.isatty()):
        return items
    from tqdm import tqdm

    return tqdm(items, file=sys.stderr, unit="doc", desc="building", leave=False)


def _file_sha256(f: Any) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: f.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


@dataclass
class _Job:
    """A file waiting its turn: ``future`` (an extraction under way) or ``None`` (its content was
    known or pending when it was met; decided when its turn comes, as a sequential build would).
    ``fresh``: its content is new, it waits for a place in an extraction task (:class:`_Group`)."""

    path: Path
    key: str
    sha: str
    future: Any = None
    fresh: bool = False


class _Group:
    """Files extracted in one task (:func:`kg.build.workers.extract_documents`): the pipeline
    batches across them, and a worker gets fewer, larger tasks. The task's budget is the files'
    budgets added up. A task that fails as a whole (its budget ran out, its worker died) is run
    again one file per task, each with a file's budget: only the bad file fails, under its name,
    and the others are stored; it costs time only when something went wrong."""

    def __init__(self, builder: _Builder, jobs: list[_Job]) -> None:
        from kg.build.workers import extract_documents  # by its module path: picklable for workers

        self.builder = builder
        self.jobs = jobs
        self.singles: list[Any] | None = None
        self.task = builder.executor.submit_scaled(
            len(jobs), extract_documents, [(str(j.path), j.key) for j in jobs], **builder.task_options())
        for i, job in enumerate(jobs):
            job.future = _Part(self, i)

    def done(self, i: int) -> bool:
        return self.singles[i].done() if self.singles is not None else self.task.done()

    def result(self, i: int) -> Extracted:
        if self.singles is None:
            try:
                return self.task.result()[i]
            except (FileTimeout, Exception):
                if len(self.jobs) == 1:
                    raise
                log.debug("extraction task of %d files failed; retried one file per task", len(self.jobs),
                          exc_info=True)
                self.singles = [self.builder.submit(j.path, j.key) for j in self.jobs]
        return self.singles[i].result()


@dataclass
class _Part:
    """One file's share of a :class:`_Group`, with a future's ``done`` and ``result``."""

    group: _Group
    index: int

    def done(self) -> bool:
        return self.group.done(self.index)

    def result(self) -> Extracted:
        return self.group.result(self.index)


class _Writer:
    """The build's store writes, in order, on one thread, while extraction runs in workers.
    Oxigraph releases the GIL while it writes, so meanwhile this process keeps handing files to
    the workers instead of leaving one idle, and a one-worker build writes on the second core.
    At most ``depth`` writes wait; closing the writer finishes them (an interrupted build keeps
    what it extracted); the first write that fails stops the writes after it and is raised in
    the building thread."""

    def __init__(self, depth: int = 8) -> None:
        self.queue: queue.Queue[tuple[Callable[..., Any], tuple] | None] = queue.Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="policykg-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            try:
                if item is None:
                    return
                if self.error is None:
                    fn, args = item
                    fn(*args)
            except BaseException as e:  # handed to the building thread
                self.error = e
            finally:
                self.queue.task_done()

    def _check(self) -> None:
        if self.error is not None:
            raise self.error

    def put(self, fn: Callable[..., Any], *args: Any, check: bool = True) -> None:
        """Queue the write ``fn(*args)``; ``check``: first raise the error of a write that failed."""
        if check:
            self._check()
        self.queue.put((fn, args))

    def drain(self) -> None:
        """Wait until every write so far is done (raising the first that failed)."""
        self.queue.join()
        self._check()

    def close(self) -> None:
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()


class _Builder:
    def __init__(self, store: KnowledgeStore, summary: BuildSummary, extract: Extractor | None,
                 max_bytes: int = MAX_BYTES, max_chars: int = MAX_CHARS, segmenter: str = "auto",
                 executor: Any = None) -> None:
        self.store = store
        self.max_bytes = max_bytes
        self.max_chars = max_chars
        self.summary = summary
        self.extract = extract
        self.segmenter = segmenter
        self.executor = executor if executor is not None else open_executor(1)
        self.by_sha: dict[str, URIRef] = {}
        self.paths_of: dict[URIRef, set[str]] = {}
        for rec in store.documents():
            self.by_sha[rec.sha256] = rec.iri
            self.paths_of[rec.iri] = set(rec.source_paths)
        self.doc_of_path = {p: iri for iri, paths in self.paths_of.items() for p in paths}
        self.done_this_run: set[URIRef] = set()
        self.fact_counts: Counter[str] = Counter()
        self.pending: set[str] = set()  # content hashes being extracted
        # one node per entity across documents; it reads stored graphs only after queued writes
        self.resolver = CrossDocumentResolver(store, before_read=self._settle)
        self.writer: _Writer | None = None  # while :meth:`run` runs, the store's writes go through it
        self.loads: list[tuple[URIRef, str]] = []  # new documents for the writer's next bulk load
        self.snapshot_at = float("inf")  # (monotonic) when :meth:`run` publishes the next snapshot

    def _settle(self) -> None:
        if self.writer is not None:
            self.flush_loads()
            self.writer.drain()

    def write(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run the store write ``fn(*args)``: on the writer thread during :meth:`run` (after the
        new documents waiting for it), else now."""
        if self.writer is not None:
            self.flush_loads()
            self.writer.put(fn, *args)
        else:
            fn(*args)

    def load(self, iri: URIRef, nt: str) -> None:
        """Store the new document ``iri``. With a writer thread, new documents that come in
        together (a task's files, tasks that end together) wait for one another, up to
        :data:`LOAD_BATCH`, and go in as one bulk load, for about half the CPU of a transaction
        each; the build never waits for an extraction with documents still held back."""
        if self.writer is None:
            self.store.load_new_document(iri, nt)
            return
        self.loads.append((iri, nt))
        if len(self.loads) >= LOAD_BATCH:
            self.flush_loads()

    def flush_loads(self, check: bool = True) -> None:
        """Hand the new documents held back by :meth:`load` to the writer thread."""
        if self.writer is not None and self.loads:
            loads, self.loads = self.loads, []
            self.writer.put(self.store.load_new_documents, loads, check=check)

    def detach_ops(self, path: str, iri: URIRef) -> list[str]:
        """``path`` no longer holds document ``iri``: the store operations for that (the document
        goes when no path holds it), with the bookkeeping updated."""
        paths = self.paths_of.get(iri, set())
        paths.discard(path)
        self.doc_of_path.pop(path, None)
        if paths:
            return remove_path_ops(iri, path)
        self.paths_of.pop(iri, None)
        self.by_sha = {sha: i for sha, i in self.by_sha.items() if i != iri}
        return remove_ops(iri)

    def attach(self, path: str, iri: URIRef) -> None:
        ops: list[str] = []
        old = self.doc_of_path.get(path)
        if old is not None and old != iri:
            ops += self.detach_ops(path, old)
            self.summary.replaced += 1
        if path not in self.paths_of.setdefault(iri, set()):
            self.paths_of[iri].add(path)
            ops += add_path_ops(iri, path)
        self.doc_of_path[path] = iri
        if ops:
            self.write(self.store.apply, ops)  # one transaction: a kill never leaves a path on two documents

    def fail(self, path: Path | str, reason: str) -> None:
        self.summary.failed.append(BuildFailure(str(path), reason))
        log.info("%s: %s", path, reason)  # the summary lists it: one line per bad file, once

    def task_options(self) -> dict[str, Any]:
        return {"extract": self.extract, "segmenter": self.segmenter, "max_bytes": self.max_bytes,
                "max_chars": self.max_chars}

    def submit(self, path: Path, key: str) -> Any:
        """Start extracting the one file ``path`` (a task of its own)."""
        from kg.build.workers import extract_document  # by its module path: picklable for workers

        return self.executor.submit(extract_document, str(path), key, **self.task_options())

    def plan(self, path: Path) -> _Job | None:
        """Hash ``path``; a new content's job is ``fresh``: it waits for a :class:`_Group`
        (``None``: the file failed)."""
        key = os.path.abspath(path)
        self.summary.seen += 1
        try:
            with open_regular(path) as f:  # a FIFO or device is refused, never opened
                size = os.fstat(f.fileno()).st_size
                if size > self.max_bytes:  # refused before reading a byte of it
                    self.fail(path, f"file too large ({size} bytes > limit {self.max_bytes}; see --max-bytes)")
                    return None
                sha = _file_sha256(f)
        except IngestError as e:
            self.fail(path, e.reason)
            return None
        except OSError as e:
            self.fail(path, f"cannot read: {e.strerror or e}")
            return None
        if sha in self.by_sha or sha in self.pending:
            return _Job(path, key, sha)
        self.pending.add(sha)
        return _Job(path, key, sha, fresh=True)

    def finish(self, job: _Job) -> None:
        """Write ``job``'s outcome to the store: its turn has come."""
        if job.future is None:
            known = self.by_sha.get(job.sha)
            if known is not None:
                if known in self.done_this_run:
                    self.summary.duplicates += 1
                else:
                    self.summary.skipped_unchanged += 1
                self.attach(job.key, known)
                return
            job.future = self.submit(job.path, job.key)  # its twin failed (or left): extract it
        if not job.future.done():
            self.flush_loads()  # nothing is held back while the build waits
        try:
            result = job.future.result()
        except FileTimeout as e:  # its worker was killed (or its deadline interrupted it)
            result = Extracted(str(job.path), job.key, failure=str(e))
        except Exception as e:  # a worker died (or a cluster lost the task): this file fails
            log.debug("extraction task for %s failed", job.path, exc_info=True)
            result = Extracted(str(job.path), job.key, failure=f"extraction failed: {type(e).__name__}: {e}")
        self.pending.discard(job.sha)
        self.commit(result)

    def take(self, path: Path) -> None:
        job = self.plan(path)
        if job is not None:
            self.finish(job)

    def commit(self, result: Extracted) -> URIRef | None:
        """Store one extracted document: its graph, its union share and the removal of the
        document its path held before, in one transaction."""
        if result.failure is not None:
            self.fail(result.path, result.failure)
            return None
        for warning in result.warnings:
            self.summary.warnings.append(BuildFailure(result.path, warning))
            log.warning("%s: %s", result.path, warning)
        iri = document_iri(result.sha256)
        # Cross-document resolution, between "facts extracted" and "written to the store": the
        # document's graph with merged IRIs, and the few stored graphs its merges rewrite.
        resolved = self.resolver.resolve(iri, result.nt, result.entities)
        rewrites = [op for g, nt in resolved.rewrites.items() for op in replace_ops(g, nt)]
        key = result.key
        old = self.doc_of_path.get(key)
        if iri not in self.paths_of and (old is None or old == iri) and not rewrites:  # new: no SPARQL
            self.load(iri, resolved.nt)
            self.paths_of[iri] = {key}
        else:
            ops = rewrites + replace_ops(iri, resolved.nt)
            self.paths_of[iri] = {key}
            if old is not None and old != iri:
                ops += self.detach_ops(key, old)
                self.summary.replaced += 1
            self.write(self.store.apply, ops)
        self.doc_of_path[key] = iri
        self.summary.extracted += 1
        self.fact_counts.update(result.counts)
        self.by_sha[result.sha256] = iri
        self.done_this_run.add(iri)
        return iri

    def run(self, files: Iterable[Path], window: int, per_task: int = 1, shrink: tuple[int, int] | None = None) -> None:
        """Every file in order, at most ``window`` files in flight and up to ``per_task`` new
        files per extraction task: memory stays bounded whatever the corpus size, and the store
        sees the writes a sequential build makes, in the same order (from the writer thread).
        ``shrink`` = (files in all, workers): tasks get smaller towards the end of the files, so
        that the workers finish together rather than one waiting for another's last big task."""
        jobs: deque[_Job] = deque()
        group: list[_Job] = []  # fresh jobs not yet handed out

        def hand_out() -> None:
            if group:
                _Group(self, group.copy())
                group.clear()

        def ready(job: _Job) -> bool:
            if job.future is None:
                return not job.fresh  # known content: decided now; fresh: waits for its task
            return job.future.done()

        # Extraction elsewhere (workers, a cluster): this thread keeps handing out work while the
        # writer thread writes. In this process: each document is written before the next one
        # is extracted, as before (a kill then loses nothing that was extracted).
        self.writer = None if getattr(self.executor, "in_process", False) else _Writer()
        self.snapshot_at = time.monotonic() + _SNAPSHOT_EVERY
        try:
            for i, path in enumerate(files):
                job = self.plan(path)
                if job is None:
                    continue
                jobs.append(job)
                if job.fresh:
                    group.append(job)
                    if shrink is not None:
                        total, slots = shrink
                        per_task = max(1, min(per_task, (total - i + len(group) - 1) // (2 * slots)))
                    if len(group) >= per_task:
                        hand_out()
                while jobs and (len(jobs) > window or ready(jobs[0])):
                    if jobs[0].future is None and jobs[0].fresh:
                        hand_out()
                    self._finish_next(jobs)
            hand_out()
            while jobs:
                self._finish_next(jobs)
            self._settle()
        finally:
            if self.writer is not None:
                self.flush_loads(check=False)  # an interrupted build keeps what it extracted
                self.writer.close()
                self.writer = None

    def _finish_next(self, jobs: deque[_Job]) -> None:
        self.finish(jobs.popleft())
        if time.monotonic() >= self.snapshot_at:  # a long build: readers see its progress
            self.write(self.store.publish_snapshot)
            self.snapshot_at = time.monotonic() + _SNAPSHOT_EVERY

    def prune(self) -> None:
        for iri, paths in sorted(self.paths_of.items()):
            gone = sorted(p for p in paths if not os.path.exists(p))
            if not gone:
                continue
            if len(gone) == len(paths):
                self.store.remove_document(iri)
                self.summary.pruned += 1
            else:
                self.store.apply([op for p in gone for op in remove_path_ops(iri, p)])


def build(paths: Iterable[str | os.PathLike[str]], store_path: str | os.PathLike[str] | None = None, *,
          prune: bool = False, segmenter: str = "auto", progress: bool = True,
          extract: Extractor | None = None, max_bytes: int = MAX_BYTES,
          max_chars: int = MAX_CHARS, workers: int = 1, scheduler: str | None = None,
          graph_store: str | None = None, window: int | None = None,
          file_timeout: float | None = FILE_TIMEOUT, files_per_task: int | None = None) -> BuildSummary:
    """Bring the store at ``store_path`` (default: :func:`kg.store.knowledge_store.default_store_path`) up to date
    with the documents under ``paths`` (files or folders); ``prune`` also removes documents whose
    source files no longer exist. ``extract`` replaces the spaCy pipeline (tests, other models;
    it must be picklable for ``workers > 1`` or a ``scheduler``).
    Files over ``max_bytes`` bytes, or whose text is over ``max_chars`` characters, are failures;
    so is a file whose reading and extraction take longer than ``file_timeout`` seconds (``None``
    or 0: no limit). With the default pipeline, extraction then runs in a worker process that is
    killed at the deadline; a custom ``extract`` with ``workers == 1`` runs in this process, under
    a ``SIGALRM`` deadline (it may be a closure; such a deadline cannot stop a long C call).

    ``workers > 1`` extracts in that many processes (the pipeline loaded once in each),
    ``scheduler`` (a Dask distributed address, or a :class:`dask.distributed.Client`) on a Dask
    cluster; this process stays the single writer, in file order (from a writer thread), with at
    most ``window`` documents in flight (default: two tasks per worker). With the default pipeline
    a task holds up to :data:`FILES_PER_TASK` files (``files_per_task``: exactly that many),
    extracted together (see :class:`_Group`).
    ``graph_store`` (a SPARQL 1.1 Graph Store endpoint URL) is then brought up to date with
    :func:`kg.store.sync.push` (the graphs changed since the last push to it are PUT, those of
    removed documents DELETEd).

    A store left by a killed build is checked (and its union repaired) before anything else;
    the documents that build had not finished are simply extracted now.
    """
    from kg.ingest.readers import discover

    started = time.perf_counter()
    summary = BuildSummary()
    files, problems = discover([Path(p) for p in paths])
    for e in problems:
        # Unsupported files met inside a folder are noted, not failures: folders hold other files.
        target = summary.ignored if e.reason.startswith("unsupported file type") else summary.failed
        target.append(BuildFailure(str(e.path), e.reason))
    target = Path(store_path if store_path is not None else default_store_path())
    if not files and not (target / "CURRENT").is_file():
        # nothing to put in a store that is not there yet (a mistyped path): leave no empty store behind
        summary.seconds = time.perf_counter() - started
        summary.store_missing = True
        return summary
    new = not target.exists()
    with KnowledgeStore(target) as store:
        if store.crashed:
            summary.recovered = store.verify(repair=True).format()
            log.warning("%s", summary.recovered)
        executor = open_executor(workers, scheduler, segmenter, preload=extract is None, timeout=file_timeout,
                                 in_process=extract is not None and workers <= 1)
        try:
            builder = _Builder(store, summary, extract, max_bytes, max_chars, segmenter,
                               executor=executor)
            slots = max(workers, _cluster_threads(executor))
            # one file per task for a custom extractor, which gains nothing from running files together
            per_task = files_per_task or (1 if extract is not None else FILES_PER_TASK)
            if window is None:
                window = 2 * slots * per_task  # a worker finds its next task waiting
            shrink = (len(files), slots) if files_per_task is None else None
            builder.run(_progress(files, progress), window, per_task, shrink)
            if prune:
                builder.prune()
        finally:
            executor.close()
        # (no flush here: closing the store publishes a snapshot, which flushes)
        if graph_store:
            from kg.store.sync import push

            summary.pushed = push(store, graph_store).format()
        summary.facts = dict(sorted(builder.fact_counts.items()))
        summary.entities = store.entity_counts()
        summary.documents = len(store.named_graphs())
        summary.triples = store.triple_count()
    if new and summary.documents == 0:  # every file failed: the store this build made holds nothing
        shutil.rmtree(target, ignore_errors=True)
        summary.store_missing = True
    summary.seconds = time.perf_counter() - started
    return summary


def _cluster_threads(executor: Any) -> int:
    client = getattr(executor, "client", None)
    if client is None:
        return 1
    try:
        return max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))
    except Exception:
        return 2
