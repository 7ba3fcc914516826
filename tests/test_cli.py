"""The console script and the demo command."""

import subprocess
import sys

from civic.auth.models import User
from civic.extensions import db


def test_demo_is_idempotent_and_prints_accounts(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "commission2" in first.output and "demo-count2-2026" in first.output
    count = db.session.scalar(db.select(db.func.count(User.id)))
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert db.session.scalar(db.select(db.func.count(User.id))) == count
    roles = {u.login: u.roles for u in db.session.scalars(db.select(User))}
    assert roles["admin"] == {"admin"} and roles["commission"] == {"commission"}
    assert roles["moderator"] == {"moderator"} and roles["editor"] == {"editor"}


def test_console_script_lists_domain_groups(tmp_path):
    env = {"CIVIC_INSTANCE_PATH": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "civic", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    for group in ("users", "audit", "demo", "db", "run", "shell"):
        assert group in result.stdout
