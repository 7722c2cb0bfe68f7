"""Querying the store (layer above :mod:`kg.store`): safe read-only SPARQL with parameters bound as
RDF terms, rendered as table/CSV/JSON (:mod:`kg.query.sparql`), and the saved queries shipped in
``saved_queries/*.rq`` (:mod:`kg.query.saved`)."""

from kg.query.saved import run_saved, saved_queries, saved_query
from kg.query.sparql import QueryError, QueryResult, run_query, with_parameters

__all__ = ["QueryError", "QueryResult", "run_query", "run_saved", "saved_queries", "saved_query", "with_parameters"]
