"""One exception tree per layer, in that layer's errors.py, drawn in its docstring (DEVELOPERS.md).

These look at the code, not at a database: an exception class defined beside the code that
raises it, or missing from its tree's drawing, fails here.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

LAYERS = ("api", "auth", "services", "transport", "vcs", "web")


def _modules(layer: str):
    package = importlib.import_module(f"vcshub.{layer}")
    yield package
    for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        yield importlib.import_module(info.name)


def _exceptions_defined_in(module) -> list[type]:
    return [
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, BaseException) and cls.__module__ == module.__name__
    ]


@pytest.mark.parametrize("layer", LAYERS)
def test_exceptions_live_in_their_layers_errors_module(layer):
    astray = [
        f"{module.__name__}.{cls.__name__}"
        for module in _modules(layer)
        if module.__name__ != f"vcshub.{layer}.errors"
        for cls in _exceptions_defined_in(module)
    ]
    assert astray == []


@pytest.mark.parametrize("layer", LAYERS)
def test_each_errors_module_draws_every_class_of_its_tree(layer):
    module = importlib.import_module(f"vcshub.{layer}.errors")
    drawing = module.__doc__ or ""
    missing = [cls.__name__ for cls in _exceptions_defined_in(module) if cls.__name__ not in drawing]
    assert missing == []


def test_exception_names_are_not_shared_across_layers():
    """Two layers' classes of one name (two `Refused`, two `ClientGone`) read as one thing."""
    owners: dict[str, list[str]] = {}
    for layer in LAYERS:
        for cls in _exceptions_defined_in(importlib.import_module(f"vcshub.{layer}.errors")):
            owners.setdefault(cls.__name__, []).append(layer)
    assert {name: where for name, where in owners.items() if len(where) > 1} == {}
