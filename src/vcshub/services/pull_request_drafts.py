"""What the "new pull request" form may offer, preview and create (``/<repo>/pull-request/new``).

The form names repositories and refs as text; everything it may pick is decided here, so the
page stays an adapter: the repositories are the viewer's readable part of the fork family (the
repository, its parent, their forks), a ref must be one the repository has (a typo is a 400
with a sentence, not a 404), and the creation itself is
:func:`vcshub.services.pull_requests.create_pull_request` — the API's, with its own checks.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from vcshub.db.models import PullRequest, Repository, User
from vcshub.permissions.caller import Caller
from vcshub.services import access, lookup, pull_requests, repo_contents, repo_disk
from vcshub.services.errors import Invalid, NotFound
from vcshub.services.repo_contents.records import Comparison
from vcshub.services.unit_of_work import UnitOfWork

READ = "repository.read"
KINDS = ("branch", "bookmark", "tag")  # the form's ref types, as the API spells them
MAX_REVIEWER_CHOICES = 500  # the reviewer list the form suggests (typing any name still works)
MAX_SUGGESTIONS = 20  # names the autocomplete answers per keystroke


@dataclass(frozen=True)
class Side:
    """One end of the pull request: a readable repository of the family and one of its refs."""

    repo: Repository
    kind: str
    name: str

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.name}"


def family(uow: UnitOfWork, viewer: User, repo: Repository) -> list[Repository]:
    """``repo`` first, then its parent, the parent's forks and its own forks that ``viewer``
    may read, by name: where a pull request from or to ``repo`` may go."""
    ids = {repo.repo_id} | ({repo.fork_id} if repo.fork_id else set())
    rows = uow.db.scalars(
        select(Repository).where(or_(Repository.repo_id.in_(ids), Repository.fork_id.in_(ids)))
        .order_by(Repository.repo_name)
    ).all()
    caller = Caller(uow.db, viewer)
    others = [r for r in rows if r.repo_id != repo.repo_id and r.repo_type == repo.repo_type
              and access.can_repo(caller, r, READ)]
    return [repo, *others]


def family_repo(uow: UnitOfWork, viewer: User, repo: Repository, name: str) -> Repository:
    """The family member called ``name``; NotFound (as a missing repository) otherwise."""
    for member in family(uow, viewer, repo):
        if member.repo_name == name:
            return member
    raise NotFound("repository", name)


def default_target(uow: UnitOfWork, viewer: User, repo: Repository) -> Repository:
    """The fork's parent when the viewer may read it (RhodeCode's default), else ``repo``."""
    parent = uow.db.get(Repository, repo.fork_id) if repo.fork_id else None
    if parent is not None and access.can_repo(Caller(uow.db, viewer), parent, READ):
        return parent
    return repo


def ref_names(uow: UnitOfWork, repo: Repository) -> dict[str, list[str]]:
    """The refs a side may name, by form type (no commit is read)."""
    names = repo_contents.ref_names(uow, repo)
    return {kind: names[kind] for kind in KINDS}


def side(uow: UnitOfWork, repo: Repository, field: str, text: str | None) -> Side:
    """``type:name`` checked against the repository's refs; none given: its default branch."""
    names = ref_names(uow, repo)
    if not text and not names["branch"]:
        raise Invalid(field, f"{repo.repo_name} has no branches yet: push commits first")
    if not text:
        branch = repo_disk.open_vcs(uow, repo).default_branch
        if branch not in names["branch"]:
            branch = names["branch"][0]
        return Side(repo, "branch", branch)
    kind, _sep, name = text.partition(":")
    if kind not in names or name not in names[kind]:
        raise Invalid(field, f"`{text}` is not a branch, bookmark or tag of {repo.repo_name}")
    return Side(repo, kind, name)


def preview(uow: UnitOfWork, viewer: User, source: Side, target: Side) -> Comparison:
    """What the pull request would bring: the source's commits missing from the target, and
    the diff from their common ancestor (the compare page's service)."""
    other = source.repo.repo_name if source.repo.repo_id != target.repo.repo_id else None
    return repo_contents.compare(uow, target.repo, target.name, source.name, other,
                                 viewer=viewer)


def reviewer_choices(uow: UnitOfWork, start: str = "",
                     limit: int = MAX_REVIEWER_CHOICES) -> list[str]:
    """Active users' names beginning with ``start`` (any case), for the form's suggestions;
    the anonymous user is never one. Any signed-in user may see them, as in RhodeCode."""
    return list(uow.db.scalars(
        select(User.username).where(
            User.active.is_(True), User.username != "default",
            func.lower(User.username).startswith(start.lower(), autoescape=True))
        .order_by(User.username).limit(limit)))


def _pinned(uow: UnitOfWork, end: Side) -> str:
    """The API's reference for a side: a tag has no head to follow, so it takes its commit."""
    if end.kind == "tag":
        return f"tag:{end.name}:{repo_disk.open_vcs(uow, end.repo).tags()[end.name]}"
    return end.ref


def create(uow: UnitOfWork, caller: Caller, source: Side, target: Side, title: str,
           description: str, reviewers: list[str], reason: str) -> PullRequest:
    """Check the form's own rules (a title, known reviewers), then create through the API's
    service, which checks the caller's read on both repositories and refuses an empty change."""
    if not title.strip():
        raise Invalid("title", "A pull request needs a title")
    for name in reviewers:
        if lookup.find_user(uow.db, name) is None:
            raise Invalid("reviewers", f"user `{name}` does not exist")
    reasons = [reason.strip()] if reason.strip() else []
    return pull_requests.create_pull_request(
        uow, caller, source.repo.repo_id, target.repo.repo_id,
        _pinned(uow, source), _pinned(uow, target), title.strip(), description,
        [{"username": name, "reasons": reasons} for name in reviewers])
