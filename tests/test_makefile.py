"""`make run` on another port: the links in mails and on the pages follow it.

Runs make with -n (print, do not run) on a copy of the Makefile in a temporary folder, with the
set-up and migration taken as done (-o), so nothing is built or started.
"""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

MAKEFILE = Path(__file__).resolve().parent.parent / "Makefile"


def _run_commands(tmp_path, *args, env=None, target="run") -> list[str]:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    shutil.copy(MAKEFILE, tmp_path / "Makefile")
    environ = {k: v for k, v in os.environ.items() if k != "BASE_URL"} | (env or {})
    done = subprocess.run(["make", "-s", "-n", target, "-o", "setup", "-o", "migrate", *args],
                          cwd=tmp_path, env=environ, capture_output=True, text=True, check=True)
    return [line for line in done.stdout.splitlines() if " flask " in f" {line} " or "/flask " in line]


def _base_urls(lines: list[str]) -> set[str]:
    return {m.group(1) for line in lines for m in re.finditer(r"BASE_URL=(\S+)", line)}


def test_the_web_server_the_worker_and_the_demo_link_to_the_port_make_run_serves(tmp_path):
    """The demo queues mails too (certificates of attendance): their links are written then."""
    lines = _run_commands(tmp_path, "PORT=5077")
    assert any("worker" in line for line in lines) and any("--port 5077" in line for line in lines)
    assert any("demo load" in line for line in lines)
    assert _base_urls(lines) == {"http://127.0.0.1:5077"} and all("BASE_URL=" in line for line in lines)


def test_by_default_the_links_point_to_port_5000(tmp_path):
    assert _base_urls(_run_commands(tmp_path)) == {"http://127.0.0.1:5000"}


def test_a_base_url_given_wins(tmp_path):
    assert _base_urls(_run_commands(tmp_path, "PORT=5077", "BASE_URL=https://ob.example.nl")) == {
        "https://ob.example.nl"}
    assert _base_urls(_run_commands(tmp_path, env={"BASE_URL": "https://env.example.nl"})) == {
        "https://env.example.nl"}
