"""The changelog's commit graph: which column (lane) each commit of a page sits in, and the
lines to draw between consecutive rows.

A pure function over ``(commit id, parent ids)`` in display order (children before parents, as
the changelog lists them). It keeps one list of lanes, each waiting for the commit it leads to
(the same walk as Mercurial's ``graphmod.colored``): a commit takes the lane that waits for it
(or a new one on the right when nothing does: a head), and hands its lane to its first parent;
other parents get new lanes beside it unless a lane already waits for them, in which case the
line bends over to that lane (two lines joining: a merge seen from below, a fork seen from
above). Lanes never duplicate a commit, so each commit is drawn once.

Across pages: a page may be laid out after the rows before it (``lead_in``), which are walked
but not returned, so that lanes entering the page from above sit where the previous page left
them; lines to parents below the page continue off its bottom (``down`` of the last row).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PALETTE = 8  # colours the page's stylesheet defines; a lane's colour is its index modulo this


@dataclass(frozen=True)
class Edge:
    """A line from column ``start`` of one row to column ``end`` of the next one."""

    start: int
    end: int
    colour: int


@dataclass(frozen=True)
class GraphRow:
    """One commit's place: its ``column`` and ``colour``; ``up`` are the lines coming in from
    the row above (or from above the page), ``down`` those going to the row below (or below
    the page)."""

    commit_id: str
    column: int
    colour: int
    up: tuple[Edge, ...]
    down: tuple[Edge, ...]

    @property
    def width(self) -> int:
        """Columns this row's drawing needs."""
        return 1 + max([self.column, *(max(e.start, e.end) for e in self.up + self.down)])


@dataclass(frozen=True)
class Graph:
    rows: list[GraphRow]

    @property
    def width(self) -> int:
        return max((row.width for row in self.rows), default=0)


def layout(rows: Sequence[tuple[str, Sequence[str]]], lead_in: int = 0) -> Graph:
    """Lay out ``rows`` (id, parent ids), newest first; the first ``lead_in`` rows only set up
    the lanes and are left out of the answer."""
    lanes: list[str] = []  # lane i waits for commit lanes[i]
    colours: dict[str, int] = {}  # the colour of the lane that waits for a commit
    next_colour = 0
    placed: list[GraphRow] = []
    up: tuple[Edge, ...] = ()
    for commit_id, parent_ids in rows:
        if commit_id not in lanes:  # a head: nothing above leads here
            lanes.append(commit_id)
            colours[commit_id] = next_colour
            next_colour += 1
        column = lanes.index(commit_id)
        colour = colours.pop(commit_id)
        parents = list(dict.fromkeys(parent_ids))  # the same parent twice is one line
        new_parents = [p for p in parents if p not in lanes]
        below = lanes[:column] + new_parents + lanes[column + 1:]
        for position, parent in enumerate(new_parents):
            if position == 0:  # the first parent continues this lane and its colour
                colours[parent] = colour
            else:
                colours[parent] = next_colour
                next_colour += 1
        down: list[Edge] = []
        for start, waiting_for in enumerate(lanes):
            if start == column:
                for parent in parents:
                    down.append(Edge(column, below.index(parent), colours[parent]))
            else:  # a lane passing by this row (perhaps moving over a column)
                down.append(Edge(start, below.index(waiting_for), colours[waiting_for]))
        placed.append(GraphRow(commit_id, column, colour, up, tuple(down)))
        up = tuple(down)
        lanes = below
    # The first kept row's ``up`` are the lead-in's last lines: they come from above the page.
    return Graph(rows=placed[lead_in:])
