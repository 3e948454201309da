"""What `vcshub serve` sets up in its process before serving (vcshub/app.py)."""

from __future__ import annotations

import subprocess
import sys


def test_a_server_process_collects_its_young_generation_less_often_and_freezes_start_up():
    # In a child process: freezing is for good, it must not happen to the test process.
    code = (
        "import gc; from vcshub.app import tune_garbage_collector, YOUNG_GENERATION;"
        "assert gc.get_freeze_count() == 0; tune_garbage_collector();"
        "assert gc.get_threshold()[0] == YOUNG_GENERATION, gc.get_threshold();"
        "assert gc.get_freeze_count() > 1000, gc.get_freeze_count(); print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "ok", out.stderr
