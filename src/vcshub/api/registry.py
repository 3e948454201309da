"""The method registry: one decorator per API method, arguments read from its signature.

A method is a plain function ``def name(call: Call, arg1, arg2=default, ...)``. Parameters
without a default are required; ``Annotated`` markers from ``api.coercion`` coerce values;
the default :data:`ABSENT` lets a method tell "not sent" from "sent as null".
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any



class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


@dataclass(frozen=True)
class Param:
    name: str
    required: bool
    default: Any
    coerce: Callable[[Any], Any] | None


@dataclass(frozen=True)
class ApiMethod:
    name: str
    func: Callable[..., Any]
    params: tuple[Param, ...]
    legacy_args: Mapping[str, str] = field(default_factory=dict)
    failure: str | Callable[[Mapping[str, Any]], str] | None = None
    deprecated_for: str | None = None
    # False for a method that only reads: its request then never waits for the write lock (see
    # services/unit_of_work.py); a function of the arguments when only some calls write.
    writes: bool | Callable[[Mapping[str, Any]], bool] = True

    def writes_for(self, raw_args: Mapping[str, Any]) -> bool:
        return self.writes(raw_args) if callable(self.writes) else self.writes

    def failure_message(self, raw_args: Mapping[str, Any]) -> str | None:
        """The method's generic failure text, with arguments echoed as passed."""
        if self.failure is None:
            return None
        if callable(self.failure):
            return self.failure(raw_args)
        return self.failure.format_map(_AsPassed(raw_args))


class _AsPassed(dict):
    """Format arguments as RC4 prints them: str() of the value, `None` for null."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        super().__init__((k, str(v)) for k, v in raw.items())

    def __missing__(self, key: str) -> str:
        return "None"


def _params(func: Callable[..., Any]) -> tuple[Param, ...]:
    hints = typing.get_type_hints(func, include_extras=True)
    params = []
    for index, p in enumerate(inspect.signature(func).parameters.values()):
        if index == 0:
            continue  # the Call
        coerce = None
        hint = hints.get(p.name)
        if typing.get_origin(hint) is typing.Annotated:
            coerce = hint.__metadata__[0]
        required = p.default is inspect.Parameter.empty
        params.append(Param(p.name, required, None if required else p.default, coerce))
    return tuple(params)


class MethodSet:
    """The methods of one domain module, collected by the :meth:`method` decorator."""

    def __init__(self) -> None:
        self.methods: list[tuple[ApiMethod, tuple[str, ...]]] = []

    def method(
        self,
        name: str | None = None,
        *,
        aliases: Iterable[str] = (),
        legacy_args: Mapping[str, str] | None = None,
        failure: str | Callable[[Mapping[str, Any]], str] | None = None,
        deprecated_for: str | None = None,
        writes: bool | Callable[[Mapping[str, Any]], bool] = True,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def register(func: Callable[..., Any]) -> Callable[..., Any]:
            method = ApiMethod(
                name=name or func.__name__,
                func=func,
                params=_params(func),
                legacy_args=dict(legacy_args or {}),
                failure=failure,
                deprecated_for=deprecated_for,
                writes=writes,
            )
            self.methods.append((method, tuple(aliases)))
            return func

        return register


class Registry:
    def __init__(self, method_sets: Iterable[MethodSet] = ()) -> None:
        self._methods: dict[str, ApiMethod] = {}
        for method_set in method_sets:
            self.include(method_set)

    def include(self, method_set: MethodSet) -> None:
        for method, aliases in method_set.methods:
            for name in (method.name, *aliases):
                if name.startswith("_") or name in self._methods:
                    raise ValueError(f"cannot register API method {name!r}")
                self._methods[name] = method

    def get(self, name: object) -> ApiMethod | None:
        if not isinstance(name, str) or name.startswith("_"):
            return None
        return self._methods.get(name)

    def names(self) -> list[str]:
        return sorted(self._methods)

    def describe(self, name: str) -> dict[str, str]:
        """Each argument of a method as ``<RequiredType>`` or ``<Optional:default>`` (RC-later)."""
        method = self._methods[name]
        described = {}
        for param in method.params:
            if param.required:
                described[param.name] = "<RequiredType>"
            else:
                default = None if param.default is ABSENT else param.default
                described[param.name] = f"<Optional:{default!r}>"
        return described
