"""What civic writes into its instance folder is readable by its owner only.

As ``make run`` does it, in a fresh instance folder and under the usual umask 022: ``civic db
upgrade`` (the SQLite database, the secrets), then the app served by gunicorn receiving a
petition (the SQLite -wal/-shm, the outbox .eml), then ``civic backup`` into the folder. Every
folder civic made is 0700 and every file 0600. A folder and a database left world-readable by an
older civic are narrowed on the next start.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.served import Browser, Gunicorn

PETITION = {
    "title": "Встановити світлофор біля школи № 7",
    "text": "Просимо встановити світлофор біля школи № 7, бо діти щодня переходять жваву дорогу.",
    "author_name": "Савчук Ірина Петрівна",
    "author_email": "savchuk@example.com",
    "step": "submit",
}


@pytest.fixture
def usual_umask():
    """The umask a developer's shell has (pytest's own may have been narrowed by an app)."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def civic(instance: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVIC_")}
    env["CIVIC_INSTANCE_PATH"] = str(instance)
    result = subprocess.run(
        [sys.executable, "-m", "civic", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def modes(instance: Path) -> dict[str, str]:
    """Every path under ``instance`` (and itself) with its permission bits, as ``0o600``."""
    out = {".": oct(stat.S_IMODE(instance.stat().st_mode))}
    for path in sorted(instance.rglob("*")):
        out[str(path.relative_to(instance))] = oct(stat.S_IMODE(path.stat().st_mode))
    return out


def test_a_fresh_start_leaves_the_instance_folder_private(tmp_path, usual_umask):
    instance = tmp_path / "instance"
    civic(instance, "db", "upgrade")
    url = f"sqlite:///{instance / 'civic.sqlite'}"
    with Gunicorn(url, instance) as server:
        citizen = Browser(server.url)
        response = citizen.submit("/petitions/new", PETITION)
        assert response.status in (200, 201, 302), response.text[:500]
        seen = modes(instance)  # while the server runs: the -wal and -shm exist
    assert any(name.endswith(".eml") for name in seen), seen
    assert "civic.sqlite-wal" in seen and "civic.sqlite-shm" in seen, seen
    civic(instance, "backup", "--out", str(instance / "backups" / "civic-backup.sqlite"))
    seen.update(modes(instance))
    del seen["gunicorn.log"]  # the test harness's own log of the server
    folders = {".", "outbox", "backups"}
    assert {name: mode for name, mode in seen.items() if name in folders} == {
        name: "0o700" for name in folders
    }
    files = {name: mode for name, mode in seen.items() if name not in folders}
    assert {
        "civic.sqlite",
        "secret_key",
        "personal_data_key",
        "backups/civic-backup.sqlite",
    } <= set(files)
    assert files == {name: "0o600" for name in files}


def test_an_older_lax_instance_is_narrowed_on_start(tmp_path, usual_umask):
    instance = tmp_path / "instance"
    civic(instance, "db", "upgrade")
    instance.chmod(0o755)
    (instance / "civic.sqlite").chmod(0o644)
    civic(instance, "db", "current")
    seen = modes(instance)
    assert (seen["."], seen["civic.sqlite"]) == ("0o700", "0o600")
