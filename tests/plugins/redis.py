"""A throwaway Redis server for the test session, for rate limits shared between processes.

Fixtures
--------
redis_url
    ``redis://127.0.0.1:<port>/0`` of a ``redis-server`` (Debian package ``redis-server``) that
    this session starts on a free port in a temp dir, without persistence, and stops at the end
    (also on SIGTERM). Missing, it skips the test with the reason; under CI=true it fails.
    The server is emptied before each test that uses it.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time

import pytest

from tests.plugins.backends import skip_or_fail
from tests.plugins.database import free_port


class ThrowawayRedis:
    """redis-server in a temp dir: 127.0.0.1 only, no RDB or AOF files, stopped by `stop()`."""

    def __init__(self, binary: str):
        self.binary = binary
        self.root = tempfile.mkdtemp(prefix="ob-test-redis-")
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> str:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.root,
             "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", ""],
            cwd=self.root, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited {self.process.returncode}: {self.process.stdout.read()!r}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return f"redis://127.0.0.1:{self.port}/0"
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not listen on port {self.port} within 10 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def _redis_server():
    """(URL, reason it is unavailable)."""
    binary = shutil.which("redis-server")
    if binary is None:
        yield None, "no redis-server: install Debian's redis-server"
        return
    server = ThrowawayRedis(binary)
    try:
        url = server.start()
    except (RuntimeError, OSError) as exc:
        server.stop()
        yield None, f"could not start a throwaway redis-server: {exc}"
        return
    try:
        yield url, None
    finally:
        server.stop()


@pytest.fixture
def redis_url(_redis_server) -> str:
    url, reason = _redis_server
    if reason:
        skip_or_fail(reason)
    import redis

    with redis.Redis.from_url(url) as client:
        client.flushdb()
    return url
