"""Reading documents (layer above :mod:`kg.model`): files of any supported format → decoded text
with metadata (:mod:`kg.ingest.readers`), normalized text with an offset map back to the original
(:mod:`kg.ingest.normalize`) and date parsing (:mod:`kg.ingest.dates`)."""

from kg.ingest.normalize import NormalizedText, normalize
from kg.ingest.readers import SUPPORTED_SUFFIXES, IngestError, discover, read_document

__all__ = ["SUPPORTED_SUFFIXES", "IngestError", "NormalizedText", "discover", "normalize", "read_document"]
