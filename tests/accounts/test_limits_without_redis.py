"""Redis away (restarted, or down for a while): logging in and registering keep working, the
limits counted per process meanwhile, instead of every rate-limited POST answering 500."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.plugins.database import free_port

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
from ontwikkelbijeenkomsten import create_app
from ontwikkelbijeenkomsten.core.extensions import db

app = create_app({"WTF_CSRF_ENABLED": False})
with app.app_context():
    db.create_all()
client = app.test_client()
form = {"email": "ilse@example.org", "password": "niet-het-goede-wachtwoord"}
print(" ".join(str(client.post("/inloggen", data=form).status_code) for _ in range(7)))
"""


def test_logging_in_works_while_redis_is_away(tmp_path):
    env = {**os.environ, "APP_ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
           "SECRET_KEY": "x" * 48, "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{free_port()}/0",
           "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    # 5 failed logins per address, counted in the process's memory while Redis does not answer.
    assert result.stdout.split() == ["200"] * 5 + ["429"] * 2
