"""Which engine for full-text search: tantivy (its Python binding), SQLite FTS5 or PostgreSQL's
full-text search, measured on the same documents (printed; the choice is explained at the top
of src/vcshub/services/search/__init__.py).

The documents: every file at the tip of the 20,000-file benchmark repository
(benchmarks/vcs_history.py), each padded to ~40 lines of code-like text so that the index holds
about what a real 20,000-file repository gives. Measured: building the index, p50 of a word
query, of a phrase query and of a word query limited to one extension, each with the top 10
and a highlighted snippet where the engine makes one.

Usage: python benchmarks/search_engines.py [CACHE_DIR] [--postgres URL]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import vcs_history  # noqa: E402

from vcshub.vcs import open_repository  # noqa: E402

RUNS = 30


def documents(cache: Path) -> list[tuple[str, str, str]]:
    repo = open_repository(vcs_history.ensure_repository(cache))
    docs = []
    for n, node in enumerate(n for n in repo.get_nodes("tip", "") if n.is_file):
        body = node.content.decode()
        padding = "".join(
            f"def handler_{n}_{i}(request, value):\n    return compute_total(value, {i})\n"
            for i in range(20))
        path = node.path if n % 3 else node.path.replace(".txt", ".py")
        docs.append((path, path.rsplit(".", 1)[-1], body + padding))
    return docs


def p50(fn, runs: int = RUNS) -> float:
    """Median milliseconds of ``runs`` calls, after one call that warms caches."""
    fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def tantivy_engine(docs, folder: Path) -> dict:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("path", stored=True)
    builder.add_text_field("ext", stored=True, tokenizer_name="raw")
    builder.add_text_field("content", stored=True)
    schema = builder.build()
    index = tantivy.Index(schema, path=str(folder))
    started = time.perf_counter()
    writer = index.writer(heap_size=128_000_000)
    for path, ext, body in docs:
        writer.add_document(tantivy.Document(path=path, ext=ext, content=body))
    writer.commit()
    writer.wait_merging_threads()
    built = time.perf_counter() - started
    index.reload()

    def run(text: str, ext: str | None = None):
        searcher = index.searcher()
        query = index.parse_query(text, ["content"])
        if ext:
            query = tantivy.Query.boolean_query([
                (tantivy.Occur.Must, query),
                (tantivy.Occur.Must, tantivy.Query.term_query(schema, "ext", ext)),
            ])
        found = searcher.search(query, 10)
        snippets = tantivy.SnippetGenerator.create(searcher, query, schema, "content")
        return [snippets.snippet_from_doc(searcher.doc(a)).to_html() for _s, a in found.hits]

    return measured(built, run, "compute_total", '"request value"')


def measured(built: float, run, word: str, phrase: str) -> dict:
    """The figures of one engine: ``run(text, extension=None)`` answers a query."""
    return {
        "build s": built,
        "word ms": p50(lambda: run(word)),
        "phrase ms": p50(lambda: run(phrase)),
        "word+ext ms": p50(lambda: run("revision", "py")),
        "hits": len(run("revision", "py")),
    }


def sqlite_engine(docs, folder: Path) -> dict:
    db = sqlite3.connect(folder / "fts.sqlite")
    db.execute("CREATE VIRTUAL TABLE files USING fts5(path, ext UNINDEXED, content)")
    started = time.perf_counter()
    db.executemany("INSERT INTO files VALUES (?, ?, ?)", docs)
    db.commit()
    built = time.perf_counter() - started

    def run(text: str, ext: str | None = None):
        sql = ("SELECT path, snippet(files, 2, '<b>', '</b>', '…', 10) FROM files "
               "WHERE files MATCH ?" + (" AND ext = ?" if ext else "") + " ORDER BY rank LIMIT 10")
        return db.execute(sql, (f"content:{text}", ext) if ext else (f"content:{text}",)).fetchall()

    return measured(built, run, '"compute_total"', '"request value"')


def postgres_engine(docs, url: str) -> dict:
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        db.execute("DROP TABLE IF EXISTS bench_fts")
        db.execute("CREATE TABLE bench_fts (path text, ext text, content text, "
                   "tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', content)) STORED)")
        started = time.perf_counter()
        with db.cursor().copy("COPY bench_fts (path, ext, content) FROM STDIN") as copy:
            for row in docs:
                copy.write_row(row)
        db.execute("CREATE INDEX ON bench_fts USING gin (tsv)")
        built = time.perf_counter() - started

        def run(text: str, ext: str | None = None):
            phrase = text.startswith('"')
            parse = "phraseto_tsquery" if phrase else "plainto_tsquery"
            sql = (f"SELECT path, ts_headline('simple', content, q) FROM bench_fts, "
                   f"{parse}('simple', %s) q WHERE tsv @@ q"
                   + (" AND ext = %s" if ext else "") + " ORDER BY ts_rank(tsv, q) DESC LIMIT 10")
            text = text.strip('"')
            return db.execute(sql, (text, ext) if ext else (text,)).fetchall()

        result = measured(built, run, "compute_total", '"request value"')
        db.execute("DROP TABLE bench_fts")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cache_dir", nargs="?", default="/tmp/vcshub-bench")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args(argv)
    docs = documents(Path(args.cache_dir))
    size = sum(len(d[2]) for d in docs) / 1e6
    print(f"{len(docs)} documents, {size:.0f} MB of text; p50 of {RUNS} runs, top 10 + snippets")
    with tempfile.TemporaryDirectory() as tmp:
        results = {"tantivy": tantivy_engine(docs, Path(tmp))}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite fts5"] = sqlite_engine(docs, Path(tmp))
    results["postgresql"] = postgres_engine(docs, args.postgres)
    columns = ["build s", "word ms", "phrase ms", "word+ext ms", "hits"]
    print(f"{'engine':<14}" + "".join(f"{c:>13}" for c in columns))
    for name, row in results.items():
        print(f"{name:<14}" + "".join(f"{row[c]:>13.2f}" for c in columns))
    return 0


if __name__ == "__main__":
    sys.exit(main())
