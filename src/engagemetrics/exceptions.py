"""Exceptions and warnings raised by engagemetrics.

Every failure has its own class, and each class also subclasses the nearest
built-in exception, so ``except KeyError`` keeps working for callers who do not
know our names. Every message says what was expected, what was found, and how
to fix it.
"""

from __future__ import annotations

__all__ = [
    "ColumnTypeError",
    "CorruptExportError",
    "DataQualityWarning",
    "EmptyInputError",
    "EngagemetricsError",
    "ExportPartError",
    "InvalidArgumentError",
    "MissingColumnsError",
    "NoEgoError",
    "SchemaError",
    "TimestampParseError",
    "UnknownFormatError",
    "UnsafeArchiveError",
    "UnsupportedBackendError",
]


class EngagemetricsError(Exception):
    """Base class of every error raised by engagemetrics."""


class SchemaError(EngagemetricsError, ValueError):
    """A table does not have the shape of a canonical table."""


class MissingColumnsError(SchemaError, KeyError):
    """A table lacks columns that the operation needs.

    Examples
    --------
    >>> err = MissingColumnsError("follows", ["target"], ["source", "dst"])
    >>> "target" in str(err)
    True
    """

    def __init__(
        self, table: str, missing: list[str], found: list[str], hint: str | None = None
    ) -> None:
        self.table = table
        self.missing = list(missing)
        self.found = list(found)
        fix = hint or (
            "rename your columns, or pass the mapping, e.g. "
            "source='follower_id', target='followee_id'"
        )
        message = (
            f"the {table} table needs the column(s) {self.missing!r}, "
            f"but it has {self.found!r}; {fix}"
        )
        super().__init__(message)

    def __str__(self) -> str:  # KeyError would repr() the message otherwise
        return str(self.args[0])


class ColumnTypeError(SchemaError, TypeError):
    """A column holds values of a type that cannot be coerced to the canonical dtype."""


class TimestampParseError(SchemaError):
    """A timestamp column holds values that are not dates."""


class EmptyInputError(EngagemetricsError, ValueError):
    """A file or table holds nothing to read (no header, zero bytes)."""


class InvalidArgumentError(EngagemetricsError, ValueError):
    """A keyword argument has a value outside its documented choices."""


class NoEgoError(EngagemetricsError, ValueError):
    """An operation needs the archive's owner, but the archive has none (a platform dataset)."""


class UnknownFormatError(EngagemetricsError, ValueError):
    """:func:`engagemetrics.load` could not recognise an export.

    ``attempts`` maps each format tried to the reason it did not fit.
    """

    def __init__(self, path: object, attempts: dict[str, str]) -> None:
        self.path = path
        self.attempts = dict(attempts)
        tried = "; ".join(f"{fmt}: {why}" for fmt, why in self.attempts.items())
        super().__init__(
            f"{path!s} is not an export that engagemetrics recognises. Tried {tried}. "
            "If you know the platform, call its reader directly (e.g. em.read_twitter_archive)."
        )


class ExportPartError(UnknownFormatError):
    """:func:`engagemetrics.load` was given one piece of an export alone.

    For example Mastodon's ``following_accounts.csv``: a list of whom the owner follows,
    which needs its archive to say who the owner is and what they posted. The message
    says how to pass the piece with its export.

    Examples
    --------
    >>> err = ExportPartError("following_accounts.csv", "pass it with following=")
    >>> isinstance(err, UnknownFormatError), str(err)
    (True, 'following_accounts.csv: pass it with following=')
    """

    def __init__(self, path: object, message: str) -> None:
        self.path = path
        self.attempts = {}
        ValueError.__init__(self, f"{path!s}: {message}")


class CorruptExportError(EngagemetricsError, ValueError):
    """A file inside an export is damaged or not what its name promises."""


class UnsafeArchiveError(CorruptExportError):
    """An archive would write outside its target or expand beyond the safety limits."""


class UnsupportedBackendError(EngagemetricsError, TypeError):
    """An input that is not a table of a kind the operation takes.

    A list, a dict of scalars or a networkx graph where a table is expected, a frame of an
    engine that narwhals does not support, or tables of different engines in one call.
    """


class DataQualityWarning(UserWarning):
    """Input was taken, but something in it was dropped, repaired or is undefined.

    The same facts are counted in an archive's ledger; the warning is for callers
    that pass plain DataFrames and have no ledger.
    """
