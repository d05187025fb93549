"""
Every error the library raises on purpose.

All of them derive from :class:`EligibilityError`, so an embedder can catch
the library's errors with one ``except`` clause, and each also derives from
the builtin exception it resembles, so code that already catches
:class:`ValueError` or :class:`KeyError` keeps working.

Being ineligible is never an error: it is a :class:`~lazada_eligibility.Decision`
whose verdict is ``FAIL``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from .registry import Claim


class EligibilityError(Exception):
    """
    Root of every error the library raises on purpose.

    .. versionadded:: 0.1.0
    """


@attrs.frozen
class FieldProblem:
    """
    One bad field: where it is and what is wrong with it.

    Args:
        path: Where the field is, such as ``stores[1].turnover[0].amount``.
        message: What is wrong, naming the bad value.

    .. versionadded:: 0.1.0
    """

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ValidationError(EligibilityError, ValueError):
    """
    Model input that cannot be accepted.

    Lists every bad field at once, each with its path, so that a caller can
    fix a record in one go.

    Example:
        >>> from lazada_eligibility import Store, ValidationError
        >>> try:
        ...     Store("Amazon US", " ")
        ... except ValidationError as e:
        ...     print(e.problems[0])
        store_id: must not be blank, got ' '

    .. versionadded:: 0.1.0
    """

    problems: tuple[FieldProblem, ...]

    def __init__(self, problems: Iterable[FieldProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__(self._message())

    @classmethod
    def single(cls, path: str, message: str) -> ValidationError:
        """
        Build an error about one field.

        .. versionadded:: 0.1.0
        """
        return cls([FieldProblem(path, message)])

    def prefixed(self, prefix: str) -> ValidationError:
        """
        Return the same problems with *prefix* put before each path.

        .. versionadded:: 0.1.0
        """
        return type(self)(
            FieldProblem(_join_path(prefix, p.path), p.message) for p in self.problems
        )

    def _message(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = "; ".join(str(p) for p in self.problems)
        return f"{len(self.problems)} problems: {lines}"

    def __reduce__(
        self,
    ) -> tuple[type[ValidationError], tuple[tuple[FieldProblem, ...]]]:
        return (type(self), (self.problems,))


def _join_path(prefix: str, path: str) -> str:
    if not prefix:
        return path
    if not path:
        return prefix
    if path.startswith("["):
        return prefix + path
    return f"{prefix}.{path}"


class CurrencyMismatchError(EligibilityError, TypeError):
    """
    Arithmetic or comparison between amounts in two currencies.

    Convert one of them first, with the rates of the month they belong to.

    .. versionadded:: 0.1.0
    """


class UnknownCategoryError(EligibilityError, KeyError):
    """
    A category id that the taxonomy does not have.

    Attributes:
        category_id: The id that was asked for.
        suggestions: The closest known ids, best first.

    .. versionadded:: 0.1.0
    """

    category_id: str
    suggestions: tuple[str, ...]

    def __init__(self, category_id: str, suggestions: Sequence[str] = ()) -> None:
        self.category_id = category_id
        self.suggestions = tuple(suggestions)
        super().__init__(category_id, self.suggestions)

    def __str__(self) -> str:
        hint = (
            "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
            if self.suggestions
            else ""
        )
        return f"unknown category id {self.category_id!r}{hint}"


class PolicyError(EligibilityError, ValueError):
    """
    A policy document or rule tree that cannot be used.

    Attributes:
        problems: Every problem found, each with its path inside the document,
            such as ``rule.all[0].any_store.all[2].min_turnover.amount``.

    .. versionadded:: 0.1.0
    """

    problems: tuple[FieldProblem, ...]

    def __init__(self, problems: Iterable[FieldProblem] | str) -> None:
        if isinstance(problems, str):
            problems = [FieldProblem("", problems)]
        self.problems = tuple(problems)
        if len(self.problems) == 1:
            message = str(self.problems[0])
        else:
            message = f"{len(self.problems)} problems: " + "; ".join(str(p) for p in self.problems)
        super().__init__(message)

    def __reduce__(self) -> tuple[type[PolicyError], tuple[tuple[FieldProblem, ...]]]:
        return (type(self), (self.problems,))


class ExportFormatError(EligibilityError, ValueError):
    """
    A platform export that cannot be read.

    Attributes:
        path: The file, when there is one.
        line: The 1-based line number, when the problem is on one line.
        column: The column's name, when the problem is in one column.

    .. versionadded:: 0.1.0
    """

    path: str | None
    line: int | None
    column: str | None

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.reason = message
        where = []
        if path is not None:
            where.append(str(path))
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column!r}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild_export_error,
            (self.reason, self.path, self.line, self.column),
        )


def _rebuild_export_error(
    message: str, path: str | None, line: int | None, column: str | None
) -> ExportFormatError:
    return ExportFormatError(message, path=path, line=line, column=column)


class EvidenceAlreadyClaimed(EligibilityError, ValueError):  # noqa: N818 -- public name fixed by the design
    """
    Store records already held by another application: nothing was claimed.

    Attributes:
        conflicts: One :class:`~lazada_eligibility.Claim` per conflicting
            store: the claim that holds it, naming the store and its holder.
        application_id: The application that tried to claim, when known.

    Example:
        >>> import datetime as dt
        >>> from lazada_eligibility import Claim, EvidenceAlreadyClaimed
        >>> held = Claim(
        ...     namespace="amazon",
        ...     store_id="a1b2c3",
        ...     platform="amazon.com",
        ...     application_id="APP-1",
        ...     applicant="Seller Co.",
        ...     claimed_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
        ... )
        >>> print(EvidenceAlreadyClaimed([held], application_id="APP-2"))
        application 'APP-2' cannot claim store records already used: amazon/a1b2c3 (claimed on amazon.com) is held by application 'APP-1' (Seller Co.)

    .. versionadded:: 0.1.0
    """

    conflicts: tuple[Claim, ...]
    application_id: str | None

    def __init__(self, conflicts: Sequence[Claim], *, application_id: str | None = None) -> None:
        self.conflicts = tuple(conflicts)
        self.application_id = application_id
        who = f"application {application_id!r} cannot claim " if application_id else ""
        held = "; ".join(str(c) for c in self.conflicts)
        super().__init__(f"{who}store records already used: {held}")

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_already_claimed, (self.conflicts, self.application_id))


def _rebuild_already_claimed(
    conflicts: tuple[Claim, ...], application_id: str | None
) -> EvidenceAlreadyClaimed:
    return EvidenceAlreadyClaimed(conflicts, application_id=application_id)


class RegistryError(EligibilityError, OSError):
    """
    An evidence registry's storage that cannot be used.

    The file or server cannot be opened, is not an SQLite database, holds
    tables that are not a registry's, or was written by a newer version of
    the schema.

    .. versionadded:: 0.1.0
    """


class RegistryBusyError(RegistryError, TimeoutError):
    """
    Other writers held the registry for longer than its ``busy_timeout``.

    Nothing was written; the operation can be tried again.

    .. versionadded:: 0.1.0
    """
