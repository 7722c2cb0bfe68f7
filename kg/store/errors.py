"""What can go wrong with a store, as messages meant for the user."""

from __future__ import annotations

__all__ = ["StoreError", "StoreLockedError", "StoreMissingError"]


class StoreError(RuntimeError):
    """A store could not be opened or used; the message is meant for the user."""


class StoreLockedError(StoreError):
    """Another process has the store open for writing."""


class StoreMissingError(StoreError):
    """A read-only command was pointed at a folder that holds no store."""
