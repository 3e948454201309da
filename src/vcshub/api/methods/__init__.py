"""API methods by domain. ``build_registry`` lists every module that contributes methods."""

from vcshub.api.methods import server, users
from vcshub.api.registry import Registry

METHOD_MODULES = (server, users)


def build_registry() -> Registry:
    return Registry(module.methods for module in METHOD_MODULES)
