"""The header of a ``.rq`` file: ``# title``, ``# description``, ``# param NAME (KIND, optional): …``
and ``# example`` comment lines, read into a :class:`SavedQuery`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.query.parameters import KINDS as _KINDS

__all__ = ["QueryParam", "SavedQuery", "declared_params"]

_FIELD = re.compile(r"^#\s*(title|description|param|example)\b\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s*(?:\(([\w\s,]*)\))?\s*:\s*(.*)$")


@dataclass(frozen=True)
class QueryParam:
    """A parameter of a saved query: its variable name, whether it must be given, what it means,
    and its kind (one of :data:`kg.query.parameters.KINDS`)."""

    name: str
    required: bool
    description: str
    kind: str = "text"


@dataclass(frozen=True)
class SavedQuery:
    """A saved query: ``name`` (the file's stem), header fields and the SPARQL text."""

    name: str
    title: str
    description: str
    params: tuple[QueryParam, ...]
    example: str
    sparql: str

    def format_help(self) -> str:
        """A few lines describing the query, for ``policykg queries show NAME``.

        >>> print(_parse("totals", "# title: Totals per district\\nSELECT * {}").format_help().splitlines()[0])
        totals — Totals per district
        """
        lines = [f"{self.name} — {self.title}", "", self.description]
        if self.params:
            lines += ["", "parameters:"]
            lines += [f"  {p.name}{'' if p.required else ' (optional)'}: {p.description}" for p in self.params]
        if self.example:
            lines += ["", f"example: {self.example}"]
        return "\n".join(lines)


def _parse(name: str, text: str) -> SavedQuery:
    fields: dict[str, str] = {"title": "", "description": "", "example": ""}
    params: list[QueryParam] = []
    last: str | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _FIELD.match(line)
        if m:
            key, value = m.group(1), m.group(2).lstrip(":").strip()
            last = key
            if key == "param":
                pm = _PARAM.match(value)
                if pm is None:
                    raise ValueError(f"{name}.rq: cannot read parameter line {line!r}")
                flags = [f.strip() for f in (pm.group(2) or "").split(",") if f.strip()]
                kinds = [f for f in flags if f != "optional"]
                if len(kinds) > 1 or (kinds and kinds[0] not in _KINDS):
                    raise ValueError(f"{name}.rq: unknown parameter kind in {line!r} (kinds: {', '.join(_KINDS)})")
                params.append(QueryParam(pm.group(1), "optional" not in flags, pm.group(3).strip(),
                                         kinds[0] if kinds else "text"))
            else:
                fields[key] = value
        elif last is not None and line[1:].startswith("  "):  # continuation of the previous field
            more = line[1:].strip()
            if last == "param":
                p = params[-1]
                params[-1] = QueryParam(p.name, p.required, f"{p.description} {more}", p.kind)
            else:
                fields[last] = f"{fields[last]} {more}"
    return SavedQuery(name, fields["title"] or name, fields["description"], tuple(params), fields["example"], text)


def declared_params(sparql: str) -> tuple[QueryParam, ...]:
    """The parameters a query's ``# param`` header declares (any query text, saved or not).

    >>> [(p.name, p.kind) for p in declared_params("# param d (district): a district\\nASK {}")]
    [('d', 'district')]
    """
    return _parse("query", sparql).params
