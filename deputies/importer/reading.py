"""Reading a CSV or XLSX file into its header row and numbered data rows, and reading their cells.

A file that cannot be read as a whole (an unsupported type, an unknown encoding, malformed CSV, a damaged
workbook, nothing in it) is refused here, before any row is checked.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from pathlib import Path
from typing import Any

from .report import ImportRefused, RowError

DATE_HINT_ZH = "可用格式：2022-01-01、2022/1/1、2022年1月1日"
DATE_HINT_EN = "use 2022-01-01, 2022/1/1 or 2022年1月1日"
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2})?$")


def read_table(path: str | Path) -> tuple[list[Any], list[tuple[int, list[Any]]]]:
    """The header row and the data rows (with their spreadsheet row numbers) of a CSV or XLSX file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows = _read_xlsx(path)
    elif suffix in (".csv", ".txt"):
        rows = _read_csv(path)
    else:
        raise ImportRefused(
            [
                RowError(
                    None,
                    f"不支持的文件格式「{suffix}」，请使用 CSV 或 XLSX",
                    f"unsupported file type '{suffix}'; use CSV or XLSX",
                )
            ]
        )
    numbered = [(number, row) for number, row in enumerate(rows, start=1) if not _blank(row)]
    if not numbered:
        raise ImportRefused([RowError(None, "文件是空的", "the file is empty")])
    (_, header), *data = numbered
    return header, data


def _read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Chinese Windows saves "CSV" in GB18030/GBK.
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as error:
            raise ImportRefused(
                [
                    RowError(
                        None,
                        "无法识别文件编码，请另存为 UTF-8 CSV",
                        "cannot read the file; save it as UTF-8 CSV",
                    )
                ]
            ) from error
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            rows.append(row)
    except csv.Error as error:
        raise ImportRefused([_csv_error(len(rows) + 1, error)]) from error
    return rows


def _csv_error(number: int, error: csv.Error) -> RowError:
    """The record the reader stopped at; `number` counts records, as the rest of the report does."""
    if "field larger than field limit" in str(error):
        limit = csv.field_size_limit()
        return RowError(
            number,
            f"有单元格超过 {limit} 个字符，无法读取文件",
            f"a cell is longer than {limit} characters; the file cannot be read",
        )
    return RowError(
        number, "CSV 格式有误，无法读取文件", f"malformed CSV ({_shown(error)}); the file cannot be read"
    )


def _read_xlsx(path: Path) -> list[list[Any]]:
    import openpyxl

    # A file that only has the name of a workbook (an old .xls renamed, a truncated download, anything
    # else) fails in zipfile, zlib, the XML parser or openpyxl itself, each with its own exception, and
    # the read-only reader parses the sheet lazily: every failure here means "not a workbook we can read".
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            return [list(row) for row in workbook.active.iter_rows(values_only=True)]
        finally:
            workbook.close()
    except Exception as error:
        raise ImportRefused(
            [
                RowError(
                    None,
                    "无法打开 XLSX 文件：文件已损坏或不是 XLSX 格式"
                    "（Excel 97-2003 的 .xls 请另存为 .xlsx 或 CSV）",
                    "cannot open the XLSX file: it is damaged or not an XLSX workbook "
                    f"({error.__class__.__name__}); save an Excel 97-2003 .xls file as .xlsx or CSV",
                )
            ]
        ) from error


def _blank(row: list[Any]) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in row)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # spreadsheets store phone numbers and codes as numbers
    if isinstance(value, datetime.datetime):
        value = value.date()
    return re.sub(r"\s+", " ", str(value)).strip()


def _shown(value: Any, limit: int = 50) -> str:
    """A cell value quoted in the report, shortened so a runaway cell cannot flood it."""
    text = _text(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _header_key(header: Any) -> str:
    return (
        re.sub(r"[\s*＊]", "", _text(header).lstrip("\ufeff")).replace("（必填）", "").replace("(必填)", "")
    )


def parse_date(value: Any) -> datetime.date | None:
    """2022-01-01, 2022/1/1, 2022.1.1, 2022年1月1日, 20220101, or an Excel date cell; None if unreadable."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        from openpyxl.utils.datetime import from_excel

        if 1 <= value < 2958466:  # an Excel serial day number (a date cell read without its format)
            return from_excel(value).date()
        return None
    text = _TIME_SUFFIX.sub("", _text(value))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                return None
    return None
