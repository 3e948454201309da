"""`vcshub index REPO|--all`: rebuilds the search index from the console, with a progress bar,
drops what deleted repositories left, and refuses a missing repository without a traceback."""

from __future__ import annotations

from tests.factories import people
from tests.factories.commits import commit_into
from tests.test_cli_admin import init, instance  # noqa: F401 - the fixture
from vcshub.config import load_settings
from vcshub.services import repo_disk, repos
from vcshub.services.search import indexer, query
from vcshub.services.unit_of_work import UnitOfWork


def test_index_one_and_all(instance):  # noqa: F811
    init(instance)
    settings = load_settings(environ={}, data_dir=instance.data_dir, database_url=instance.url)
    with instance.sessions()() as session:
        uow = UnitOfWork(db=session, settings=settings)
        owner = people.caller(uow, people.user(uow))
        made = [repos.create_repo(uow, owner, name, "git", repos.RepoSpec())
                for name in ("one", "two")]
        uow.commit()
        for repo in made:
            commit_into(repo_disk.path(uow, repo), "git", {"a.txt": f"wombat {repo.repo_name}\n"})
        ids = {repo.repo_id for repo in made}

        result = instance.cli("index", "one")
        assert "one: 1 files, 1 commits" in result.stdout
        assert [h.repository for h in query.search(uow, owner, "wombat").hits] == ["one"]

        indexer.update(settings.search_index_dir, indexer.Target(9999, repo_disk.path(uow, made[0]),
                                                                 "git", "rev:tip"), 1000)
        result = instance.cli("index", "--all")
        assert "two: 1 files, 1 commits" in result.stdout and "indexing done" in result.stdout
        assert sorted(h.repository for h in query.search(uow, owner, "wombat").hits) == ["one", "two"]
        assert indexer.indexed_repo_ids(settings.search_index_dir) == ids  # 9999 is gone

    missing = instance.cli("index", "nope", check=False)
    assert missing.returncode == 1 and "repository `nope` does not exist" in missing.stderr
    assert "Traceback" not in missing.stderr
    assert instance.cli("index", check=False).returncode == 2
