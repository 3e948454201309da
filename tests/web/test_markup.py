"""Markup users write becomes HTML that cannot run anything or leave the allow-list, whatever
the renderer lets through (web/markup.py)."""

from __future__ import annotations

import pytest

from vcshub.web import markup

HOSTILE = [
    "<script>window.pwned = 1</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="https://example.com"></iframe>',
    '<div style="position:fixed;top:0">cover</div>',
    '<form action="/_admin/logout" method="post"><button>x</button></form>',
]


@pytest.mark.parametrize("source", HOSTILE)
def test_markdown_keeps_nothing_that_runs_or_restyles(source):
    html = markup.markdown(source).lower()
    # a refused link may stay as text ("[click](javascript:...)"), never as a link
    for bad in ("<script", "onerror=", 'href="javascript:', "<iframe", "position:fixed", "<form"):
        assert bad not in html


def test_markdown_renders_what_authors_write():
    html = markup.markdown(
        "# Title\n\nSome *text* and a [link](https://example.com).\n\n"
        "| a | b |\n|---|:-:|\n| 1 | 2 |\n\n```python\nprint(1)\n```\n"
    )
    assert "<h1>Title</h1>" in html
    assert "<em>text</em>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">link</a>' in html
    assert "<table>" in html and "<td" in html
    assert '<code class="language-python">' in html


def test_rst_renders_and_refuses_raw_html_and_file_inclusion():
    html = markup.rst(
        "Title\n=====\n\n* item\n\n.. raw:: html\n\n   <script>x()</script>\n\n"
        ".. include:: /etc/passwd\n\n`bad <javascript:alert(1)>`_\n"
    )
    assert "Title</h" in html and "<li>" in html
    assert "<script" not in html and "root:" not in html and "javascript:" not in html


def test_rst_errors_never_fail_the_page():
    assert "text" in markup.rst("text\n\n.. unknown-directive:: x\n\n`unclosed\n")


def test_only_markup_files_are_rendered_and_not_when_huge():
    assert markup.rendered("README.md", "# x") is not None
    assert markup.rendered("docs/intro.RST", "x\n=\n") is not None
    assert markup.rendered("README.txt", "# x") is None
    assert markup.rendered("big.md", "x" * (markup.RENDER_LIMIT + 1)) is None


def test_relative_links_lead_into_the_repository():
    links = markup.Links(files="/g/app/files/abc/", raw="/g/app/raw/abc/", folder="docs")
    html = markup.markdown(
        "[notes](notes.txt#top) [up](../README.md) [out](../../etc/passwd) "
        "[site](https://example.com/x) [here](#usage) [abs](/other/repo)\n\n![logo](img/logo.png)",
        links,
    )
    assert 'href="/g/app/files/abc/docs/notes.txt#top"' in html
    assert 'href="/g/app/files/abc/README.md"' in html
    assert "passwd" not in html  # climbs out of the tree: no link at all
    assert 'href="https://example.com/x"' in html
    assert 'href="#usage"' in html and 'href="/other/repo"' in html
    assert 'src="/g/app/raw/abc/docs/img/logo.png"' in html


def test_without_links_relative_urls_stay_as_written():
    assert 'href="notes.txt"' in markup.markdown("[n](notes.txt)")
