"""A read-only SPARQL 1.1 HTTP endpoint over the store (layer above :mod:`kg.query`)."""

from kg.serve.endpoint import EndpointConfig, serve

__all__ = ["EndpointConfig", "serve"]
