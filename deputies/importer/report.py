"""What an import reports: every problem that refuses a file, in Chinese and English, or what it wrote."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RowError:
    """One problem, in Chinese and English; `row` is the row number as the spreadsheet shows it."""

    row: int | None
    zh: str
    en: str

    def __str__(self) -> str:
        if self.row is None:
            return f"{self.zh} / {self.en}"
        return f"第{self.row}行：{self.zh} / Row {self.row}: {self.en}"


class ImportRefused(Exception):
    """The file was refused; nothing was written. `errors` lists every problem found."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    people_created: int = 0
    people_merged: int = 0
