"""Exploring the graph (layer above :mod:`kg.query`): a networkx view and traversal helpers
(:mod:`kg.explore.network`), name lookup (:mod:`kg.query.lookup`), entity reports
(:mod:`kg.explore.describe`), analysis tables (:mod:`kg.explore.analysis`), and pictures
(:mod:`kg.explore.viz`, :mod:`kg.explore.html_view`, imported by their module path because they
load matplotlib)."""

from kg.explore.describe import describe
from kg.explore.network import neighbourhood, shortest_connection, to_networkx
from kg.query.lookup import EntityNotFound, find_entities, resolve_entity

__all__ = ["EntityNotFound", "describe", "find_entities", "neighbourhood", "resolve_entity", "shortest_connection",
           "to_networkx"]
