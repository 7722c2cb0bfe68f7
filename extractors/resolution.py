"""Entity resolution inside a document: one fact per real thing, aliases and evidence merged.

Mentions of the same district (adcode), organization, person, measure or project (canonical
name) become one fact whose aliases are every other surface form and whose evidence lists every
mention. A person whose name is only ever seen with a given name cut short is not merged: the
recognizers already chose the name length from context.
"""

from __future__ import annotations

from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc

from extractors.annotations import facts_of
from extractors.context import is_context_bound
from kg.model.facts import DocumentFacts

__all__ = ["merge_by_key", "resolve_document", "resolve_facts"]


def merge_by_key(items: list, key, combine) -> list:
    """Merge items sharing ``key(item)`` with ``combine(a, b)``, keeping first-seen order.

    >>> merge_by_key([("a", 1), ("b", 2), ("a", 3)], key=lambda x: x[0], combine=lambda a, b: (a[0], a[1] + b[1]))
    [('a', 4), ('b', 2)]
    """
    merged: dict = {}
    for item in items:
        k = key(item)
        merged[k] = combine(merged[k], item) if k in merged else item
    return list(merged.values())


def _union(a: tuple, b: tuple, exclude: str = "") -> tuple:
    return tuple(x for x in dict.fromkeys((*a, *b)) if x != exclude)


def _merge_entity(a, b):
    changes = {"evidence": _union(a.evidence, b.evidence)}
    if hasattr(a, "aliases"):
        changes["aliases"] = _union(a.aliases, b.aliases, exclude=a.name)
    if hasattr(a, "is_official"):
        changes["is_official"] = a.is_official or b.is_official
    if hasattr(a, "batch"):
        changes["batch"] = a.batch or b.batch
    for field in ("issuer", "district", "version_of", "parent_adcode", "region", "operator", "planned_completion",
                  "document_number", "part_of"):
        if hasattr(a, field) and getattr(a, field) is None:
            changes[field] = getattr(b, field)
    return replace(a, **changes)


def _rename_aliases(facts) -> None:
    """An organization recorded under a surface form that is another one's alias takes its name."""
    canonical = {alias: o.name for o in facts.organizations for alias in o.aliases}
    names = {o.name for o in facts.organizations}
    rename = {n: canonical[n] for n in names if n in canonical and canonical[n] != n}
    if not rename:
        return
    facts.organizations = [replace(o, name=rename[o.name], aliases=(*o.aliases, o.name)) if o.name in rename
                           else o for o in facts.organizations]
    facts.posts = [replace(p, org=rename.get(p.org, p.org)) for p in facts.posts]


def _drop_context_bound(facts) -> None:
    """A short form left unresolved ("区委" in a text naming no district) names no particular
    organization: it becomes no node, and posts, issuers and relations lose the link instead."""
    bound = {o.name for o in facts.organizations if is_context_bound(o.name)}
    bound |= {p.org for p in facts.posts if p.org and is_context_bound(p.org)}
    bound |= {m.issuer for m in facts.measures if m.issuer and is_context_bound(m.issuer)}
    if not bound:
        return
    facts.organizations = [o for o in facts.organizations if o.name not in bound]
    facts.posts = [replace(p, org=None) if p.org in bound else p for p in facts.posts]
    facts.measures = [replace(m, issuer=None) if m.issuer in bound else m for m in facts.measures]
    facts.projects = [replace(p, operator=None) if p.operator in bound else p for p in facts.projects]
    facts.relations = [r for r in facts.relations
                       if not any(e.kind == "org" and e.key in bound for e in (r.subject, r.object))]


def resolve_document(doc: Doc) -> Doc:
    resolve_facts(facts_of(doc))
    return doc


def resolve_facts(facts: DocumentFacts) -> None:
    """Merge, in place, the facts that name the same thing (also used for a chunked document)."""
    _rename_aliases(facts)
    _drop_context_bound(facts)
    facts.districts = merge_by_key(facts.districts, lambda d: d.adcode, _merge_entity)
    facts.organizations = merge_by_key(facts.organizations, lambda o: o.name, _merge_entity)
    facts.persons = merge_by_key(facts.persons, lambda p: p.name, _merge_entity)
    facts.measures = merge_by_key(facts.measures, lambda m: m.name, _merge_entity)
    facts.projects = merge_by_key(facts.projects, lambda p: p.name, _merge_entity)
    facts.posts = merge_by_key(facts.posts, lambda p: (p.person, p.role, p.org), lambda a, b: a)
    facts.relations = merge_by_key(facts.relations, lambda r: (r.subject, r.predicate, r.object, r.date),
                                   lambda a, b: a)


@Language.factory("policykg_resolution", assigns=["doc._.facts"])
def make_resolver(nlp: Language, name: str):
    return resolve_document
