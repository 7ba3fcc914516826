"""The audit anchor file: the chain's count and last hash, kept outside the database.

Written after every commit that appended audit events, atomically (a temporary file beside it,
fsync, rename, fsync of the folder) and under an exclusive ``flock`` on ``<anchor>.lock``, so
several gunicorn workers and CLI processes can write it at once and it never goes backwards: a
writer re-reads the file under the lock and only replaces it with a higher count.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from pathlib import Path

from civic.audit.chain import Anchor, advance


class AnchorError(Exception):
    """The anchor file exists but cannot be read (Ukrainian message)."""


@contextlib.contextmanager
def _locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(str(path) + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def read_anchor(path: Path) -> Anchor | None:
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise AnchorError(f"якір журналу {path} не вдалося прочитати: {exc.strerror}") from exc
    try:
        return Anchor.from_json(json.loads(raw.decode("utf-8")))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise AnchorError(
            f"якір журналу {path} пошкоджено (очікувано JSON з count, head, keyed_from)"
        ) from exc


def _replace(path: Path, anchor: Anchor) -> None:
    data = (json.dumps(anchor.to_json(), sort_keys=True) + "\n").encode("ascii")
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def advance_anchor(path: Path, new: Anchor, *, create: bool) -> Anchor | None:
    """Move the anchor forward to ``new`` (never backwards); returns what was written.

    A missing anchor is only created when ``create`` (the chain started in this very commit);
    otherwise it stays missing until ``civic audit adopt``, so deleting it is not forgotten.
    """
    path = Path(path)
    with _locked(path):
        try:
            current = read_anchor(path)
        except AnchorError:
            return None  # a damaged anchor is left for `civic audit verify` to report
        if current is None and not create:
            return None
        written = advance(current, new)
        if written is not None:
            _replace(path, written)
        return written


def reset_anchor(path: Path, anchor: Anchor, replacing: Anchor | None) -> Anchor:
    """Write ``anchor`` over ``replacing`` — the anchor ``civic audit adopt`` read and recorded —
    even if that one was ahead (a restored backup). Should another process have moved the
    anchor past ``anchor`` since (an event appended meanwhile), that newer head is kept."""
    path = Path(path)
    with _locked(path):
        try:
            current = read_anchor(path)
        except AnchorError:
            current = None
        if current is not None and current != replacing and current.count > anchor.count:
            anchor = Anchor(current.count, current.head, anchor.keyed_from)
        _replace(path, anchor)
        return anchor
