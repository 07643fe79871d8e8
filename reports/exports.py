"""The compliance report as files: CSV (UTF-8 with BOM, streamed), XLSX (openpyxl) and JSON.

The same columns in every format; headers are Chinese through gettext. Each writer takes a
:class:`reports.selectors.ComplianceReport` and issues no query.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Callable, Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from contacts.quotas import status_label

from .selectors import ComplianceReport, ReportRow

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}
FORMATS = tuple(CONTENT_TYPES)
BOM = "\ufeff"


def _yes_no(value: bool) -> str:
    return _("是") if value else _("否")


def columns() -> list[tuple[str, int, Callable[[ReportRow], object]]]:
    """(header, width in characters, value of a row) for every column, in order. Every header is
    unique (a spreadsheet's filter and a CSV reader key on it); the date of the report to voters is
    a date (an XLSX date cell; ISO 8601 in CSV), empty when there was none."""
    p = lambda row: row.progress  # noqa: E731
    return [
        (_("代表"), 12, lambda r: r.name),
        (_("层级"), 6, lambda r: r.level_label),
        (_("街道、镇"), 12, lambda r: r.region_name),
        (_("代表小组"), 20, lambda r: r.group_name),
        (_("进选区联系（次）"), 10, lambda r: p(r).constituency_contacts.done),
        (_("进选区联系应达（次）"), 10, lambda r: p(r).constituency_contacts.required),
        (_("集中联系选区（次）"), 10, lambda r: p(r).centralized_contacts.done),
        (_("集中联系应达（次）"), 10, lambda r: p(r).centralized_contacts.required),
        (_("联系群众（人次）"), 10, lambda r: p(r).people_reached.done),
        (_("联系群众应达（人次）"), 10, lambda r: p(r).people_reached.required),
        (_("反映社情民意（次）"), 10, lambda r: p(r).opinions_reflected.done),
        (_("反映社情民意应达（次）"), 10, lambda r: p(r).opinions_reflected.required),
        (_("本届向选民报告履职日期"), 12, lambda r: r.voter_report_date),
        (_("免除"), 6, lambda r: _yes_no(p(r).exempt)),
        (_("是否达标"), 8, lambda r: _yes_no(p(r).compliant)),
        (_("进度落后"), 8, lambda r: _yes_no(p(r).behind_pace)),
        (_("状态"), 8, lambda r: str(status_label(p(r)))),
        (_("尚缺"), 40, lambda r: r.missing),
    ]


def figures_date(report: ComplianceReport) -> datetime.date:
    """The date of the figures: the report's `as_of`, or today (Asia/Shanghai)."""
    return report.as_of or timezone.localdate()


def title(report: ComplianceReport) -> str:
    """The first row of every export: what it is, for which year, and the date of the figures."""
    return _("%(year)s年度代表履职情况报表（数据截至%(date)s）") % {
        "year": report.year,
        "date": figures_date(report).isoformat(),
    }


# A spreadsheet program runs a cell that starts with one of these as a formula (CSV/formula
# injection): a deputy's name or a group's name typed as "=HYPERLINK(…)" must stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _starts_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _csv_safe(row: Iterable) -> list:
    """A CSV row whose text cells cannot run as formulas: a leading apostrophe marks them as text."""
    return ["'" + value if _starts_like_formula(value) else value for value in row]


def _append(sheet, row: list) -> None:
    """Append a row to an XLSX sheet; text that looks like a formula is stored as text, as typed."""
    sheet.append(row)
    for cell in sheet[sheet.max_row]:
        if _starts_like_formula(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True


def headers() -> list[str]:
    return [header for header, _width, _value in columns()]


def values(row: ReportRow, cols=None) -> list:
    return [value(row) for _header, _width, value in cols or columns()]


def filename(report: ComplianceReport, fmt: str) -> str:
    return f"compliance-{report.year}.{fmt}"


# --- CSV ------------------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def csv_lines(report: ComplianceReport, *, on_row: Callable[[int], None] | None = None) -> Iterator[str]:
    """The CSV text line by line, starting with a byte-order mark so that spreadsheet programs read
    the Chinese as UTF-8, then the title row (year, date of the figures), then the headers."""
    writer = csv.writer(_Echo())
    cols = columns()
    yield BOM + writer.writerow([title(report)])
    yield writer.writerow(headers())
    for index, row in enumerate(report.rows, start=1):
        yield writer.writerow(_csv_safe(values(row, cols)))
        if on_row:
            on_row(index)


def csv_bytes(report: ComplianceReport, **kwargs) -> bytes:
    return "".join(csv_lines(report, **kwargs)).encode("utf-8")


# --- XLSX -----------------------------------------------------------------------------------------

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="A8151D")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)


TITLE_FONT = Font(bold=True, size=13)
DATE_FORMAT = "yyyy-mm-dd"


def _start_sheet(workbook: Workbook, name: str, heading: str, header: list[str]):
    """A sheet that opens with the title row (merged across the columns), then the formatted
    headers, frozen below them."""
    sheet = workbook.create_sheet(title=name[:31])
    sheet.append([heading])
    sheet["A1"].font = TITLE_FONT
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(header), 1))
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT
    sheet.row_dimensions[2].height = 32
    sheet.freeze_panes = "A3"
    return sheet


def _sheet(workbook, name: str, heading: str, rows: Iterable[ReportRow], cols, on_row=None, counter=None):
    sheet = _start_sheet(workbook, name, heading, [header for header, _w, _v in cols])
    for row in rows:
        _append(sheet, values(row, cols))
        if on_row and counter is not None:
            counter[0] += 1
            on_row(counter[0])
    for index, (_header, width, _value) in enumerate(cols, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width + 4
        for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
            if isinstance(cell.value, datetime.date):
                cell.number_format = DATE_FORMAT
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(cols))}{max(sheet.max_row, 2)}"
    return sheet


def write_xlsx(report: ComplianceReport, stream, *, on_row: Callable[[int], None] | None = None) -> None:
    """A workbook with a sheet per level (区级代表, 镇级代表) and a summary sheet of subtotals."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    cols = columns()
    counter = [0]
    by_level = report.rows_by_level()
    heading = title(report)
    if not by_level:
        _sheet(workbook, _("代表"), heading, [], cols)
    for rows in by_level.values():
        name = _("%(level)s代表") % {"level": rows[0].level_label}
        _sheet(workbook, name, heading, rows, cols, on_row, counter)

    summary_headers = [_("分组"), _("名称"), _("代表人数"), _("达标人数"), _("达标率（%）"), _("免除人数")]
    summary = _start_sheet(workbook, _("汇总"), heading, summary_headers)
    labels = {"level": _("层级"), "region": _("街道、镇"), "group": _("代表小组")}
    for grouping, subtotals in report.subtotals.items():
        for s in subtotals:
            _append(
                summary,
                [labels[grouping], str(s.label), s.deputies, s.compliant, s.compliance_rate, s.exempt],
            )
    t = report.total
    summary.append([_("合计"), "", t.deputies, t.compliant, t.compliance_rate, t.exempt])
    for index, width in enumerate([10, 24, 10, 10, 12, 10], start=1):
        summary.column_dimensions[get_column_letter(index)].width = width
    summary.auto_filter.ref = f"A2:F{summary.max_row}"
    workbook.save(stream)


def xlsx_bytes(report: ComplianceReport, **kwargs) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(report, buffer, **kwargs)
    return buffer.getvalue()


# --- JSON -----------------------------------------------------------------------------------------


def json_bytes(report: ComplianceReport, **_kwargs) -> bytes:
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=1).encode("utf-8")


WRITERS = {"csv": csv_bytes, "xlsx": xlsx_bytes, "json": json_bytes}


def render(report: ComplianceReport, fmt: str, **kwargs) -> bytes:
    """The whole file in one format (for the command and the background export)."""
    return WRITERS[fmt](report, **kwargs)


# --- Handling statistics --------------------------------------------------------------------------


def handling_tables(stats) -> list[tuple[str, list[str], list[list]]]:
    """The handling statistics as (title, headers, rows) tables, the same in every format."""
    from .handling import DIMENSIONS

    tables = [
        (
            _("概况"),
            [_("项目"), _("数量")],
            [
                [_("收到意见（件）"), stats.received],
                [_("已答复群众（件）"), stats.answered],
                [_("群众满意率（%）"), stats.satisfaction_rate],
            ],
        )
    ]
    for key, label in DIMENSIONS.items():
        rows = [[str(item_label), n] for _key, item_label, n in stats.breakdowns[key]]
        tables.append((str(label), [_("分类"), _("数量（件）")], rows))
    tables.append(
        (
            _("办理时间"),
            [
                _("环节"),
                _("已完成（件）"),
                _("按期（件）"),
                _("按期率（%）"),
                _("平均用时（天）"),
                _("最长用时（天）"),
            ],
            [
                [str(s.label), s.done, s.on_time, s.on_time_rate, s.average_days, round(s.longest_days, 1)]
                for s in stats.steps.values()
            ],
        )
    )
    tables.append(
        (
            _("逾期未答复"),
            [_("承办单位"), _("查询码"), _("答复期限"), _("逾期天数")],
            [
                [unit.name, item["tracking_code"], item["due_at"], item["days_overdue"]]
                for unit in stats.overdue_units
                for item in unit.items
            ],
        )
    )
    return tables


def handling_csv_lines(stats) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield BOM
    for title, header, rows in handling_tables(stats):
        yield writer.writerow([title])
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(_csv_safe(row))
        yield writer.writerow([])


def handling_xlsx_bytes(stats) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in handling_tables(stats):
        sheet = workbook.create_sheet(title=str(title)[:31])
        sheet.append([str(h) for h in header])
        for cell in sheet[1]:
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = HEADER_ALIGNMENT
        for row in rows:
            _append(sheet, [str(v) if not isinstance(v, int | float) else v for v in row])
        for index in range(1, len(header) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 18
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(sheet.max_row, 1)}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def handling_json_bytes(stats) -> bytes:
    return json.dumps(stats.as_dict(), ensure_ascii=False, indent=1).encode("utf-8")
