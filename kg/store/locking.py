"""One writer, many readers: the writer's ``flock`` and the pinning of reader snapshots.

A writer takes an exclusive ``flock`` on ``policykg-writer.lock``; a reader pins the snapshot it
opened with a shared ``flock`` on the snapshot folder, so the writer never deletes it under them.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from pathlib import Path

from kg.store.errors import StoreLockedError

__all__ = ["WRITER_LOCK", "remove_unpinned", "writer_active", "writer_lock"]

WRITER_LOCK = "policykg-writer.lock"
_LOCK_WAIT = 2.0  # seconds a writer retries the lock: readers probe it for microseconds


def writer_lock(path: Path) -> int:
    """An exclusive ``flock`` on the store's writer lock file, or :class:`StoreLockedError`."""
    fd = os.open(path / WRITER_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + _LOCK_WAIT
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() > deadline:
                os.close(fd)
                raise StoreLockedError(
                    f"store {path} is locked by another process (a build still running?)") from None
            time.sleep(0.05)


def writer_active(path: Path) -> bool:
    """Whether a writer holds the store's lock (a probe; never blocks)."""
    try:
        fd = os.open(path / WRITER_LOCK, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def remove_unpinned(snapshot: Path) -> None:
    """Delete an old snapshot unless a reader holds it (its shared flock)."""
    try:
        fd = os.open(snapshot, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        trash = snapshot.with_name(f".trash-{snapshot.name}-{os.getpid()}")
        os.rename(snapshot, trash)  # readers re-check the inode after locking, so they skip it
        shutil.rmtree(trash, ignore_errors=True)
    except OSError:  # pinned by a reader (BlockingIOError) or gone already: try next time
        pass
    finally:
        os.close(fd)
