"""Pushing document graphs to an external SPARQL 1.1 Graph Store (Oxigraph server, Fuseki,
QLever, Virtuoso ...): ``build --graph-store URL`` PUTs each changed document's named graph as
N-Triples to ``URL?graph=<document IRI>`` and DELETEs the graphs of removed documents. A PUT
replaces the graph, so pushing a document twice (a re-run shard) never duplicates a fact.

>>> GraphStoreClient("http://127.0.0.1:7878/store").graph_url("https://w3id.org/policykg/id/doc/ab")
'http://127.0.0.1:7878/store?graph=https%3A%2F%2Fw3id.org%2Fpolicykg%2Fid%2Fdoc%2Fab'
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

__all__ = ["GraphStoreClient", "GraphStoreError"]


class GraphStoreError(RuntimeError):
    """The Graph Store refused a request or could not be reached."""


class GraphStoreClient:
    """A minimal Graph Store Protocol client (indirect graph identification)."""

    def __init__(self, url: str, timeout: float = 60.0) -> None:
        self.url = url
        self.timeout = timeout

    def graph_url(self, graph: str) -> str:
        sep = "&" if "?" in self.url else "?"
        return f"{self.url}{sep}graph={urllib.parse.quote(str(graph), safe='')}"

    def _send(self, method: str, graph: str, body: bytes | None = None) -> int:
        req = urllib.request.Request(self.graph_url(graph), data=body, method=method)
        if body is not None:
            req.add_header("Content-Type", "application/n-triples; charset=utf-8")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return resp.status
        except urllib.error.HTTPError as e:
            if method == "DELETE" and e.code == 404:  # already gone
                return 404
            raise GraphStoreError(f"{method} {self.graph_url(graph)}: HTTP {e.code} {e.reason}") from None
        except OSError as e:
            raise GraphStoreError(f"{method} {self.graph_url(graph)}: {e}") from None

    def put(self, graph: str, ntriples: str) -> int:
        """Replace ``graph`` on the server by these N-Triples."""
        return self._send("PUT", graph, ntriples.encode("utf-8"))

    def delete(self, graph: str) -> int:
        """Delete ``graph`` on the server (a missing graph is fine)."""
        return self._send("DELETE", graph)
