"""The few precise exception classes of the planner.

Every problem found in user input is a :class:`Problem` with the file, row and column it
concerns and a plain reason in Indonesian and English.  Readers collect *all* problems and
raise a single :class:`InputError`, so a clerk fixes a file once instead of once per error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in an input file.

    ``row`` is the 1-based row as a person sees it in a spreadsheet (the header is row 1,
    the first data row is row 2); ``None`` when the problem concerns the whole file or column.
    """

    file: str
    row: int | None
    column: str | None
    message_id: str
    message_en: str
    severity: Severity = "error"

    def location(self) -> str:
        """``file, baris 3, kolom 'kode'``-style location text."""
        parts = [self.file]
        if self.row is not None:
            parts.append(f"baris/row {self.row}")
        if self.column is not None:
            parts.append(f"kolom/column '{self.column}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.location()}: {self.message_id} / {self.message_en}"

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-friendly form."""
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "message_id": self.message_id,
            "message_en": self.message_en,
            "severity": self.severity,
        }


class PlannerError(Exception):
    """Base class of every error the planner raises on purpose."""


class InputError(PlannerError):
    """Input files or values were refused; ``problems`` lists every reason."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self._text())

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Only the problems that refuse the import."""
        return tuple(p for p in self.problems if p.severity == "error")

    def _text(self) -> str:
        errors = [p for p in self.problems if p.severity == "error"]
        head = (
            f"Data ditolak: {len(errors)} masalah ditemukan / "
            f"Data refused: {len(errors)} problem(s) found"
        )
        return "\n".join([head, *(f"- {p}" for p in self.problems)])


class ParameterError(InputError):
    """Planning parameters (speeds, kits, week, time limit...) are invalid."""

    @classmethod
    def from_messages(cls, source: str, items: Sequence[tuple[str, str, str]]) -> ParameterError:
        """Build from ``(parameter, message_id, message_en)`` triples."""
        return cls(Problem(source, None, name, mid, men) for name, mid, men in items)


class InfeasibleError(PlannerError):
    """A plan or instance cannot satisfy its constraints (e.g. a pin that cannot be kept)."""


class SolverError(PlannerError):
    """The solver process crashed, was killed, or returned nothing usable."""
