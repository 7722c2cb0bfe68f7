"""N-Triples text re-addressed as N-Quads of one named graph (the store's bulk-load format)."""

from __future__ import annotations

__all__ = ["nquads_of"]


def nquads_of(nt: str, graph_iri: str) -> str:
    """N-Triples lines as N-Quads in the named graph ``graph_iri``.

    >>> nquads_of('<a:s> <a:p> "x" .\\n', "a:g")
    '<a:s> <a:p> "x" <a:g> .\\n'
    """
    g = f" <{graph_iri}> .\n"
    return "".join(line[:-2].rstrip() + g for line in nt.splitlines() if line.endswith(" ."))
