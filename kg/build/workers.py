"""Extraction as a picklable task: one document in, its graph as N-Triples out.

A parallel build keeps a single writer: the parent process reads nothing but file hashes and
writes every document's graph (atomically, through :class:`kg.store.knowledge_store.KnowledgeStore`); the
expensive part, reading + normalizing + extracting + building the graph, runs as
:func:`extract_document` in supervised worker processes (``build --workers N``, and the one
worker of a default ``build``) or on a Dask distributed cluster (``build --scheduler ADDRESS``).
Workers load the spaCy pipeline once (:func:`extractors.pipeline.load_pipeline` is cached per process)
and return plain data, so a shard that fails or runs twice changes nothing: the parent replaces
the document's named graph, it never appends to it.

Every file has a wall-clock budget (``build --file-timeout``): a worker still on a file when its
budget runs out is killed and replaced, and that file fails with :class:`FileTimeout`; a worker
that dies (the OOM killer, a crash in a parser) fails its own file only. Extraction in this
process (a library build with a custom extractor) gets the budget as a ``SIGALRM`` deadline.

>>> from kg.model.facts import DocumentFacts
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
>>> _ = p.write_text("大足区召开会议。", encoding="utf-8")
>>> r = extract_document(str(p), str(p), extract=lambda text, date: DocumentFacts())
>>> r.failure is None, r.nt.count(" .\\n") > 3
(True, True)

Long because the supervised worker pool (start, deadline, kill and replace, ordered results) is
one mechanism; the task itself, :func:`extract_document`, is short.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.model.facts import DocumentFacts
from kg.store.resolution import StatedEntities, stated_entities

__all__ = ["Extracted", "FileTimeout", "extract_document", "extract_documents", "open_executor"]

Extractor = Callable[[str, str | None], DocumentFacts]


@dataclass
class Extracted:
    """What extracting one file gave: its graph as N-Triples, what the graph says of its
    resolvable nodes (for the writer's cross-document resolution) and fact counts, or a failure."""

    path: str
    key: str
    sha256: str | None = None
    nt: str = ""
    entities: StatedEntities | None = None
    counts: dict[str, int] = field(default_factory=dict)
    failure: str | None = None
    warnings: list[str] = field(default_factory=list)


class FileTimeout(BaseException):
    """A file's extraction ran past its wall-clock budget (``build --file-timeout``).

    A ``BaseException`` (like ``KeyboardInterrupt``): readers and extractors catch ``Exception``
    broadly, and a deadline raised inside them must get through.

    >>> str(FileTimeout(300))
    'timed out after 300 s (see --file-timeout)'
    """

    def __init__(self, seconds: float) -> None:
        super().__init__(f"timed out after {seconds:g} s (see --file-timeout)")
        self.seconds = seconds


def _pipeline_extractor(segmenter: str) -> Extractor:
    def extract(text: str, doc_date: str | None) -> DocumentFacts:
        from extractors.pipeline import extract_facts  # spaCy: loaded only where something is extracted

        return extract_facts(text, doc_date=doc_date, segmenter=segmenter)

    return extract


def extract_document(path: str, key: str, *, extract: Extractor | None = None, segmenter: str = "auto",
                     max_bytes: int = 50_000_000, max_chars: int = 1_000_000) -> Extracted:
    """Read, normalize and extract the file ``path``; ``key`` is the source path recorded in the
    graph. Never raises for a bad file: the reason is in ``failure``."""
    return extract_documents([(path, key)], extract=extract, segmenter=segmenter, max_bytes=max_bytes,
                             max_chars=max_chars)[0]


def extract_documents(files: list[tuple[str, str]], *, extract: Extractor | None = None,
                      segmenter: str = "auto", max_bytes: int = 50_000_000,
                      max_chars: int = 1_000_000) -> list[Extracted]:
    """:func:`extract_document` of several ``(path, key)`` files, in order: one worker task. With
    the default pipeline their texts go through it together (the NER backbone then batches the
    sentences of all of them); each file's result, or failure, is its own."""
    from kg.ingest.normalize import normalize
    from kg.ingest.readers import IngestError, read_document

    outs: list[Extracted] = []
    ready: list[tuple[Extracted, Any, Any]] = []  # (result so far, document, normalized text)
    for path, key in files:
        out = Extracted(path, key)
        outs.append(out)
        try:
            doc = read_document(Path(path), max_bytes=max_bytes, max_chars=max_chars)
        except IngestError as e:
            out.failure = e.reason
            continue
        except (Exception, RecursionError) as e:  # a reader's bug on a hostile file ends this file only
            out.failure = f"cannot read: {type(e).__name__}: {e}"
            continue
        out.sha256 = doc.sha256
        out.warnings.extend(doc.warnings)
        try:
            normalized = normalize(doc.text)
        except Exception as e:
            out.failure = f"extraction failed: {type(e).__name__}: {e}"
            continue
        if len(normalized.text) > max_chars:
            out.failure = (f"text too long ({len(normalized.text)} characters > limit {max_chars}; "
                           "see --max-chars)")
            continue
        ready.append((out, doc, normalized))
    for (out, doc, normalized), facts in zip(ready, _facts_of_all(ready, extract, segmenter), strict=True):
        try:
            if isinstance(facts, Exception):
                raise facts
            out.nt = _graph_ntriples(doc, normalized, facts, out)
            out.entities = stated_entities(out.nt)
            out.counts = dict(facts.counts())
        except Exception as e:  # one document's bug must not end the batch; it is reported
            out.failure = f"extraction failed: {type(e).__name__}: {e}"
    return outs


def _facts_of_all(ready: list[tuple[Extracted, Any, Any]], extract: Extractor | None,
                  segmenter: str) -> list[DocumentFacts | Exception]:
    """Each ready document's facts, or the error its extraction raised."""
    if extract is None and len(ready) > 1:
        from extractors.pipeline import extract_many  # spaCy: loaded only where something is extracted

        return extract_many([(n.text, doc.date) for _, doc, n in ready], segmenter=segmenter)
    run = extract or _pipeline_extractor(segmenter)
    facts: list[DocumentFacts | Exception] = []
    for _, doc, normalized in ready:
        try:
            facts.append(run(normalized.text, doc.date))
        except Exception as e:
            facts.append(e)
    return facts


def _graph_ntriples(doc: Any, normalized: Any, facts: DocumentFacts, out: Extracted) -> str:
    from kg.rdf.facts_to_rdf import document_graph

    graph = document_graph(doc, normalized, facts, source_paths=[out.key], warnings=out.warnings)
    return graph.serialize(format="nt", encoding="utf-8").decode("utf-8")


# ---------------------------------------------------------------------- executors
def _init_worker(segmenter: str, preload: bool) -> None:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

    if preload:
        from extractors.pipeline import load_lexicons_in_background, load_pipeline

        load_pipeline(segmenter)  # once per worker, while the parent hashes files
        load_lexicons_in_background()


@contextlib.contextmanager
def _deadline(seconds: float | None) -> Iterator[None]:
    """Raise :class:`FileTimeout` in this thread after ``seconds`` (main thread, POSIX only).

    A signal interrupts Python code only, not a long call inside a C extension: the robust
    budget is the killable worker of :class:`_Supervised`; this one covers in-process builds.
    """
    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise FileTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _Inline:
    """Runs each task at once, in this process (the sequential build), within ``timeout``."""

    in_process = True  # the build then writes each document before extracting the next

    def __init__(self, timeout: float | None = None) -> None:
        self.timeout = timeout

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        return self.submit_scaled(1, fn, *args, **kwargs)

    def submit_scaled(self, scale: int, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """:meth:`submit` a task of ``scale`` files: its budget is ``scale`` times a file's."""
        f: Future = Future()
        try:
            with _deadline(self.timeout and self.timeout * scale):
                f.set_result(fn(*args, **kwargs))  # errors (Ctrl-C ...) propagate at once
        except FileTimeout as e:
            if not f.done():  # (the alarm may fire just after the result is in)
                f.set_exception(e)
        return f

    def close(self) -> None:
        pass


def _portable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling, else a RuntimeError saying what it was."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def _worker_main(conn: Any, segmenter: str, preload: bool) -> None:
    """A worker process: load the pipeline, say "ready", then run tasks until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it stops the workers
    try:
        _init_worker(segmenter, preload)
    except BaseException as e:
        conn.send(("failed", _portable(e)))
        return
    conn.send(("ready", None))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if task is None:
            conn.close()
            os._exit(0)  # nothing to save here: skip tearing the interpreter and the models down (~1 s)
        conn.send(("started", None))  # the task is unpickled (its module imported): the clock starts
        fn, args, kwargs = task
        try:
            reply: tuple[str, Any] = ("ok", fn(*args, **kwargs))
        except BaseException as e:
            reply = ("error", _portable(e))
        try:
            conn.send(reply)
        except (pickle.PicklingError, TypeError, AttributeError) as e:
            conn.send(("error", RuntimeError(f"result cannot be sent back: {e}")))


class _Task:
    """A task of :class:`_Supervised`; ``done()`` and ``result()`` move the pool along."""

    def __init__(self, pool: _Supervised, call: tuple[Callable[..., Any], tuple, dict], scale: int = 1) -> None:
        self.pool = pool
        self.call = call
        self.budget = pool.timeout * scale if pool.timeout else None  # seconds, None: no limit
        self.outcome: tuple[bool, Any] | None = None  # (ok, value or exception)

    def settle(self, ok: bool, value: Any) -> None:
        if self.outcome is None:
            self.outcome = (ok, value)

    def done(self) -> bool:
        if self.outcome is None:
            self.pool.pump(0)
        return self.outcome is not None

    def result(self) -> Any:
        while self.outcome is None:
            self.pool.pump(None)
        ok, value = self.outcome
        if not ok:
            raise value
        return value


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Any
    ready: bool = False
    task: _Task | None = None
    deadline: float = float("inf")


#: Imported once by the fork server the workers are forked from: what every worker imports.
_FORKSERVER_PRELOAD = ["__main__", "kg.build.workers", "extractors.pipeline", "kg.rdf.facts_to_rdf",
                       "kg.ingest.readers", "kg.ingest.normalize"]


class _Supervised:
    """Tasks in up to ``workers`` worker processes, each task within ``timeout`` seconds.

    Workers start on first use (a build with nothing to extract starts none). A worker past its
    task's deadline is killed (SIGKILL: nothing it runs, C code included, can hold it up) and
    replaced; its task fails with :class:`FileTimeout`. A worker that dies fails its own task
    with ``ChildProcessError``. No threads: the queue moves whenever the caller asks a task
    whether it is done or waits for it, and waiting sleeps in ``connection.wait`` until a
    worker answers, dies or reaches its deadline.
    """

    def __init__(self, workers: int, segmenter: str, preload: bool, timeout: float | None = None) -> None:
        import multiprocessing

        # Never a fork of this process: it holds RocksDB threads and locks that a fork would copy.
        # A fork server is a fresh process that imports the pipeline's modules (spaCy ...) once,
        # and each worker is forked from it: N workers do not import them N times over, and a
        # replaced worker is ready in ~0.1 s. POLICYKG_WORKER_START=spawn: fresh processes.
        if os.environ.get("POLICYKG_WORKER_START", "forkserver") == "forkserver" and (
                "forkserver" in multiprocessing.get_all_start_methods()):
            self.ctx = multiprocessing.get_context("forkserver")
            self.ctx.set_forkserver_preload(_FORKSERVER_PRELOAD)
        else:
            self.ctx = multiprocessing.get_context("spawn")
        self.size = max(1, workers)
        self.init = (segmenter, preload)
        self.timeout = timeout or None
        self.workers: list[_Worker] = []
        self.queue: deque[_Task] = deque()
        self.broken: BaseException | None = None  # a worker could not even start

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> _Task:
        return self.submit_scaled(1, fn, *args, **kwargs)

    def submit_scaled(self, scale: int, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> _Task:
        """:meth:`submit` a task of ``scale`` files: its budget is ``scale`` times a file's."""
        task = _Task(self, (fn, args, kwargs), scale)
        self.queue.append(task)
        self.pump(0)
        return task

    def _start(self) -> None:
        parent, child = self.ctx.Pipe()
        process = self.ctx.Process(target=_worker_main, args=(child, *self.init), daemon=True,
                                   name="policykg-extract")
        process.start()
        child.close()  # so that the parent sees EOF when the worker dies
        self.workers.append(_Worker(process, parent))

    def _retire(self, worker: _Worker, kill: bool = False) -> None:
        if kill and worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        self.workers.remove(worker)

    def _dispatch(self) -> None:
        if self.broken is not None:
            while self.queue:
                self.queue.popleft().settle(False, self.broken)
            return
        for worker in self.workers:
            if not self.queue:
                return
            if worker.ready and worker.task is None:
                task = self.queue.popleft()
                try:
                    worker.conn.send(task.call)
                except (pickle.PicklingError, TypeError, AttributeError) as e:  # nothing was sent
                    task.settle(False, e)
                    continue
                worker.task = task
                worker.deadline = time.monotonic() + task.budget if task.budget else float("inf")
        while self.queue and len(self.workers) < min(self.size, len(self.queue) + self._busy()):
            self._start()

    def _busy(self) -> int:
        return sum(1 for w in self.workers if w.task is not None)

    def pump(self, wait: float | None) -> None:
        """Hand out tasks, then take in what the workers say (waiting up to ``wait`` seconds,
        ``None``: until something happens) and kill the workers past their deadline."""
        self._dispatch()
        if not self.workers:
            return
        now = time.monotonic()
        first_deadline = min(w.deadline for w in self.workers)
        timeout = None if first_deadline == float("inf") else max(0.0, first_deadline - now)
        if wait is not None:
            timeout = wait if timeout is None else min(wait, timeout)
        from multiprocessing.connection import wait as wait_for

        ready = set(wait_for([w.conn for w in self.workers] + [w.process.sentinel for w in self.workers],
                             timeout))
        for worker in list(self.workers):
            if worker.conn in ready or worker.process.sentinel in ready:
                self._hear(worker)
        now = time.monotonic()
        for worker in list(self.workers):
            if worker.task is not None and worker.deadline <= now:
                worker.task.settle(False, FileTimeout(worker.task.budget or 0))
                self._retire(worker, kill=True)
        self._dispatch()

    def _hear(self, worker: _Worker) -> None:
        try:
            if not worker.conn.poll():
                raise EOFError  # only the sentinel fired: the process is gone
            kind, value = worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join(5)
            code = worker.process.exitcode
            how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit status {code}"
            if worker.task is not None:
                worker.task.settle(False, ChildProcessError(f"extraction worker died ({how})"))
            elif not worker.ready:
                self.broken = RuntimeError(f"extraction worker could not start ({how})")
            self._retire(worker)
            return
        if kind == "ready":
            worker.ready = True
        elif kind == "started":
            budget = worker.task.budget if worker.task is not None else None
            worker.deadline = time.monotonic() + budget if budget else float("inf")
        elif kind == "failed":
            self.broken = value
            self._retire(worker, kill=True)
        else:
            task, worker.task, worker.deadline = worker.task, None, float("inf")
            if task is not None:
                task.settle(kind == "ok", value)

    def close(self) -> None:
        for task in self.queue:
            task.settle(False, RuntimeError("build stopped"))
        self.queue.clear()
        for worker in list(self.workers):
            if worker.task is None:
                with contextlib.suppress(OSError):
                    worker.conn.send(None)
            self._retire(worker, kill=worker.task is not None or not worker.ready)


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

    def submit_scaled(self, scale: int, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        del scale  # no per-task budget on a cluster
        return self.submit(fn, *args, **kwargs)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        # pure=False: every shard runs; retries: a re-run is harmless (graphs are replaced)
        return self.client.submit(fn, *args, pure=False, retries=2, **kwargs)

    def close(self) -> None:
        if self._own:
            self.client.close()


def open_executor(workers: int = 1, scheduler: Any = None, segmenter: str = "auto",
                  preload: bool = True, timeout: float | None = None,
                  in_process: bool = False) -> _Inline | _Supervised | _Dask:
    """Where extraction tasks run: a Dask cluster (``scheduler``); ``workers`` supervised
    processes, each file within ``timeout`` seconds (also for ``workers == 1`` when there is a
    timeout, unless ``in_process``); else this process (with a ``SIGALRM`` deadline)."""
    if scheduler:
        return _Dask(scheduler)
    if workers > 1 or (timeout and not in_process and _can_spawn()):
        return _Supervised(workers, segmenter, preload, timeout)
    return _Inline(timeout)


def _can_spawn() -> bool:
    """Whether a spawned worker can start: it re-imports the main script, which a script read
    from stdin does not have (there, one worker's extraction stays in this process)."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    return getattr(main, "__spec__", None) is not None or path is None or os.path.exists(path)
