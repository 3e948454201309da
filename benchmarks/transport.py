"""Git and Mercurial over HTTP through vcshub, against the tools' own HTTP servers.

Builds once (cached in ``--cache-dir``) a bare git repository with ``git fast-import``: a linear
history of ``--commits`` commits (default 50,000) over 2,000 files, each commit rewriting one
file with fresh text, sized so that the packed repository is about ``--size-mb`` (default
200 MiB; the exact figure is printed), then packed as ``git gc`` leaves it (one pack with a
bitmap, packed refs, a commit-graph). A second bare repository, a local clone of the first,
gets ``--push-commits`` (default 1,000) more commits on master: the push source. The Mercurial
repository holds the same content stream, written with Mercurial's API (``memctx`` commits in
one transaction, ~2 minutes for the default size), at ``--hg-size-mb`` / ``--hg-commits``
(defaults: the same 200 MiB / 50,000 as git); its push source likewise. As in a repository
served by a publishing server, its changesets are made public (the push source's as well, so
that every push run does the same) and its caches are filled (``hg debugupdatecaches``).

Servers:

* vcshub: the real CLI (the test suite's ``start_server``: SQLite, ``--workers`` processes, by
  default one per CPU). The repositories are copied into its storage (git packs hard-linked,
  hg copied) and registered with ``rescan_repos``, which also builds what a long-lived
  repository has cached. Clients authenticate with the admin's API token in the URL.
* git baseline: ``git http-backend`` behind a minimal CGI server written here on
  ``http.server`` (streams the request body into the CGI and its output back), in a process of
  its own, serving the very same folder for clones. Like http-backend's documented setups it
  asks for a login (Basic, any credentials accepted) before a push, so git makes the same
  401 round trip as with vcshub.
* hg baseline: ``hg serve`` on the same folder, with vcshub's settings (stream clones
  preferred), and a local ``hg clone --pull`` of it. vcshub checks that pushed
  changesets are complete (``server.validate``, off by default in hg): the push target compares
  with ``hg serve --config server.validate=true``; plain ``hg serve`` is shown beside it.

Measured, the two servers alternating:

* full clone: ``git clone --bare`` / ``hg clone -U``, best of ``--runs`` (default 3) — no
  checkout: client work that does not involve the server is left out, making the ratio stricter;
* a push of ``--push-commits`` commits, best of ``--push-runs`` (default 5), each into a fresh
  copy of the server's repository (prepared, and registered, before the timing starts);
* ``pushed`` (``--parts``): the history pushed to a new vcshub repository and left to vcshub's
  automatic housekeeping, then cloned through vcshub against a local ``git clone --no-local``
  of that folder and against ``git http-backend`` serving it;
* ``--concurrent`` (default 32) ``git clone --bare`` at once: errors and the total time.

Besides wall time (the targets: vcshub / baseline <= 1.05 for git, <= 1.10 for hg, concurrent
clones without errors), the server's CPU time per operation is shown (its own and git's,
http-backend's): the machine may be shared with another benchmark, whose load (printed with
each phase) makes wall times noisy; CPU time hardly depends on it. Options: ``--help``; a
quick trial: --size-mb 10 --commits 2000 --push-commits 100 --hg-size-mb 5 --hg-commits 1000.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from transport_baselines import Baseline
from transport_measures import (
    Row,
    Sample,
    alternate,
    load,
    measure,
    memory_change,
    clone_together,
    memory_mb,
    print_rows,
    walls,
    with_credentials,
)
from transport_repos import (
    ENV,
    HG,
    build_git,
    build_hg,
    client_env,
    copy_git,
    copy_hg,
    folder_mb,
    git,
    git_head,
    hg_tip,
    run,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
GIT_TARGET, HG_TARGET = 1.05, 1.10
HG_SIZE_MB, HG_COMMITS = 200, 50_000


class Bench:
    def __init__(self, options, work: Path, server) -> None:
        self.options, self.work, self.server = options, work, server
        self.storage = server.data_dir / "repos"
        self.http = httpx.Client(timeout=600)
        self.rows: list[Row] = []
        self._n = 0

    def api(self, method: str, **args) -> object:
        body = {"id": 1, "auth_token": self.server.admin_token, "method": method, "args": args}
        reply = self.http.post(self.server.api_url, json=body).json()
        if reply["error"] is not None:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    def vcshub_url(self, name: str) -> str:
        """With the admin's API token: what a CI job would use."""
        return with_credentials(f"{self.server.url}/{name}", self.server.admin_username,
                                self.server.admin_token)

    def scratch(self, label: str) -> Path:
        self._n += 1
        return self.work / f"{label}{self._n}"

    def record(self, row: Row) -> None:
        self.rows.append(row)
        cpu = (f"server CPU {min(s.server_cpu for s in row.baseline):.2f}s vs "
               f"{min(s.server_cpu for s in row.vcshub):.2f}s")
        print(f"  {row.what}: ratio {row.ratio:.3f}; runs {walls(row.baseline)} vs "
              f"{walls(row.vcshub)}; {cpu}; {load()}", flush=True)

    def clone(self, command: list[str], head: Callable[[Path], str], expected: str,
              server_pid: int) -> Sample:
        target = self.scratch("clone")
        sample = measure([*command, str(target)], server_pid)
        found = head(target)
        shutil.rmtree(target)
        if found != expected:
            raise RuntimeError(f"{' '.join(command)}: got {found}, not {expected}")
        return sample

    def push(self, command: list[str], head: Callable[[Path], str], target: Path,
             expected: str, server_pid: int) -> Sample:
        sample = measure(command, server_pid)
        if head(target) != expected:
            raise RuntimeError(f"{' '.join(command)} did not arrive in {target}")
        return sample

    # -- setting up: the repositories are copied into vcshub's storage and registered with
    # rescan_repos, which also fills the caches a long-lived repository has (summary, git
    # commit index)

    def prepare(self, git_source: Path | None, hg_source: Path | None) -> None:
        runs = self.options.push_runs
        if git_source is not None:
            copy_git(git_source, self.storage / "bench" / "git")
            self.git_push_root = self.work / "git-push-baseline"
            self.git_push_root.mkdir()
            for i in range(runs):
                copy_git(git_source, self.storage / "bench" / f"git-push{i}")
                copy_git(git_source, self.git_push_root / f"push{i}.git")
        if hg_source is not None:
            copy_hg(hg_source, self.storage / "bench" / "hg")
            for i in range(runs):
                copy_hg(hg_source, self.storage / "bench" / f"hg-push{i}")
                copy_hg(hg_source, self.work / f"hg-push{i}")
                copy_hg(hg_source, self.work / f"hg-plain-push{i}")
        began = time.perf_counter()
        added = self.api("rescan_repos")["added"]
        print(f"registered {len(added)} repositories with rescan_repos in "
              f"{time.perf_counter() - began:.1f}s", flush=True)

    # -- git

    def git_part(self, source: Path, pusher: Path) -> None:
        options, pid = self.options, self.server.process.pid
        head, pushed = git_head(source), git_head(pusher)
        clone = ["git", "clone", "--quiet", "--bare"]
        if options.runs:
            memory = memory_mb(pid)
            with Baseline("git", self.storage) as cgi:  # the very same folder
                print(f"git clone, best of {options.runs} ({load()})", flush=True)
                theirs, ours = alternate(
                    options.runs,
                    lambda i: self.clone([*clone, cgi.url + "bench/git"], git_head, head, cgi.pid),
                    lambda i: self.clone([*clone, self.vcshub_url("bench/git")], git_head, head,
                                         pid),
                )
            self.record(Row("git clone", GIT_TARGET, theirs, ours))
            print("  " + memory_change(pid, memory), flush=True)

        push = ["git", "--git-dir", str(pusher), "push", "--quiet"]
        with Baseline("git", self.git_push_root) as cgi:
            print(f"git push of {options.push_commits} commits, best of {options.push_runs} "
                  f"({load()})", flush=True)

            def baseline_push(i: int) -> Sample:
                url = with_credentials(f"{cgi.url}push{i}.git", "bench", "any-password")
                return self.push([*push, url, "master"], git_head,
                                 self.git_push_root / f"push{i}.git", pushed, cgi.pid)

            def vcshub_push(i: int) -> Sample:
                return self.push([*push, self.vcshub_url(f"bench/git-push{i}"), "master"],
                                 git_head, self.storage / "bench" / f"git-push{i}", pushed, pid)

            theirs, ours = alternate(options.push_runs, baseline_push, vcshub_push)
        self.record(Row(f"git push {options.push_commits}", GIT_TARGET, theirs, ours))

    # -- git, as vcshub keeps a repository it was pushed (no repack by hand)

    def pushed_part(self, source: Path) -> None:
        """The whole history pushed to a new vcshub repository over HTTP, then left to the
        automatic housekeeping (a reachability bitmap, the commit-graph); clones of it through
        vcshub against a local ``git clone --no-local`` of that very folder and against
        ``git http-backend`` serving it."""
        options, pid = self.options, self.server.process.pid
        head = git_head(source)
        self.api("create_repo", repo_name="bench/git-pushed", repo_type="git")
        folder = self.storage / "bench" / "git-pushed"
        began = time.perf_counter()
        run(["git", "--git-dir", str(source), "push", "--quiet",
             self.vcshub_url("bench/git-pushed"), "refs/heads/*:refs/heads/*"])
        print(f"pushed {source.name} in {time.perf_counter() - began:.1f}s; waiting for "
              "housekeeping", flush=True)
        deadline = time.monotonic() + 1800
        while not any(p.suffix == ".bitmap" for p in (folder / "objects" / "pack").iterdir()):
            if time.monotonic() > deadline:
                raise RuntimeError("no housekeeping after the push in 30 minutes")
            time.sleep(1)
        print(f"  housekept {time.perf_counter() - began:.1f}s after the push began: "
              f"{folder_mb(folder):.1f} MB", flush=True)
        clone = ["git", "clone", "--quiet", "--bare"]
        local = lambda i: self.clone([*clone, "--no-local", str(folder)], git_head, head, pid)  # noqa: E731
        with Baseline("git", self.storage / "bench") as cgi:
            print(f"git clone of the pushed repository, best of {options.runs} ({load()})",
                  flush=True)
            theirs, ours, backend = alternate(
                options.runs, local,
                lambda i: self.clone([*clone, self.vcshub_url("bench/git-pushed")], git_head,
                                     head, pid),
                lambda i: self.clone([*clone, cgi.url + "git-pushed"], git_head, head, cgi.pid),
            )
        self.record(Row("pushed: vs local", GIT_TARGET, theirs, ours))
        self.record(Row("  vs http-backend", GIT_TARGET, backend, ours))

    # -- hg

    def hg_part(self, source: Path, pusher: Path) -> None:
        options, pid = self.options, self.server.process.pid
        tip, pushed = hg_tip(source), hg_tip(pusher)
        clone = [HG, "clone", "-U", "-q"]
        if options.runs:
            memory = memory_mb(pid)
            folder = self.storage / "bench" / "hg"
            # hg serve with vcshub's settings: stream clones preferred (hg_push.py)
            streams = ("server.uncompressed=true", "server.preferuncompressed=true")
            with Baseline("hg", folder, streams) as serve:  # the very same folder
                print(f"hg clone, best of {options.runs} ({load()})", flush=True)
                theirs, ours, local = alternate(
                    options.runs,
                    lambda i: self.clone([*clone, serve.url], hg_tip, tip, serve.pid),
                    lambda i: self.clone([*clone, self.vcshub_url("bench/hg")], hg_tip, tip, pid),
                    lambda i: self.clone([*clone, "--pull", str(folder)], hg_tip, tip, pid),
                )
            self.record(Row("hg clone", HG_TARGET, theirs, ours))
            self.record(Row("  vs local --pull", 1.0, local, ours))
            print("  " + memory_change(pid, memory), flush=True)

        push = [HG, "-R", str(pusher), "push", "-q"]

        def baseline_push(label: str, config: tuple[str, ...]) -> Callable[[int], Sample]:
            def run_push(i: int) -> Sample:
                folder = self.work / f"{label}{i}"
                with Baseline("hg", folder, config) as serve:
                    return self.push([*push, serve.url], hg_tip, folder, pushed, serve.pid)

            return run_push

        def vcshub_push(i: int) -> Sample:
            return self.push([*push, self.vcshub_url(f"bench/hg-push{i}")], hg_tip,
                             self.storage / "bench" / f"hg-push{i}", pushed, pid)

        print(f"hg push of {options.push_commits} changesets, best of {options.push_runs} "
              f"({load()})", flush=True)
        # vcshub checks that every pushed changeset is complete (server.validate): the target
        # compares with hg serve doing the same; plain hg serve (no check) is shown beside it
        theirs, ours, plain = alternate(
            options.push_runs,
            baseline_push("hg-push", ("server.validate=true",)),
            vcshub_push,
            baseline_push("hg-plain-push", ()),
        )
        self.record(Row(f"hg push {options.push_commits}", HG_TARGET, theirs, ours))
        self.record(Row("  vs plain serve", None, plain, ours))

    # -- concurrency

    def concurrent_part(self, source: Path) -> tuple[int, float, list[float]]:
        count = self.options.concurrent
        head = git_head(source)
        url = self.vcshub_url("bench/git")
        print(f"{count} concurrent git clones through vcshub ({load()})", flush=True)
        memory = memory_mb(self.server.process.pid)
        targets = [self.scratch("parallel") for _ in range(count)]
        finished, failures, began = clone_together(url, targets, head, ENV)
        total = time.perf_counter() - began
        for failure in failures:
            print("  " + failure, flush=True)
        for target in targets:
            shutil.rmtree(target, ignore_errors=True)
        print(f"  {count} clones, {len(failures)} errors: first done after {min(finished):.1f}s, "
              f"all after {total:.1f}s ({load()})", flush=True)
        print("  " + memory_change(self.server.process.pid, memory), flush=True)
        return len(failures), total, finished


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=200)
    parser.add_argument("--commits", type=int, default=50_000)
    parser.add_argument("--push-commits", type=int, default=1000)
    parser.add_argument("--hg-size-mb", type=float, default=HG_SIZE_MB)
    parser.add_argument("--hg-commits", type=int, default=HG_COMMITS)
    parser.add_argument("--runs", type=int, default=3,
                        help="clones per server (best shown; 0: pushes only)")
    parser.add_argument("--push-runs", type=int, default=5, help="pushes per server (best shown)")
    parser.add_argument("--concurrent", type=int, default=32)
    parser.add_argument("--cache-dir", type=Path,
                        default=Path(tempfile.gettempdir()) / "vcshub-bench-transport")
    parser.add_argument("--parts", default="git,hg,concurrent")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="vcshub's worker processes (vcshub serve --workers)")
    options = parser.parse_args(argv)
    parts = set(options.parts.split(","))
    began = time.perf_counter()
    print(f"start: {load()} on {os.cpu_count()} CPUs", flush=True)
    options.cache_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="vcshub-bench-transport-"))
    (work / "home").mkdir()
    ENV.update(client_env(work / "home"))
    git_source = git_pusher = hg_source = hg_pusher = None
    sizes = []
    if parts & {"git", "concurrent", "pushed"}:
        git_source, git_pusher = build_git(options.cache_dir, options.size_mb, options.commits,
                                           options.push_commits)
        commits = int(git(git_source, "rev-list", "--count", "master"))
        sizes.append(f"git: {commits} commits, {folder_mb(git_source):.1f} MB packed, "
                     f"{int(git(git_source, 'ls-tree', '-r', '--name-only', 'master').count(chr(10))) + 1}"
                     f" files at master; push: +{options.push_commits} commits")
    if "hg" in parts:
        hg_source, hg_pusher = build_hg(options.cache_dir, options.hg_size_mb, options.hg_commits,
                                        options.push_commits)
        # as on a publishing server, everything is public (the push source's changesets too:
        # its first push would make them so, and every run must push the same way)
        for folder in (hg_source, hg_pusher):
            run([HG, "-R", str(folder), "phase", "--public", "-r", "tip"])
        for folder in (hg_source, hg_pusher):  # the caches a served repository has
            run([HG, "-R", str(folder), "debugupdatecaches"])
        changesets = int(run([HG, "-R", str(hg_source), "log", "-r", "tip", "-T", "{rev}"]).stdout) + 1
        sizes.append(f"hg: {changesets} changesets, {folder_mb(hg_source / '.hg'):.1f} MB store; "
                     f"push: +{options.push_commits} changesets")
    for line in sizes:
        print(line, flush=True)

    sys.path.insert(0, str(REPO_ROOT))
    from tests.live_server import start_server

    data_dir = work / "vcshub-data"
    data_dir.mkdir()
    server = start_server(data_dir, f"sqlite:///{data_dir / 'vcshub.sqlite'}",
                          VCSHUB_WORKERS=str(options.workers))
    print(f"vcshub with {options.workers} worker processes", flush=True)
    bench = Bench(options, work, server)
    concurrent = None
    try:
        bench.prepare(git_source, hg_source if "hg" in parts else None)
        if "git" in parts:
            bench.git_part(git_source, git_pusher)
        if "pushed" in parts:
            bench.pushed_part(git_source)
        if "hg" in parts:
            bench.hg_part(hg_source, hg_pusher)
        if "concurrent" in parts:
            concurrent = bench.concurrent_part(git_source)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)

    print(f"\n{'; '.join(sizes)}")
    print(f"wall time, best of {options.runs} clones / {options.push_runs} pushes per server "
          f"(server CPU: least of the runs); {load()}")
    failed = print_rows(bench.rows)
    if concurrent is not None:
        errors, total, finished = concurrent
        failed |= errors != 0
        print(f"{options.concurrent} concurrent git clones: {errors} errors, all done in "
              f"{total:.1f}s (first after {min(finished):.1f}s)  {'PASS' if errors == 0 else 'FAIL'}")
    print(f"baselines: git http-backend behind a Python CGI server, hg serve (pushes: with "
          f"server.validate=true as vcshub, and plain); "
          f"total {time.perf_counter() - began:.0f}s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
