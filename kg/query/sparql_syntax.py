"""Saying in words what is wrong with a malformed SPARQL query, and pointing at the spot.

rdflib's parser reports ``Expected SelectQuery, found 'id' (at char 21)``; :func:`explain` turns
that (or an unknown prefix, an unclosed brace or string) into one sentence, the line and column,
the query's line and a caret under the spot:

>>> print(explain("SELECT ?p ?o WHERE { id:district/500111 ?p ?o }"))
line 1, column 22: 'id:district/500111' is not a prefixed name ("/" cannot be part of one); write district:500111 or <https://w3id.org/policykg/id/district/500111>
  SELECT ?p ?o WHERE { id:district/500111 ?p ?o }
                       ^
"""

from __future__ import annotations

import difflib
import re

from kg.model.namespaces import PREFIXES, expand_iri, sparql_iri

__all__ = ["explain"]

KEYWORDS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "FILTER", "OPTIONAL", "UNION", "MINUS", "GRAPH",
            "BIND", "VALUES", "LIMIT", "OFFSET", "ORDER", "GROUP", "BY", "HAVING", "DISTINCT", "REDUCED", "PREFIX",
            "BASE", "AS", "NOT", "EXISTS", "FROM", "NAMED", "ASC", "DESC")
_QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "PREFIX", "BASE")

# What may hide a brace or a quote: comments, complete strings, IRIs (matched whole and skipped).
_TOKENS = re.compile(r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\" | '\'\'(?:[^'\\]|\\.|'(?!''))*'\'\'
      | "(?:[^"\\\n]|\\.)*" | '(?:[^'\\\n]|\\.)*')
  | (?P<quote>["'])
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<pname>(?<![\w?$])[A-Za-z][\w.-]*:[^\s{}();,<>"']*)
  | (?P<open>[{(]) | (?P<close>[})])
""", re.X)
_PAIRS = {"{": "}", "(": ")"}
_FOUND = re.compile(r"found (?:'(?P<token>.*?)'|(?P<end>end of text))")
# a prefixed name with "/" in its local part (id:district/500111), not a property path (pkg:a/pkg:b)
_SLASHED = re.compile(r"[\w.-]*:[\w.-]*(?<!\\)/(?![\^<(]|a\b)[^/:|]*(?:$|[/|])")
_UNKNOWN_PREFIX = re.compile(r"Unknown namespace prefix\s*:\s*(?P<prefix>[\w.-]*)")


def _where(text: str, pos: int) -> tuple[int, int, str, int]:
    """Line and column (1-based) of character ``pos``, the line's text and the caret's column."""
    pos = max(0, min(pos, len(text)))
    line_no = text.count("\n", 0, pos) + 1
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    line = text[start:end if end >= 0 else len(text)]
    return line_no, pos - start + 1, line, _display_width(text[start:pos])


def _display_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text.replace("\t", " "))


def _point(text: str, pos: int, words: str) -> str:
    line_no, col, line, caret = _where(text, pos)
    return f"line {line_no}, column {col}: {words}\n  {line.replace(chr(9), ' ')}\n  {' ' * caret}^"


def _slashed_name(text: str, token: str) -> str | None:
    """What to write instead of a prefixed name with "/" in it (id:district/500111)."""
    iri = expand_iri(token)
    if iri is None:
        return None
    better = sparql_iri(iri)
    return f"write {better} or <{iri}>" if not better.startswith("<") else f"write {better}"


def _balance(text: str) -> str | None:
    """An unclosed or unopened brace/parenthesis, or an unterminated string, explained."""
    stack: list[tuple[str, int]] = []
    for m in _TOKENS.finditer(text):
        kind = m.lastgroup
        if kind == "quote":
            return _point(text, m.start(), f"this string is never closed (a {m.group()} is missing)")
        if kind == "open":
            stack.append((m.group(), m.start()))
        elif kind == "close":
            if not stack:
                return _point(text, m.start(),
                              f"'{m.group()}' closes nothing (one too many, or its opening is missing)")
            opened, at = stack.pop()
            if _PAIRS[opened] != m.group():
                return _point(text, m.start(), f"'{m.group()}' closes the '{opened}' opened at "
                                               f"line {_where(text, at)[0]}, column {_where(text, at)[1]}")
    if stack:
        opened, at = stack[-1]
        return _point(text, at, f"this '{opened}' is never closed (a '{_PAIRS[opened]}' is missing)")
    return None


def _close_keyword(word: str) -> str | None:
    if not re.fullmatch(r"[A-Za-z]+", word) or word.upper() in KEYWORDS:
        return None
    close = difflib.get_close_matches(word.upper(), KEYWORDS, n=1, cutoff=0.75)
    return close[0] if close else None


def _parse_error(sparql: str) -> BaseException | None:
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepareQuery(sparql, initNs={p: str(ns) for p, ns in PREFIXES.items()})
    except Exception as e:  # what the parser says is the input here
        return e
    return None


def explain(sparql: str, error: BaseException | None = None) -> str:
    """What is wrong with ``sparql``, in words, with its line, column and a caret under the spot.

    ``error`` is what rdflib's parser raised on it (pyparsing's ``ParseException`` carries the
    position); without it, the query is parsed here.

    >>> print(explain("SELECT ?x WHERE { ?x a pkg:Official } LIMT 5"))
    line 1, column 39: unexpected 'LIMT' after the query; did you mean LIMIT?
      SELECT ?x WHERE { ?x a pkg:Official } LIMT 5
                                            ^
    """
    if error is None:
        error = _parse_error(sparql)
        if error is None:
            return "no syntax error"
    unknown = _UNKNOWN_PREFIX.search(str(error))
    for m in _TOKENS.finditer(sparql):  # names the parser cannot read, wherever they are
        if m.lastgroup != "pname":
            continue
        token = m.group().rstrip(".")
        prefix = token.split(":", 1)[0]
        if unknown and prefix == unknown.group("prefix"):
            known = ", ".join(p for p in PREFIXES)
            return _point(sparql, m.start(), f"unknown prefix '{prefix}:' (predeclared: {known}; "
                                             f"or declare it: PREFIX {prefix}: <…>)")
        if prefix in PREFIXES and _SLASHED.match(token):
            hint = _slashed_name(sparql, token)
            return _point(sparql, m.start(), f"'{token}' is not a prefixed name (\"/\" cannot be part of one)"
                                             + (f"; {hint}" if hint else ""))
    balance = _balance(sparql)
    if balance:
        return balance
    pos = getattr(error, "loc", None)
    found = _FOUND.search(str(error))
    if pos is None or found is None:
        return f"{' '.join(str(error).split()) or type(error).__name__}"
    if found.group("end"):
        return _point(sparql, pos, "the query ends too early (something is missing here)")
    inside = _group_end(sparql, pos)
    if inside is not None:  # the parser gave up at the start of a pattern: find the culprit in it
        culprit = _in_pattern(sparql, _statement_start(sparql, pos), inside)
        if culprit:
            return culprit
    token = _token_at(sparql, pos) or found.group("token")
    keyword = _close_keyword(token)
    hint = f"; did you mean {keyword}?" if keyword else ""
    if "Expected end of text" in str(error):
        return _point(sparql, pos, _after_query(sparql, pos, token) or f"unexpected '{token}' after the query{hint}")
    if token.startswith(("?", "$")) and sparql[:pos].rstrip().endswith(")") and _depth_at(sparql, pos, "()") > 0:
        return _point(sparql, pos, f"AS is missing: write (… AS {token})")
    if token.upper() in ("FILTER", "BIND", "HAVING"):
        return _point(sparql, pos, f"cannot read this {token.upper()} expression: an operand, an operator "
                                   "or a ')' is missing or out of place")
    if pos == len(sparql) - len(sparql.lstrip()) and not hint:
        return _point(sparql, pos, f"a query starts with {', '.join(_QUERY_FORMS[:4])} (after any PREFIX lines), "
                                   f"not '{token}'")
    if token == ",":
        return _point(sparql, pos, "unexpected ',': variables and values are separated by spaces in SPARQL")
    if inside is not None:
        return _point(sparql, pos, "cannot read the pattern from here: a triple is subject, predicate and "
                                   "object, ended by '.'; FILTER, BIND and the like take parentheses")
    return _point(sparql, pos, f"unexpected '{token}' here{hint}")


def _after_query(text: str, pos: int, token: str) -> str | None:
    """What is wrong with a solution modifier (ORDER BY, GROUP BY, LIMIT …) after the pattern."""
    word = token.upper()
    rest = text[pos + len(token):].split()
    if word in ("ORDER", "GROUP") and (not rest or rest[0].upper() != "BY"):
        return f"write {word} BY"
    if word in ("ORDER", "GROUP"):
        return f"{word} BY needs what to {'sort' if word == 'ORDER' else 'group'} by (a variable or an expression)"
    if word in ("LIMIT", "OFFSET"):
        return f"{word} takes a whole number, e.g. {word} 10"
    return None


def _statement_start(text: str, pos: int) -> int:
    """Where the triple (or clause) around ``pos`` starts: after the last '.', '{' or '}' before it."""
    last = 0
    for m in _PATTERN.finditer(text, 0, pos):
        if m.lastgroup == "group" or (m.lastgroup == "sep" and m.group() == "."):
            last = m.end()
    return max(last, 0)


def _token_at(text: str, pos: int) -> str:
    m = re.match(r"\s*([?$]?[\w:./-]+|\S)", text[pos:])
    return m.group(1) if m else ""


def _group_end(text: str, pos: int) -> int | None:
    """The end of the ``{ … }`` group around ``pos`` (its closing brace), or None outside groups."""
    depth = 0
    for m in _TOKENS.finditer(text, 0):
        if m.lastgroup == "open" and m.group() == "{":
            depth += 1
        elif m.lastgroup == "close" and m.group() == "}":
            if m.start() >= pos and depth > 0 and _depth_at(text, pos) == depth:
                return m.start()
            depth -= 1
    return None if _depth_at(text, pos) == 0 else len(text)


def _depth_at(text: str, pos: int, pair: str = "{}") -> int:
    depth = 0
    for m in _TOKENS.finditer(text[:pos]):
        if m.lastgroup in ("open", "close") and m.group() in pair:
            depth += 1 if m.group() == pair[0] else -1
    return depth


# The pieces of a pattern: terms, separators, keywords, parenthesised expressions, nested groups.
_PATTERN = re.compile(r"""
    (?P<skip>\#[^\n]*)
  | (?P<term>"(?:[^"\\\n]|\\.)*"(?:@[\w-]+|\^\^\S+)? | '(?:[^'\\\n]|\\.)*'(?:@[\w-]+|\^\^\S+)?
      | <[^<>"{}|^`\\\x00-\x20]*> | [?$]\w+ | [A-Za-z][\w.-]*:[\w.%-]*(?<!\.) | :[\w.%-]*(?<!\.)
      | [+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)? | \[\s*\] | \ba\b | true\b | false\b)
  | (?P<word>[A-Za-z_]\w*)
  | (?P<other>[^\x00-\x7f]+)
  | (?P<sep>[.;,])
  | (?P<paren>\()
  | (?P<group>[{}])
""", re.X)


def _in_pattern(text: str, start: int, end: int) -> str | None:
    """A misspelt keyword, a bare word, or a triple with too few or too many terms in
    ``text[start:end]``, pointed at; None when nothing there looks wrong."""
    terms = 0
    last = start
    i = start
    while i < end:
        m = _PATTERN.match(text, i)
        if m is None:
            i += 1
            continue
        kind, word = m.lastgroup, m.group()
        if kind == "term":
            terms += 1
            if terms == 4:
                return _point(text, m.start(), "a '.' is missing before this: it starts another triple")
        elif kind == "word":
            keyword = _close_keyword(word)
            if keyword:
                return _point(text, m.start(), f"unknown word '{word}'; did you mean {keyword}?")
            if word.upper() not in KEYWORDS:
                return _point(text, m.start(), f"'{word}' is not a term: write a variable (?{word}), a prefixed "
                                               f"name (pkg:{word}), an IRI or a quoted literal")
            if word.upper() in ("FILTER", "BIND"):
                paren = re.compile(r"\s*\(").match(text, m.end())
                i = _paren_end(text, paren.end() - 1) if paren else m.end()
                terms = 0
                continue
            terms = 0
        elif kind == "other":
            return _point(text, m.start(), f"{word} is not a term here: write a literal (\"{word}\"@zh), "
                                           "a variable (?name) or an IRI")
        elif kind == "sep":
            if terms and terms < 3 and word == "." and _only_terms(text, last, m.start()):
                return _point(text, m.start(), "this triple is incomplete: it needs a subject, a predicate "
                                               "and an object")
            terms = 0 if word == "." else 2 if word == "," else 1
            last = m.end()
        elif kind == "paren":
            i = _paren_end(text, m.start())
            continue
        elif kind == "group":
            if 0 < terms < 3 and _only_terms(text, last, m.start()):
                return _point(text, m.start(), "this triple is incomplete: it needs a subject, a predicate "
                                               "and an object")
            terms = 0
            last = m.end()
        i = m.end()
    if 0 < terms < 3 and _only_terms(text, last, end):
        return _point(text, end, "this triple is incomplete: it needs a subject, a predicate and an object")
    return None


def _only_terms(text: str, start: int, end: int) -> bool:
    return all(m.lastgroup in ("term", "skip") for m in _PATTERN.finditer(text, start, end))


def _paren_end(text: str, at: int) -> int:
    depth = 0
    for m in _TOKENS.finditer(text, at):
        if m.lastgroup in ("open", "close") and m.group() in "()":
            depth += 1 if m.group() == "(" else -1
            if depth == 0:
                return m.end()
    return len(text)
