"""The changelog's lane layout (services/repo_contents/graph.py): a pure function first, then
on real git and hg histories with a merge."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from tests.factories import people
from tests.factories.commits import WorkingCopy
from tests.factories import repos as repo_factory
from tests.factories.merges import fork_and_merge
from vcshub import vcs
from vcshub.services import repo_contents
from vcshub.services.errors import NotFound
from vcshub.services.repo_contents.graph import Edge, layout


def columns(graph) -> list[int]:
    return [row.column for row in graph.rows]


def lines(row) -> set[tuple[int, int]]:
    return {(e.start, e.end) for e in row.down}


def test_a_linear_history_is_one_lane():
    graph = layout([("c", ["b"]), ("b", ["a"]), ("a", [])])
    assert columns(graph) == [0, 0, 0]
    assert [lines(r) for r in graph.rows] == [{(0, 0)}, {(0, 0)}, set()]
    assert graph.rows[0].up == () and graph.width == 1
    assert len({r.colour for r in graph.rows}) == 1  # one lane keeps its colour


def test_a_branch_and_its_merge_make_two_lanes_that_join():
    # m merges s (side) into b (main); s and b both come from a: a fork, then a merge.
    graph = layout([("m", ["b", "s"]), ("s", ["a"]), ("b", ["a"]), ("a", [])])
    assert columns(graph) == [0, 1, 0, 0]
    m, s, b, a = graph.rows
    assert lines(m) == {(0, 0), (0, 1)}  # the merge splits into its two parents' lanes
    assert lines(s) == {(0, 0), (1, 1)}  # main passes by s; s's lane goes on down to a
    assert lines(b) == {(0, 0), (1, 0)}  # b's line and the side lane join at a: the fork
    assert s.up == m.down and b.up == s.down  # what leaves a row enters the next one
    assert m.colour == b.colour != s.colour
    side = next(e for e in m.down if e.end == 1)
    assert side.colour == s.colour  # the line into the side lane has the side lane's colour
    assert graph.width == 2


def test_two_heads_on_one_parent_show_a_fork():
    graph = layout([("x", ["a"]), ("y", ["a"]), ("a", [])])
    assert columns(graph) == [0, 1, 0]
    x, y, a = graph.rows
    assert lines(x) == {(0, 0)}  # y is not waited for yet: it starts a lane of its own
    assert lines(y) == {(0, 0), (1, 0)}  # y's lane joins x's: both lead to a
    assert a.up == y.down


def test_a_head_further_down_gets_a_new_lane_on_the_right():
    graph = layout([("x", ["a"]), ("y", ["b"]), ("a", []), ("b", [])])
    assert columns(graph) == [0, 1, 0, 0]
    # a root ends its lane: b's lane moves over to column 0
    assert lines(graph.rows[2]) == {(1, 0)}


def test_octopus_merge_has_a_line_to_every_parent():
    graph = layout([("o", ["p1", "p2", "p3"]), ("p1", ["r"]), ("p2", ["r"]), ("p3", ["r"]),
                    ("r", [])])
    o, p1, p2, p3, r = graph.rows
    assert lines(o) == {(0, 0), (0, 1), (0, 2)}
    assert columns(graph) == [0, 0, 1, 1, 0]
    assert lines(p1) == {(0, 0), (1, 1), (2, 2)}
    assert lines(p2) == {(0, 0), (1, 0), (2, 1)}  # p2's lane joins r's, p3's moves left
    assert lines(p3) == {(0, 0), (1, 0)}  # p3 sits where its lane moved to
    assert len({o.colour, p2.colour, p3.colour}) == 3
    assert graph.width == 3


def test_criss_cross_merges():
    # m1 = merge(a2, b2), n1 = merge(b2, a2): both branches merged each other's tip.
    rows = [("m1", ["a2", "b2"]), ("n1", ["b2", "a2"]), ("a2", ["a1"]), ("b2", ["b1"]),
            ("a1", ["r"]), ("b1", ["r"]), ("r", [])]
    graph = layout(rows)
    m1, n1, a2, b2, a1, b1, r = graph.rows
    assert columns(graph)[:2] == [0, 2]  # n1 is a head of its own, right of m1's lines
    assert lines(m1) == {(0, 0), (0, 1)}
    # n1 needs b2 and a2, both already waited for: its lane ends in two joining lines
    assert {(e.start, e.end) for e in n1.down if e.start == n1.column} == {
        (n1.column, a2.column), (n1.column, b2.column)}
    assert a2.column != b2.column
    assert r.column == 0 and graph.width == 3
    every_line_continues(graph)


def test_the_same_parent_twice_is_one_line():
    graph = layout([("m", ["a", "a"]), ("a", [])])
    assert lines(graph.rows[0]) == {(0, 0)}


def test_lines_to_parents_below_the_page_leave_through_the_bottom():
    rows = [("m", ["b", "s"]), ("s", ["a"]), ("b", ["a"]), ("a", [])]
    first_page = layout(rows[:2])
    assert lines(first_page.rows[-1]) == {(0, 0), (1, 1)}  # towards b and a, off the page
    second_page = layout(rows, lead_in=2)  # the next page, laid out after the first one
    assert [r.commit_id for r in second_page.rows] == ["b", "a"]
    # it starts where the first page left: the lines into b come from above the page
    assert second_page.rows[0].up == first_page.rows[-1].down
    assert layout(rows).rows[2:] == second_page.rows


def test_every_line_starts_at_a_lane_and_ends_at_the_next_rows_lanes():
    rows = [("t", ["m"]), ("h", ["c"]), ("m", ["c", "s"]), ("s", ["b"]), ("c", ["b"]),
            ("b", ["a"]), ("a", [])]
    every_line_continues(layout(rows))


def every_line_continues(graph) -> None:
    """Each row's commit is at the end of some line from above (unless a head), and every line
    out of a row starts at that row's commit or at a line that came in."""
    for above, row in zip(graph.rows, graph.rows[1:]):
        ends = {e.end for e in above.down}
        assert row.up == above.down
        starts = {e.start for e in row.down}
        assert starts <= ends | {row.column}
        assert all(isinstance(e, Edge) for e in row.down)


# -- on real repositories ------------------------------------------------------------------------
@pytest.fixture(params=["git", "hg"])
def kind(request) -> str:
    return request.param


@pytest.fixture
def merged(uow, root, kind):
    repo = repo_factory.repo(uow, root, kind=kind, commits=({"README": "start\n"},))
    return repo, fork_and_merge(repo_factory.folder(uow, repo), kind)


def test_the_commits_between_a_fork_and_its_merge_sit_in_two_lanes(uow, merged):
    repo, ids = merged
    found = repo_contents.graphed_changelog(uow, repo)
    by_id = {commit.raw_id: row for commit, row in found.rows}
    assert [c.raw_id for c in found.changelog.commits][:2] == [ids.after, ids.merge]
    assert {by_id[i].column for i in ids.between} == {0, 1}
    merge = by_id[ids.merge]
    assert len([e for e in merge.down if e.start == merge.column]) == 2  # a line to each parent
    base = by_id[ids.base]
    assert len({e.start for e in base.up if e.end == base.column}) == 2  # the fork: two join
    assert by_id[ids.after].column == merge.column == base.column


def test_a_page_boundary_continues_the_lanes(uow, merged):
    repo, ids = merged
    whole = repo_contents.graphed_changelog(uow, repo, per_page=50)
    first = repo_contents.graphed_changelog(uow, repo, page=1, per_page=3)
    second = repo_contents.graphed_changelog(uow, repo, page=2, per_page=3)
    assert first.graph.rows == whole.graph.rows[:3]
    # page 2 starts where page 1 left off: the lines leaving page 1 enter page 2
    assert second.graph.rows[0].up == first.graph.rows[-1].down
    assert second.graph.rows == whole.graph.rows[3:6]


def test_the_branch_filter(uow, merged, kind):
    repo, ids = merged
    found = repo_contents.graphed_changelog(uow, repo, branch="side")
    listed = [c.raw_id for c in found.changelog.commits]
    assert found.changelog.branch == "side" and listed[:2] == list(reversed(ids.side))
    if kind == "hg":  # the named branch's commits only, in one lane
        assert listed == list(reversed(ids.side))
        assert {row.column for _, row in found.rows} == {0} and found.graph.width == 1
    else:  # git: the branch head and its ancestors
        assert ids.base in listed and ids.merge not in listed and ids.main[0] not in listed
    with pytest.raises(vcs.CommitNotFound):
        repo_contents.graphed_changelog(uow, repo, branch="no-such-branch")


def test_a_closed_hg_branch_can_be_filtered(uow, root):
    repo = repo_factory.repo(uow, root, kind="hg", commits=({"README": "start\n"},))
    ids = fork_and_merge(repo_factory.folder(uow, repo), "hg")
    with tempfile.TemporaryDirectory() as tmp:
        work = WorkingCopy.clone(repo_factory.folder(uow, repo), Path(tmp) / "w", "hg")
        work.hg("update", "--quiet", "side")
        work.hg("commit", "--close-branch", "-m", "close side")
        closing = work.tip()
        work.push()
    found = repo_contents.graphed_changelog(uow, repo, branch="side")
    assert [c.raw_id for c in found.changelog.commits] == [closing, *reversed(ids.side)]


def test_a_private_repositorys_changelog_is_missing_to_others(uow, root, kind):
    other = people.user(uow, root)
    repo = repo_factory.repo(uow, root, kind=kind, private=True, commits=({"a": "1\n"},))
    with pytest.raises(NotFound):
        repo_contents.readable_repo(uow, other, repo.repo_name)
