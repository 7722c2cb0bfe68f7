"""What every ``policykg`` subcommand shares: the one-line user error, the ``--store`` option and
``--param NAME=VALUE`` parsing."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["PROG", "UserError", "add_store_argument", "parse_params"]

PROG = "policykg"


class UserError(Exception):
    """An error to report as one line, without a traceback."""


def add_store_argument(p: argparse.ArgumentParser) -> None:
    """Add ``--store DIR`` (``None`` means the library's default store)."""
    p.add_argument("--store", metavar="DIR", type=Path, default=None,
                   help="store folder (default: $POLICYKG_STORE or ./policykg-store)")


def parse_params(items: list[str]) -> dict[str, str]:
    """``NAME=VALUE`` strings as a dict; the value may itself contain ``=``.

    >>> parse_params(["district=大足区", "q=a=b"])
    {'district': '大足区', 'q': 'a=b'}
    >>> parse_params(["nope"])
    Traceback (most recent call last):
    ...
    kg.cli.common.UserError: --param expects NAME=VALUE, got 'nope'
    """
    params = {}
    for item in items:
        name, eq, value = item.partition("=")
        if not eq or not name.strip():
            raise UserError(f"--param expects NAME=VALUE, got {item!r}")
        params[name.strip()] = value
    return params
