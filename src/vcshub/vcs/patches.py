"""A commit as a patch: ``git format-patch`` mail for git, ``hg export`` text for Mercurial.

Made by the backends' :meth:`Commit.patch`; both apply with the native tools (``git am``,
``hg import``). The VCS layer gives commit dates as naive local time, so the patch carries the
server's time zone: the instant is exact, the offset may differ from the author's.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from email.header import Header
from typing import TYPE_CHECKING

from vcshub import __version__

if TYPE_CHECKING:
    from .base import Commit

NULL_ID = "0" * 40


def _aware(commit: "Commit") -> dt.datetime:
    return commit.date.astimezone()


def _subject_and_body(message: str) -> tuple[str, str]:
    """git's split: the first paragraph (lines joined) is the subject, the rest the body."""
    text = message.strip("\n")
    first, _sep, rest = text.partition("\n\n")
    subject = " ".join(line.strip() for line in first.splitlines() if line.strip())
    return subject, rest.strip("\n")


def _mail_header(text: str) -> str:
    """RFC 2047 encoding for non-ASCII header text, as format-patch does."""
    if text.isascii():
        return text
    return Header(text, "utf-8").encode()


def _mail_address(author: str) -> str:
    name, address = email.utils.parseaddr(author)
    if not address:
        return _mail_header(author)
    if not name:
        return f"<{address}>" if "@" in address else _mail_header(author)
    return f"{_mail_header(name)} <{address}>"


def git_patch(commit: "Commit", diff: str) -> str:
    """``git format-patch -1 --stdout`` layout: mbox line, mail headers, message, ``---``, diff."""
    subject, body = _subject_and_body(commit.message)
    lines = [
        f"From {commit.raw_id} Mon Sep 17 00:00:00 2001",
        f"From: {_mail_address(commit.author)}",
        f"Date: {email.utils.format_datetime(_aware(commit))}",
        f"Subject: {_mail_header('[PATCH] ' + subject)}",
    ]
    if not (commit.author + commit.message).isascii():
        lines += [
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: 8bit",
        ]
    lines.append("")
    if body:
        lines.append(body)
    lines += ["---", ""]
    text = "\n".join(lines) + "\n"
    text += diff if not diff or diff.endswith("\n") else diff + "\n"
    return text + f"-- \nvcshub {__version__}\n\n"


def _hg_date(when: dt.datetime) -> tuple[str, str]:
    offset = int(when.utcoffset().total_seconds())
    sign = "+" if offset >= 0 else "-"
    hours, minutes = divmod(abs(offset) // 60, 60)
    stamp = f"{int(when.timestamp())} {-offset}"
    readable = when.strftime("%a %b %d %H:%M:%S %Y ") + f"{sign}{hours:02d}{minutes:02d}"
    return stamp, readable


def hg_patch(commit: "Commit", diff: str) -> str:
    """``hg export --git`` layout: ``# HG changeset patch`` header lines, message, diff."""
    stamp, readable = _hg_date(_aware(commit))
    lines = [
        "# HG changeset patch",
        f"# User {commit.author}",
        f"# Date {stamp}",
        f"#      {readable}",
    ]
    if commit.branch and commit.branch != "default":
        lines.append(f"# Branch {commit.branch}")
    lines.append(f"# Node ID {commit.raw_id}")
    for parent in commit.parents or [NULL_ID]:
        lines.append(f"# Parent  {parent}")
    lines.append(commit.message.rstrip("\n"))
    text = "\n".join(lines) + "\n\n"
    return text + diff
