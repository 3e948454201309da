"""Argument value coercion (REFERENCE.md 1.7): command-line clients send every value as text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

TRUE_WORDS = frozenset({"t", "true", "y", "yes", "on", "1"})


class CoercionError(Exception):
    """A value could not be converted; the message is the client-facing error."""


def str2bool(value: object) -> bool:
    """RhodeCode's rule: booleans as-is, null false, otherwise its text in TRUE_WORDS."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    return str(value).strip().lower() in TRUE_WORDS


@dataclass(frozen=True)
class AsInt:
    """Integer from a number or a decimal string; ``fallback`` replaces bad values if set."""

    error: str = "Internal server error"
    fallback: int | None = None

    def __call__(self, value: object) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool):
            value = int(value)
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            if self.fallback is not None:
                return self.fallback
            raise CoercionError(self.error) from None


# Markers used in method signatures: ``active: Bool = True``.
Bool = Annotated[bool, str2bool]
Int = Annotated[int, AsInt()]
