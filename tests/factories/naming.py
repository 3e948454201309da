"""Unique names for test objects (a test never depends on another one's data)."""

from __future__ import annotations

import itertools

_seq = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_seq)}"
