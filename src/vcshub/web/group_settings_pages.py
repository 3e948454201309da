"""A repository group's settings: ``/<group>/_settings`` (the form: name and parent = rename
or move, description, owner, locking; RhodeCode 4 serves the same form at ``/<group>/_edit``,
which answers here too) and ``/<group>/_settings/advanced`` (facts, and deleting after typing
the group's name; the deletion posts to ``.../advanced/delete``).

The form sends :func:`vcshub.services.repo_groups.update_repo_group` only what was changed, as
the API's ``update_repo_group`` call would. Its refusals (a bad name, a taken one, an unknown
owner, a parent the viewer may not create groups in) answer 400 with the rule's sentence and
nothing changed: the unit of work rolls the database and the disk back.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response

from vcshub.db.models import RepoGroup
from vcshub.services import repo_group_access, repo_groups
from vcshub.services.errors import Invalid
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web.group_settings_forms import (
    READING,
    WRITING,
    GroupView,
    administered,
    done,
    render,
    settings_url,
)
from vcshub.web.page_requests import PageRequest
from vcshub.web.settings_forms import checked, text

TOP = "/"  # the parent select's value for the top level (no group name can be "/")
FIELDS = ("name", "parent", "description", "owner")


def _current(group: RepoGroup) -> dict:
    return {
        "name": group.short_name,
        "parent": group.parent.group_name if group.parent else TOP,
        "description": (group.description or "").strip(),  # as the form sends it back
        "owner": group.owner.username,
        "enable_locking": bool(group.enable_locking),
    }


def _changes(before: dict, after: dict) -> dict:
    """update_repo_group's arguments for what differs between the stored and the sent values."""
    changes = {key: after[key] for key in before if after[key] != before[key]}
    if "name" in changes:
        changes["group_name"] = changes.pop("name")
    if "parent" in changes:
        if not changes["parent"]:
            raise Invalid("parent", "choose where the group goes (or the top level)")
        changes["parent"] = None if changes["parent"] == TOP else changes["parent"]
    return changes


def settings(uow: UnitOfWork, page: PageRequest, group_name: str) -> Response:
    group, caller = administered(uow, page, group_name)
    before = _current(group)
    if page.form is None:
        return render(page, group, "group_settings.html", "", values=before, top=TOP,
                      parents=repo_groups.parent_choices(uow, caller, group))
    after = {key: text(page, key) for key in FIELDS}
    after["enable_locking"] = checked(page, "enable_locking")
    changes = _changes(before, after)
    if not changes:
        return done(page, settings_url(group), "Nothing was changed.")
    changed = repo_groups.update_repo_group(uow, caller, group.group_id, changes)
    said = ", ".join(sorted("name" if key == "group_name" else key for key in changes))
    return done(page, settings_url(changed),
                f"Repository group {changed.group_name} updated: {said}.")


def advanced(uow: UnitOfWork, page: PageRequest, group_name: str) -> Response:
    """Facts about the group and the delete form (which only an empty group may use)."""
    group, caller = administered(uow, page, group_name)
    groups, repos = repo_group_access.contents(uow, caller, group)
    return render(page, group, "group_advanced.html", "/advanced", groups_below=groups,
                  repos_below=repos)


def delete(uow: UnitOfWork, page: PageRequest, group_name: str) -> Response:
    """The group's full name typed again, then the deletion (the service refuses a group that
    still holds anything)."""
    group, caller = administered(uow, page, group_name)
    name = group.group_name
    if text(page, "confirm") != name:
        raise Invalid("confirm", f"type the group's full name, {name}, to delete it")
    parent = group.parent
    repo_groups.delete_repo_group(uow, caller, group)
    return done(page, "/" + quote(parent.group_name) if parent else "/",
                f"Deleted repository group {name}.")


SETTINGS = GroupView(("RepoGroupsController:edit", "RepoGroupsController:update",
                      "RepoGroupSettingsView:edit_settings",
                      "RepoGroupSettingsView:edit_settings_update"), settings,
                     READING | WRITING)
ADVANCED = GroupView(("RepoGroupsController:edit",
                      "RepoGroupAdvancedSettingsView:edit_repo_group_advanced"), advanced,
                     READING)
DELETE = GroupView(("RepoGroupsController:delete",
                    "RepoGroupAdvancedSettingsView:edit_repo_group_delete"), delete, WRITING)

# path segments after ``/<group>/`` → view
ROUTES = {
    ("_settings",): SETTINGS,
    ("_edit",): SETTINGS,
    ("_settings", "advanced"): ADVANCED,
    ("_settings", "advanced", "delete"): DELETE,
}
