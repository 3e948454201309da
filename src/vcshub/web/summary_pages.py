"""A repository's summary page, ``/<repo>`` (and ``/<repo>/summary``): description, clone URLs,
the README of the landing revision, its root, the latest commits, ref counts, downloads and
feeds, and the repository it was forked from (when the viewer may read that one)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

from markupsafe import Markup
from starlette.responses import Response

from vcshub.db.models import Repository, User
from vcshub.permissions.effective import DEFAULT_USERNAME
from vcshub.serializers.repos import ssh_clone_url
from vcshub.services import fork_views
from vcshub.services.repo_contents import overview
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web import markup
from vcshub.web.render_cache import MISSING, RenderCache
from vcshub.web.repo_views import Context, View, exact, render, repo_url


@dataclass(frozen=True)
class CloneUrl:
    protocol: str  # "http" or "ssh"
    url: str


def clone_urls(base_url: str, repo: Repository, viewer: User | None,
               ssh_template: str = "") -> list[CloneUrl]:
    """The URLs a client clones from. HTTP carries the signed-in user's name (his client then
    asks only for the password), RhodeCode's ``{scheme}://{user}@{netloc}/{repo}``; anonymous
    visitors get it without. SSH's, when SSH is on, follows (the key says who is asking)."""
    url = base_url + repo_url(repo)
    if viewer is not None and viewer.username != DEFAULT_USERNAME:
        scheme, netloc, path, query, fragment = urlsplit(url)
        netloc = f"{quote(viewer.username, safe='')}@{netloc.rpartition('@')[2]}"
        url = urlunsplit((scheme, netloc, path, query, fragment))
    found = [CloneUrl("http", url)]
    ssh_url = ssh_clone_url(ssh_template, base_url, repo.repo_name)
    if ssh_url is not None:
        found.append(CloneUrl("ssh", ssh_url))
    return found


class RenderedReadmes:
    """The last READMEs rendered, by (repository URL, commit id, path): a commit's file never
    changes, and rendering a long README (Markdown, then the sanitiser) costs more than the
    rest of the page. A few dozen entries, shared by the worker threads."""

    def __init__(self, size: int = 64) -> None:
        self._kept = RenderCache(size)

    def get(self, repo: Repository, commit_id: str, found: overview.Readme) -> Markup | None:
        # the repository's URL is part of the HTML (relative links lead into it)
        base = repo_url(repo)
        key = (base, commit_id, found.path)
        html = self._kept.get(key)
        if html is MISSING:
            links = markup.Links(files=f"{base}/files/{commit_id}/",
                                 raw=f"{base}/raw/{commit_id}/",
                                 folder=found.path.rpartition("/")[0])
            html = markup.rendered(found.path, found.text, links)
            self._kept.put(key, html)
        return html


RENDERED = RenderedReadmes()


def rendered_readme(repo: Repository, commit_id: str | None,
                    found: overview.Readme | None) -> Markup | None:
    """The README as sanitised HTML (web/markup.py), its relative links leading into the
    repository at that commit; None: show its text as plain text."""
    if commit_id is None or found is None or found.text is None or found.format == "text":
        return None
    return RENDERED.get(repo, commit_id, found)


def summary(uow: UnitOfWork, repo: Repository, args: tuple, context: Context) -> Response:
    if repo.repo_state != "repo_state_created":  # a task makes it, or failed to: no disk yet
        return render(context, repo, "repo_state.html")
    seen = overview.overview(uow, repo)
    landing = seen.summary.landing
    return render(
        context, repo, "summary.html",
        summary=seen.summary,
        readme=seen.readme,
        readme_html=rendered_readme(repo, landing and landing.raw_id, seen.readme),
        counts=seen.counts,
        clone_urls=clone_urls(context.base_url, repo, context.viewer,
                              uow.settings.ssh_clone_template),
        forked_from=fork_views.visible_parent(uow, context.viewer, repo),
        # archives of the landing commit by id: the link keeps naming what the page showed
        archives=[(ext, f"{repo_url(repo)}/archive/{landing.raw_id}{ext}")
                  for ext in (".zip", ".tar.gz")]
        if landing is not None and repo.enable_downloads else [],
    )


SUMMARY = View("summary", ("SummaryController:index", "RepoSummaryView:summary"), summary)
KEYWORDS = {"summary": exact(SUMMARY)}
