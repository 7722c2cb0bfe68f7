"""spaCy pipeline components (a statistical NER backbone, then rules) that turn a Chinese policy text into facts.

Each module registers one component with ``@Language.factory``; :data:`PIPELINE` is their order.
Components read the spans earlier ones wrote (see :mod:`extractors.annotations`) and append
their facts to ``doc._.facts``. Lexicons live in ``extractors/data/`` as plain-text data files.
"""

from __future__ import annotations

import importlib

__all__ = ["PIPELINE", "register_components"]

# (component factory name, module that registers it), in pipeline order
PIPELINE: tuple[tuple[str, str], ...] = (
    ("policykg_sentences", "extractors.sentences"),
    ("policykg_ner", "extractors.ner"),
    ("policykg_districts", "extractors.districts"),
    ("policykg_organizations", "extractors.organizations"),
    ("policykg_persons", "extractors.persons"),
    ("policykg_post_changes", "extractors.post_changes"),
    ("policykg_measures", "extractors.measures"),
    ("policykg_documents", "extractors.documents"),
    ("policykg_projects", "extractors.projects"),
    ("policykg_events", "extractors.events"),
    ("policykg_money", "extractors.money"),
    ("policykg_relations", "extractors.relations"),
    ("policykg_resolution", "extractors.resolution"),
)


def register_components() -> list[str]:
    """Import every component module (registering its factory); returns the factory names."""
    for _, module in PIPELINE:
        importlib.import_module(module)
    return [name for name, _ in PIPELINE]
