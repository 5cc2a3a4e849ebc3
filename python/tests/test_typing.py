"""The stubs match the compiled module, and a typed program passes
``mypy --strict`` with them (and runs)."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

EXAMPLE = pathlib.Path(__file__).resolve().parent.parent / "examples" / "typed_example.py"


def run(args: list[str], cwd: pathlib.Path) -> subprocess.CompletedProcess[str]:
    # Run outside the source tree, so that `multipathd` is the installed one.
    env = dict(os.environ, MYPY_CACHE_DIR=str(cwd / ".mypy_cache"))
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


def test_stubs_match_the_module(tmp_path: pathlib.Path) -> None:
    r = run(["-m", "mypy.stubtest", "multipathd"], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Success" in r.stdout


def test_typed_example_passes_mypy_strict(tmp_path: pathlib.Path) -> None:
    r = run(["-m", "mypy", "--strict", str(EXAMPLE)], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Success: no issues found" in r.stdout


def test_the_tests_pass_mypy_strict(tmp_path: pathlib.Path) -> None:
    """This suite is typed code over the package too (exceptions from
    multipathd._errors, state enums, models)."""
    r = run(["-m", "mypy", "--strict", str(pathlib.Path(__file__).resolve().parent)], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Success: no issues found" in r.stdout


def test_mypy_catches_misuse(tmp_path: pathlib.Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import multipathd\n"
        "c = multipathd.Client('@x')\n"
        "n: int = c.list_paths()[0].device\n"
        "c.fail_path(3)\n"
        "c.list_paths()[0].device = 'x'\n"
    )
    r = run(["-m", "mypy", "--strict", str(bad)], tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stdout.count("error:") == 3, r.stdout


def test_typed_example_runs(tmp_path: pathlib.Path) -> None:
    r = run([str(EXAMPLE)], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "multipathd 0.11.1 at @" in r.stdout
    assert "sda failed: True" in r.stdout
    assert "sda active again: True" in r.stdout
    assert "path faults per map: {'mpatha': 1, 'mpathb': 0}" in r.stdout
