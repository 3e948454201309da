"""The views under a repository's URL that answer files and text, not pages: raw diffs and
patches, raw files, archives and feeds. Their errors answer in plain text (web/errors.py), and
``?auth_token=`` opens them when ``api_access_controllers_whitelist`` names them."""

from __future__ import annotations

from urllib.parse import quote

from vcshub.serializers import feeds
from vcshub.services import archives, repo_contents
from vcshub.services.unit_of_work import UnitOfWork
from vcshub.web import download_responses as respond
from vcshub.web.repo_views import Context, View, exact, one, rev_and_path


def _diff(uow: UnitOfWork, repo, args, context):
    _commit, diff = repo_contents.commit_diff(uow, repo, args[0])
    return respond.text(diff)


def _diff_download(uow: UnitOfWork, repo, args, context):
    commit, diff = repo_contents.commit_diff(uow, repo, args[0])
    return respond.text(diff, attachment=f"{commit.raw_id}.diff")


def _patch(uow: UnitOfWork, repo, args, context):
    _commit, patch = repo_contents.commit_patch(uow, repo, args[0])
    return respond.text(patch)


def _raw(uow: UnitOfWork, repo, args, context):
    return respond.raw_file(repo_contents.raw_file(uow, repo, *args), download=False)


def _download(uow: UnitOfWork, repo, args, context):
    return respond.raw_file(repo_contents.raw_file(uow, repo, *args), download=True)


def _archive(uow: UnitOfWork, repo, args, context):
    return respond.ArchiveResponse(archives.prepare(uow, repo, args[0]))


def _feed_view(serialize, media_type: str):
    def view(uow: UnitOfWork, repo, args, context: Context):
        repo_url = f"{context.base_url}/{quote(repo.repo_name)}"
        document = serialize(
            repo_contents.feed(uow, repo),
            repo_url,
            context.base_url + quote(context.path),
            lambda raw_id: f"{repo_url}/changeset/{raw_id}",
        )
        return respond.xml(document, media_type)

    return view


DIFF = View("diff", ("ChangesetController:changeset_raw", "RepoCommitsView:repo_commit_raw"),
            _diff, html=False)
DIFF_DOWNLOAD = View(
    "diff_download",
    ("ChangesetController:changeset_download", "RepoCommitsView:repo_commit_download"),
    _diff_download, html=False,
)
PATCH = View("patch", ("ChangesetController:changeset_patch", "RepoCommitsView:repo_commit_patch"),
             _patch, html=False)
RAW = View("raw", ("FilesController:raw", "RepoFilesView:repo_file_raw"), _raw, html=False)
RAW_DOWNLOAD = View("download", ("FilesController:rawfile", "RepoFilesView:repo_file_download"),
                    _download, html=False)
ARCHIVE = View("archive", ("FilesController:archivefile", "RepoFilesView:repo_archivefile"),
               _archive, html=False)
RSS = View("rss", ("FeedController:rss", "RepoFeedView:rss"),
           _feed_view(feeds.rss, feeds.RSS_MEDIA_TYPE), html=False, feed=True)
ATOM = View("atom", ("FeedController:atom", "RepoFeedView:atom"),
            _feed_view(feeds.atom, feeds.ATOM_MEDIA_TYPE), html=False, feed=True)


def _feed(rest: list[str]):
    return {"rss": (RSS, ()), "atom": (ATOM, ())}.get(rest[0]) if len(rest) == 1 else None


KEYWORDS = {
    "changeset-diff": one(DIFF),
    "raw-changeset": one(DIFF),
    "changeset-download": one(DIFF_DOWNLOAD),
    "changeset-patch": one(PATCH),
    "raw": rev_and_path(RAW),
    "rawfile": rev_and_path(RAW_DOWNLOAD),
    "download": rev_and_path(RAW_DOWNLOAD),
    "archive": lambda rest: (ARCHIVE, ("/".join(rest),)) if rest and all(rest) else None,
    "feed": _feed,
    "feed-rss": exact(RSS),
    "feed-atom": exact(ATOM),
}
