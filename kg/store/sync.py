"""Keeping an external SPARQL 1.1 Graph Store equal to the store: ``policykg push URL``.

Each document graph is one remote named graph. What was last sent to each endpoint is recorded
in the store folder (``policykg-push.json``: per endpoint URL, a digest of every document graph
sent), so a push sends only the graphs that changed since the last push to that endpoint and
deletes the remote graphs of documents that are gone. ``full=True`` sends every graph again (a
fresh or wiped endpoint). A PUT replaces a graph, so a push repeated after a failure never
duplicates a fact; the record is written after each request, so an interrupted push resumes.

>>> import tempfile, pathlib
>>> state = PushState(pathlib.Path(tempfile.mkdtemp()))
>>> state.sent("http://h/store")
{}
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from kg.store.graph_store_client import GraphStoreClient
from kg.store.knowledge_store import KnowledgeStore

__all__ = ["PUSH_STATE", "PushState", "PushSummary", "push"]

PUSH_STATE = "policykg-push.json"


@dataclass
class PushSummary:
    """What a push did: graphs sent, remote graphs deleted, graphs already up to date."""

    url: str
    sent: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0

    def format(self) -> str:
        return (f"pushed to {self.url}: {len(self.sent)} graphs sent, {len(self.deleted)} deleted, "
                f"{self.unchanged} unchanged")


class PushState:
    """The record of what was sent where, in the store folder (written atomically)."""

    def __init__(self, store_dir: Path) -> None:
        self.path = store_dir / PUSH_STATE
        try:
            self.data: dict[str, dict[str, str]] = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            self.data = {}
        except (OSError, ValueError):
            self.data = {}  # an unreadable record only costs a full push

    def sent(self, url: str) -> dict[str, str]:
        """``{document IRI: digest}`` of the graphs last sent to ``url``."""
        return dict(self.data.get(url, {}))

    def record(self, url: str, graph: str, digest: str | None) -> None:
        """Remember that ``graph`` now has ``digest`` at ``url`` (``None``: deleted there)."""
        graphs = self.data.setdefault(url, {})
        if digest is None:
            graphs.pop(graph, None)
        else:
            graphs[graph] = digest
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(self.data, ensure_ascii=False, sort_keys=True, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)


def push(store: KnowledgeStore, url: str, *, full: bool = False,
         client: GraphStoreClient | None = None) -> PushSummary:
    """Make the Graph Store at ``url`` hold exactly the store's document graphs (see module doc).

    Raises :class:`kg.store.graph_store_client.GraphStoreError` when the endpoint refuses or
    cannot be reached; what was sent before that is recorded.
    """
    client = client or GraphStoreClient(url)
    state = PushState(store.path)
    before = {} if full else state.sent(url)
    summary = PushSummary(url)
    local = [str(rec.iri) for rec in store.documents()]
    for graph in local:
        nt = store.document_ntriples(graph)  # type: ignore[arg-type]
        digest = hashlib.sha256(nt.encode("utf-8")).hexdigest()
        if before.get(graph) == digest:
            summary.unchanged += 1
            continue
        client.put(graph, nt)
        state.record(url, graph, digest)
        summary.sent.append(graph)
    for graph in sorted(set(state.sent(url)) - set(local)):
        client.delete(graph)
        state.record(url, graph, None)
        summary.deleted.append(graph)
    return summary
