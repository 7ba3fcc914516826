"""Output files are written whole or not at all, with a Ukrainian reason."""

import errno
import os
import subprocess

import pytest

from civic.files import OutputError, write_output
from tests.conftest import unavailable


def test_writes_bytes_and_text(tmp_path):
    write_output(tmp_path / "a.csv", "Назва\n")
    write_output(tmp_path / "b.bin", b"\x00\x01")
    assert (tmp_path / "a.csv").read_text(encoding="utf-8") == "Назва\n"
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"


def test_replaces_existing_file_atomically(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old")
    write_output(target, "new")
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_missing_folder_is_explained(tmp_path):
    with pytest.raises(OutputError, match="теки не існує"):
        write_output(tmp_path / "nope" / "out.csv", "x")


def test_disk_full_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "export.csv"
    target.write_text("previous export")
    real_fsync = os.fsync

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError, match="на диску закінчилося місце"):
        write_output(target, "x" * 1000)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert target.read_text() == "previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.csv"]


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root (CI runs as root)")
def test_real_full_filesystem(tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        unavailable(f"a tmpfs cannot be mounted here: {result.stderr.strip()}")
    try:
        with pytest.raises(OutputError, match="на диску закінчилося місце"):
            write_output(mount / "big.csv", b"x" * 1024 * 1024)
        assert list(mount.iterdir()) == []
    finally:
        subprocess.run(["umount", str(mount)], check=False)


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root (CI runs as root)")
def test_module_export_on_a_full_disk_fails_clearly(runner, tmp_path):
    """A real export command on a full filesystem: a Ukrainian message and no partial file."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        unavailable(f"a tmpfs cannot be mounted here: {result.stderr.strip()}")
    try:
        (mount / "filler").write_bytes(b"x" * 12 * 1024)
        assert runner.invoke(args=["demo"]).exit_code == 0
        out = mount / "facts.csv"
        exported = runner.invoke(
            args=["enterprises", "export", "--format", "csv", "--out", str(out)]
        )
        assert exported.exit_code != 0
        assert "на диску закінчилося місце" in exported.output
        assert sorted(p.name for p in mount.iterdir()) == ["filler"]
    finally:
        subprocess.run(["umount", str(mount)], check=False)
