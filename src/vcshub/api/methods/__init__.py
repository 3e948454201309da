"""API methods by domain. ``build_registry`` lists every module that contributes methods."""

from vcshub.api.methods import (
    audit,
    comments,
    gists,
    kallithea,
    pull_requests,
    repo_groups,
    repo_history,
    repo_maintenance,
    repo_permissions,
    repo_settings,
    repos,
    search,
    server,
    ssh_keys,
    user_groups,
    users,
)
from vcshub.api.registry import Registry

METHOD_MODULES = (
    server,
    users,
    user_groups,
    repo_groups,
    repos,
    repo_permissions,
    repo_history,
    repo_maintenance,
    repo_settings,
    gists,
    pull_requests,
    audit,
    kallithea,
    comments,
    search,
    ssh_keys,
)


def build_registry() -> Registry:
    return Registry(module.methods for module in METHOD_MODULES)
