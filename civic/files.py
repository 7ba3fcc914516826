"""Writing command output files safely: all or nothing, with a clear Ukrainian error.

An export that fails half-way (a full disk, a missing folder, no permission) must leave no
partial file behind: the data goes to a temporary file in the same folder, is flushed to disk,
and only then renamed over the target.
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
from pathlib import Path

import click

ERRNO_TEXT = {
    errno.ENOSPC: "на диску закінчилося місце",
    errno.EDQUOT: "перевищено дискову квоту",
    errno.EACCES: "немає прав на запис",
    errno.EPERM: "немає прав на запис",
    errno.ENOENT: "теки не існує",
    errno.ENOTDIR: "шлях містить файл замість теки",
    errno.EROFS: "файлова система лише для читання",
    errno.EISDIR: "це тека, а не файл",
}


class OutputError(click.ClickException):
    """The output file could not be written; nothing was left behind. A command that lets it
    through ends with its Ukrainian message (exit code 1), no traceback."""


def describe(exc: OSError) -> str:
    return ERRNO_TEXT.get(exc.errno, exc.strerror or str(exc))


def write_output(target: str | os.PathLike, data: bytes | str) -> None:
    """Write ``data`` to ``target`` atomically; ``-`` means standard output."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if str(target) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    path = Path(target)
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as exc:
        raise OutputError(f"Не вдалося записати файл «{path}»: {describe(exc)}.") from exc
    finally:
        if tmp_name is not None:
            Path(tmp_name).unlink(missing_ok=True)
