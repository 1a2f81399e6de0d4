"""The ``engagemetrics`` command: ``engagemetrics audit EXPORT`` writes an account's audit.

A thin layer over :func:`engagemetrics.audit`: it reads the export, builds the audit and writes
it as text, Markdown, JSON or HTML. Errors are one line on stderr, the specific reason first,
with an exit code a script can rely on (:data:`EXIT_CODES`); ``--debug`` adds the traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .exceptions import (
    CorruptExportError,
    EmptyInputError,
    EngagemetricsError,
    ExportPartError,
    InvalidArgumentError,
    NoEgoError,
    UnknownFormatError,
)

__all__ = ["EXIT_CODES", "main"]

#: What each exit status of the command means (the same table is in ``--help``).
EXIT_CODES = {
    0: "the audit was written",
    1: "an internal error: a bug in engagemetrics (run again with --debug and report it)",
    2: "a usage error: an unknown option, or an option's value is not valid",
    3: "the export cannot be read: missing, empty, damaged, or not an export",
    4: "the export is not enough: its owner is not named (--ego), or it is one piece of an "
       "export given alone",
    5: "the output cannot be written",
}
_FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".json": "json",
            ".txt": "text"}
_EXAMPLES = """\
examples:
  engagemetrics audit --demo --out report.html
      the bundled demo account (synthetic), as a self-contained HTML page
  engagemetrics audit twitter-2026-03-06-<hex>.zip
      your X archive, as text on the terminal
  engagemetrics audit archive-<stamp>.zip --following following_accounts.csv --out audit.md
      a Mastodon archive with its following list (Settings > Import and export)
  engagemetrics audit repo.car --followers followers.json --period 2026Q3
      a Bluesky repo, its followers from saved API pages, the third quarter of 2026
  engagemetrics audit new.zip --previous old.zip --format json | jq .follows
      compare with an older export, as JSON for a script
"""


class _ParserError(Exception):
    """argparse wanted to exit with a usage error."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # one line, our exit code, no usage dump
        raise _ParserError(message)


def _parser() -> argparse.ArgumentParser:
    codes = "\n".join(f"  {code}  {what}" for code, what in EXIT_CODES.items())
    parser = _Parser(
        prog="engagemetrics",
        description="Is a social presence a set of relationships or a megaphone? Audits an "
        "account's export: reciprocity, conversation, outreach; what the export does not "
        "hold is shown as unknown, never as 0.",
        epilog=f"{_EXAMPLES}\nexit codes:\n{codes}\n\nEvery number is defined in "
        "docs/definitions.md.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"engagemetrics {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    audit = commands.add_parser(
        "audit",
        help="audit an account's export (or summarise a research dataset)",
        description="Audit an account's export: the follow graph as of the export, the "
        "conversation and two-way conversations of a period against the one before, the churn "
        "and engagement lift since an older export (--previous), the relationship quadrants, "
        "the strongest and the dormant ties, the data-quality ledger. A research dataset (no "
        "owner) gets a dataset summary.",
        epilog=f"{_EXAMPLES}\nexit codes:\n{codes}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    audit.add_argument("export", nargs="?", help="the export as downloaded: a zip, a folder "
                       "or a file (.car, an activity log, Connections.csv, ...)")
    audit.add_argument("--demo", action="store_true",
                       help="audit the bundled demo account (synthetic) instead of an export, with its "
                       "export of a quarter earlier as --previous")
    audit.add_argument("--previous", metavar="OLDER_EXPORT",
                       help="an older export of the same account, to compare with")
    audit.add_argument("--period", help="the period to audit, e.g. 2026Q3, 2026-03 or 2026 "
                       "(default: the last whole quarter before the export)")
    audit.add_argument("--out", metavar="FILE", help="write the report to FILE; its suffix "
                       "(.html, .md, .json, .txt) chooses the format")
    audit.add_argument("--format", choices=["text", "markdown", "json", "html"],
                       help="the format on stdout (default text), or over the suffix of --out")
    audit.add_argument("--ego", help="the export's owner, for exports that do not name it "
                       "(an X subset, LinkedIn)")
    audit.add_argument("--following", metavar="CSV", help="a following list kept apart from "
                       "the export (Mastodon's following_accounts.csv)")
    audit.add_argument("--followers", metavar="FILE", help="the followers an export lacks: a "
                       "CSV or saved API pages (Bluesky, Mastodon)")
    audit.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                       help="show a progress bar while a large export is read (default: on a "
                       "terminal)")
    audit.add_argument("--debug", action="store_true",
                       help="on an error, print the traceback after the one-line message")
    return parser


def _why_unreadable(path: Path) -> str | None:
    """The specific reason a path cannot be an export, when there is an obvious one."""
    if not path.exists():
        return f"{path}: no such file or folder"
    if path.is_file():
        if path.stat().st_size == 0:
            return f"{path}: the file is empty (0 bytes)"
        if path.suffix.lower() == ".zip" and not zipfile.is_zipfile(path):
            return f"{path}: not a valid zip file (damaged, or not a zip despite its name)"
    return None


def _error(message: str, code: int, *, debug: bool) -> int:
    first = " ".join(str(message).split())
    print(f"engagemetrics: error: {first}", file=sys.stderr)
    if debug:
        traceback.print_exc(file=sys.stderr)
    return code


def _summary_of_formats(exc: UnknownFormatError) -> str:
    return (f"{exc.path} is not an export engagemetrics reads (tried "
            f"{', '.join(exc.attempts)}); if you know the platform, see docs/importers.md")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``engagemetrics`` command; return its exit status (see :data:`EXIT_CODES`).

    Examples
    --------
    >>> main(["audit", "--demo", "--format", "json"])  # doctest: +ELLIPSIS
    {...
    0
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] not in ("audit", "-h", "--help", "--version"):
        args_list.insert(0, "audit")  # `engagemetrics EXPORT` is `engagemetrics audit EXPORT`
    parser = _parser()
    debug = "--debug" in args_list
    try:
        args = parser.parse_args(args_list)
    except _ParserError as exc:
        return _error(f"{exc} (see engagemetrics audit --help)", 2, debug=debug)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    if args.demo == (args.export is not None):
        return _error("give an export to audit, or --demo for the bundled demo account (not "
                      "both)", 2, debug=debug)
    if args.demo and args.previous is not None:
        return _error("--previous takes an older export of the audited account; with --demo the "
                      "demo's own earlier export is used (leave --previous out)", 2, debug=debug)
    fmt = args.format
    if args.out is not None and fmt is None:
        fmt = _FORMATS.get(Path(args.out).suffix.lower())
        if fmt is None:
            return _error(f"cannot tell the format of {args.out!r} from its suffix; use .html, "
                          ".md, .json or .txt, or --format", 2, debug=debug)
    fmt = fmt or "text"
    try:
        from .report import audit

        archive, previous = _read(args)
        report = audit(archive, period=args.period, previous=previous, demo=args.demo)
        text = _render(report, fmt)
    except _Unreadable as exc:
        return _error(str(exc), 3, debug=debug)
    except ExportPartError as exc:
        return _error(str(exc), 4, debug=debug)
    except UnknownFormatError as exc:
        return _error(_summary_of_formats(exc), 3, debug=debug)
    except (CorruptExportError, EmptyInputError, FileNotFoundError, IsADirectoryError,
            PermissionError) as exc:
        return _error(str(exc), 3, debug=debug)
    except NoEgoError as exc:
        return _error(str(exc), 4, debug=debug)
    except InvalidArgumentError as exc:
        return _error(str(exc), 2, debug=debug)
    except (EngagemetricsError, OSError) as exc:
        return _error(str(exc), 3, debug=debug)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: say so in one line, the traceback with --debug
        return _error(f"internal error ({type(exc).__name__}: {exc}); run again with --debug "
                      "and report it", 1, debug=debug)
    if args.out is not None:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as exc:
            return _error(f"cannot write {args.out}: {exc.strerror or exc}", 5, debug=debug)
        return 0
    return _print(text)


class _Unreadable(Exception):
    """A path that is obviously not an export (missing, empty, not a zip)."""


def _read(args: argparse.Namespace) -> tuple[Any, Any]:
    if args.demo:
        from .datasets import demo, demo_previous

        return demo(), demo_previous()  # the same account a quarter earlier: churn and lift
    parts = {"following": args.following, "followers": args.followers}
    export = _load_one(args, args.export, parts)
    return export, None if args.previous is None else _load_one(args, args.previous, {})


def _load_one(args: argparse.Namespace, path: str, parts: dict[str, Any]) -> Any:
    from .io.load import load

    why = _why_unreadable(Path(path))
    if why is not None:
        raise _Unreadable(why)
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    return load(path, ego=args.ego, show_progress=progress, **parts)


def _render(report: Any, fmt: str) -> str:
    if fmt == "json":
        return report.to_json() + "\n"
    if fmt == "markdown":
        return str(report.to_markdown())
    if fmt == "html":
        return str(report.to_html())
    return repr(report) + "\n"


def _print(text: str) -> int:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader closed the pipe early (`| head`): not an error. Point stdout at devnull
        # so that the interpreter's own flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
