"""``llmextract review`` as a user starts it: the server answers, and a port in use is one line and exit 2."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.review_support import build_text_run


def _review(run: Path, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "llmextract", "review", str(run), "--port", str(port), "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_port_in_use_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """Before: uvicorn logged "[Errno 98] error while attempting to bind" over several lines and exited 1."""
    build_text_run(tmp_path / "run").close()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        proc = _review(tmp_path / "run", port)
        _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 2
    assert stderr.strip().startswith("error:") and stderr.strip().count("\n") == 0, stderr
    assert f"port {port}" in stderr and "already in use" in stderr and "--port" in stderr


def test_the_server_answers_on_the_port_it_announces(tmp_path: Path) -> None:
    build_text_run(tmp_path / "run").close()
    proc = _review(tmp_path / "run", 0)
    try:
        assert proc.stderr is not None
        deadline = time.monotonic() + 60
        line = ""
        while "review UI at" not in line:
            assert time.monotonic() < deadline, "no announcement"
            line = proc.stderr.readline()
        url = line.split("review UI at", 1)[1].split()[0]
        with urllib.request.urlopen(url, timeout=30) as reply:
            assert reply.status == 200 and "审核队列" in reply.read().decode("utf-8")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
