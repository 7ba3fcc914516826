"""The ``civic`` console script's entry point.

Most command lines go to the click group :data:`civic.cli.main`. The two commands that read
pabulib files only, ``civic pb outcome`` and ``civic pb check``, are on a small file mostly
start-up (issue 15, docs/performance.md), so a command line of plain files and their own valid
options runs them directly (:func:`civic.pb.file_commands.parse`), importing neither click nor
anything of the app; they print the same bytes and exit with the same status as through click.
Anything else there (``--help``, an unknown option or rule, no file) goes to click, which
answers it as for every other command.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None, prog_name: str | None = None) -> int | None:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); ``prog_name`` as click's."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) >= 2 and args[0] == "pb" and args[1] in ("outcome", "check"):
        from civic.pb import file_commands

        params = file_commands.parse(args[1], args[2:])
        if params is not None:
            return _run(getattr(file_commands, args[1]), params)
    from civic.cli import main as group

    return group.main(args=argv, prog_name=prog_name)


def _echo(text: str, err: bool = False) -> None:
    """Print one line as ``click.echo`` does (a newline, then flush)."""
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n")
    stream.flush()


def _run(command, params: dict) -> int:
    """Run a file command; as click's ``main`` does, Ctrl-C prints «Aborted!» and a closed
    pipe (``civic pb outcome … | head``) ends the process quietly, both with status 1."""
    try:
        return command(**params, echo=_echo)
    except KeyboardInterrupt:
        sys.stderr.write("\nAborted!\n")
        return 1
    except BrokenPipeError:
        sys.stdout = sys.stderr = None  # nothing more to flush into the closed pipe
        return 1
