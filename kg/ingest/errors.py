"""What goes wrong reading a file, as a reason meant for the user."""

from __future__ import annotations

from pathlib import Path

__all__ = ["IngestError", "TextTooLong", "too_long_reason"]


class IngestError(Exception):
    """A file that cannot be ingested; ``str()`` is ``"PATH: reason"``."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class TextTooLong(Exception):
    """Raised inside a reader once the text passes ``cap`` characters (2 x ``--max-chars``)."""

    def __init__(self, cap: int) -> None:
        super().__init__(cap)
        self.cap = cap


def too_long_reason(cap: int) -> str:
    return f"text too long (over {cap} characters before normalization > limit {cap // 2}; see --max-chars)"
