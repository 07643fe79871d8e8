"""Import the deputies registry from the lists liaison offices keep (CSV or XLSX), all or nothing.

One row per mandate, Chinese column headers (see `COLUMNS`). Every row is validated before anything is
written; if any row is wrong the import is refused with a per-row report in Chinese and English and the
database is left untouched. Importing the same file again updates the rows it created: a person is
matched by 名册编号 (registry code) when the row has one, otherwise by name within the congress, and
the rows of one registry code always update one person.

Modules: `columns` (the columns and the words cells use), `reading` (CSV/XLSX, encodings, cells, dates;
file-level refusals), `validation` (every row checked; the person each row updates), `writing` (the
writes and merges), `report` (`RowError`, `ImportRefused`, `ImportResult`). `import_registry` below
ties them together in one transaction.
"""

from __future__ import annotations

# `csv` and `Deputy` stay reachable as attributes of the package, as they were of the single module:
# tests patch `importer.csv.reader` and `importer.Deputy.save`.
import csv  # noqa: F401
import datetime
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import Deputy  # noqa: F401
from .columns import COLUMNS
from .reading import _shown, parse_date, read_table
from .report import ImportRefused, ImportResult, RowError
from .validation import validate
from .writing import _write

__all__ = [
    "COLUMNS",
    "ImportRefused",
    "ImportResult",
    "RowError",
    "import_registry",
    "parse_date",
    "read_table",
    "validate",
]


def import_registry(
    *, path: str | Path, today: datetime.date | None = None, dry_run: bool = False
) -> ImportResult:
    """Validate every row of the file, then write all of them in one transaction — or nothing.

    Raises ImportRefused with every problem found (per row, in Chinese and English).
    """
    today = today or timezone.localdate()
    header, data = read_table(path)
    try:
        with transaction.atomic():
            rows, errors = validate(header, data)
            if errors:
                raise ImportRefused(errors)
            if dry_run:
                return ImportResult(rows=len(rows))
            return _write(rows, today=today)
    except IntegrityError as error:  # a deferred constraint, checked only when the transaction commits
        raise ImportRefused(
            [
                RowError(
                    None,
                    "与数据库中已有的记录冲突，未写入任何数据；名册可能正被同时修改，请稍后重新导入",
                    f"conflicts with a record already in the database ({_shown(error, 120)}); nothing was "
                    "written. The registry may be changing at the same time: import the file again later",
                )
            ]
        ) from error
