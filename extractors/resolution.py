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

__all__ = ["company_short_names", "merge_by_key", "resolve_document", "resolve_facts"]


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


def _merge_mentions(items: list, key) -> list:
    """One fact per ``key(item)``, first-seen order, from all the mentions sharing it.

    Each group is merged in one pass (not pairwise, which rebuilds the evidence tuple at every
    step): a name mentioned N times costs O(N), not O(N²).
    """
    groups: dict = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return [_merge_entity(group) for group in groups.values()]


def _merge_entity(group: list):
    """The first mention with every evidence and alias of the group, and the attributes it
    lacks taken from the first mention that has them."""
    a = group[0]
    if len(group) == 1:
        return a
    changes = {"evidence": tuple(dict.fromkeys(ev for x in group for ev in x.evidence))}
    if hasattr(a, "aliases"):
        aliases = dict.fromkeys(alias for x in group for alias in x.aliases)
        changes["aliases"] = tuple(alias for alias in aliases if alias != a.name)
    if hasattr(a, "is_official"):
        changes["is_official"] = any(x.is_official for x in group)
    if hasattr(a, "batch"):
        changes["batch"] = any(x.batch for x in group)
    for field in ("issuer", "district", "version_of", "parent_adcode", "region", "operator", "planned_completion",
                  "document_number", "part_of"):
        if hasattr(a, field) and getattr(a, field) is None:
            changes[field] = next((v for x in group if (v := getattr(x, field)) is not None), None)
    return replace(a, **changes)


def _rename_aliases(facts) -> None:
    """An organization recorded under a surface form that is another one's alias, or under a
    company's short name ("某某集团" for "中国某某集团有限公司"), takes that one's name."""
    canonical = {alias: o.name for o in facts.organizations for alias in o.aliases}
    for o in facts.organizations:
        for short in company_short_names(o.name):
            canonical.setdefault(short, o.name)
    names = {o.name for o in facts.organizations}
    rename = {n: canonical[n] for n in names if n in canonical and canonical[n] != n}
    if rename:
        _rename_orgs(facts, rename)


def company_short_names(name: str) -> tuple[str, ...]:
    """The shorter names a company goes by: without 中国 in front, without its legal form.

    >>> company_short_names("中国某某集团有限公司")
    ('某某集团有限公司', '中国某某集团', '某某集团')
    >>> company_short_names("某某区人民政府")
    ()
    """
    legal = next((f for f in LEGAL_FORMS if name.endswith(f) and len(name) - len(f) >= 4), None)
    if legal is None:
        return ()
    out = []
    if name.startswith("中国") and len(name) - 2 - len(legal) >= 2:
        out.append(name[2:])
    core = name[: -len(legal)]
    out.append(core)
    if core.startswith("中国") and len(core) >= 6:
        out.append(core[2:])
    return tuple(dict.fromkeys(o for o in out if len(o) >= 4))


# a company's legal form, dropped in its everyday name ("万华化学集团股份有限公司" → 万华化学集团)
LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司")


def _rename_orgs(facts, rename: dict[str, str]) -> None:
    """Rename organizations everywhere the facts refer to them; the old name becomes an alias."""
    facts.organizations = [replace(o, name=rename[o.name], aliases=(*o.aliases, o.name)) if o.name in rename
                           else o for o in facts.organizations]
    facts.posts = [replace(p, org=rename.get(p.org, p.org)) for p in facts.posts]
    facts.measures = [replace(m, issuer=rename.get(m.issuer, m.issuer)) for m in facts.measures]
    facts.projects = [replace(p, operator=rename.get(p.operator, p.operator)) for p in facts.projects]

    def ref(r):
        return replace(r, key=rename[r.key]) if r is not None and r.kind == "org" and r.key in rename else r

    facts.relations = [replace(r, subject=ref(r.subject), object=ref(r.object)) for r in facts.relations]
    facts.funding = [replace(f, attached_to=ref(f.attached_to)) for f in facts.funding]


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
    facts.districts = _merge_mentions(facts.districts, lambda d: d.adcode)
    facts.organizations = _merge_mentions(facts.organizations, lambda o: o.name)
    facts.persons = _merge_mentions(facts.persons, lambda p: p.name)
    facts.measures = _merge_mentions(facts.measures, lambda m: m.name)
    facts.projects = _merge_mentions(facts.projects, lambda p: p.name)
    facts.posts = merge_by_key(facts.posts, lambda p: (p.person, p.role, p.org), lambda a, b: a)
    facts.relations = merge_by_key(facts.relations, lambda r: (r.subject, r.predicate, r.object, r.date),
                                   lambda a, b: a)


@Language.factory("policykg_resolution", assigns=["doc._.facts"])
def make_resolver(nlp: Language, name: str):
    return resolve_document
