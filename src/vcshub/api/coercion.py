"""Argument value coercion (REFERENCE.md 1.7): command-line clients send every value as text.

A marker is called with the value as sent and returns the value the method receives, or raises
:class:`~vcshub.api.errors.CoercionError`, whose message goes to the client (``{name}`` there is the argument's
name, filled in by the registry). Markers are the API's typing: a value of the wrong kind stops
here with a clear error instead of reaching SQL, a subprocess or a repository.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated

from vcshub.api.errors import CoercionError

TRUE_WORDS = frozenset({"t", "true", "y", "yes", "on", "1"})


def str2bool(value: object) -> bool:
    """RhodeCode's rule: booleans as-is, null false, otherwise its text in TRUE_WORDS."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    return str(value).strip().lower() in TRUE_WORDS


@dataclass(frozen=True)
class AsInt:
    """Integer from a number or a decimal string; ``fallback`` replaces bad values if set.

    Null stays null unless there is a fallback (``lifetime`` null means -1 like any other
    non-integer, REFERENCE.md 1.7). A fraction is not an integer: 1.5 is refused, not cut.
    """

    error: str = "{name} must be an integer"
    fallback: int | None = None
    allow_null: bool = True

    def __call__(self, value: object) -> int | None:
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if value is None and self.fallback is None and self.allow_null:
            return None
        try:
            return int(value.strip()) if isinstance(value, str) else _whole(value)
        except (ValueError, TypeError, OverflowError):
            if self.fallback is not None:
                return self.fallback
            raise CoercionError(self.error) from None


def _whole(value: object) -> int:
    """A float holding a whole number (``5.0``) is that integer; anything else is not one."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise ValueError(value)


@dataclass(frozen=True)
class AsText:
    """Text, and only text: null stays null (the method decides what null means); numbers,
    lists and objects are refused, as RhodeCode's schemas refuse them ("is not a string"), and
    so is NUL, which PostgreSQL cannot store. Command-line clients send text anyway."""

    def __call__(self, value: object) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise CoercionError("invalid `{name}`: a string is expected")
        if "\0" in value:
            raise CoercionError("invalid `{name}`: NUL characters are not allowed")
        return value


@dataclass(frozen=True)
class OneOf:
    """A word from a fixed list (a filter or a mode), exactly as written."""

    choices: tuple[str, ...]

    def __init__(self, choices: Iterable[str]) -> None:
        object.__setattr__(self, "choices", tuple(choices))

    def __call__(self, value: object) -> str:
        if isinstance(value, str) and value in self.choices:
            return value
        listed = ", ".join(repr(c) for c in self.choices)
        raise CoercionError(f"{{name}} must be one of [{listed}], got {value!r}"[:1000])


# Markers used in method signatures: ``active: Bool = True``.
Bool = Annotated[bool, str2bool]
Text = Annotated[str, AsText()]
