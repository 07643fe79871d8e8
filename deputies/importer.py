"""Import the deputies registry from the lists liaison offices keep (CSV or XLSX), all or nothing.

One row per mandate, Chinese column headers (see `COLUMNS`). Every row is validated before anything is
written; if any row is wrong the import is refused with a per-row report in Chinese and English and the
database is left untouched. Importing the same file again updates the rows it created: a person is
matched by 名册编号 (registry code) when the row has one, otherwise by name within the congress.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from .models import (
    Congress,
    Constituency,
    ContactPoint,
    ContactPointKind,
    Deputy,
    DeputyGroup,
    DeputyStatus,
    Gender,
    Level,
    Person,
    Region,
    RegionKind,
)
from .validators import is_valid_phone, normalize_phone


@dataclass(frozen=True)
class Column:
    key: str
    headers: tuple[str, ...]  # the first is the canonical header
    english: str
    required: bool = False
    max_length: int | None = None

    @property
    def label(self) -> str:
        return f"「{self.headers[0]}」"


COLUMNS = (
    Column("name", ("姓名",), "name", required=True, max_length=50),
    Column("gender", ("性别",), "gender"),
    Column("level", ("层级",), "level", required=True),
    Column("congress", ("届别/人大", "届别", "人大", "人民代表大会"), "congress", required=True),
    Column("region", ("所在街镇", "街镇", "所在街道或镇"), "street or town", required=True),
    Column("constituency", ("选区",), "constituency", required=True),
    Column("group", ("代表小组",), "deputy group", required=True),
    Column("work_unit", ("工作单位",), "work unit", max_length=200),
    Column("position", ("职务",), "position", max_length=200),
    Column("public_phone", ("公开电话",), "public phone", max_length=30),
    Column("public_email", ("公开邮箱",), "public e-mail", max_length=254),
    Column("private_phone", ("本人手机",), "private mobile phone", max_length=30),
    Column("fields", ("行业领域",), "fields", max_length=200),
    Column("start_date", ("任期开始",), "term start", required=True),
    Column("end_date", ("任期结束",), "term end"),
    Column("end_reason", ("终止原因",), "reason the mandate ended", max_length=200),
    Column("registry_code", ("名册编号",), "registry code", max_length=50),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
HEADER_TO_KEY = {header: column.key for column in COLUMNS for header in column.headers}

GENDERS = {"男": Gender.MALE, "女": Gender.FEMALE, "male": Gender.MALE, "female": Gender.FEMALE}
GENDERS |= {"m": Gender.MALE, "f": Gender.FEMALE}
LEVELS = {"区级": Level.DISTRICT, "区": Level.DISTRICT, "district": Level.DISTRICT}
LEVELS |= {"镇级": Level.TOWN, "镇": Level.TOWN, "town": Level.TOWN}
DATE_HINT_ZH = "可用格式：2022-01-01、2022/1/1、2022年1月1日"
DATE_HINT_EN = "use 2022-01-01, 2022/1/1 or 2022年1月1日"
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2})?$")


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


@dataclass
class _Row:
    number: int
    values: dict[str, Any]  # raw cell values by column key
    present: set[str]  # column keys the file has
    clean: dict[str, Any] = field(default_factory=dict)
    congress: Congress | None = None
    person: Person | None = None  # an existing person this row updates


# --- reading -------------------------------------------------------------------------------------


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
    return list(csv.reader(io.StringIO(text, newline="")))


def _read_xlsx(path: Path) -> list[list[Any]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as error:
        raise ImportRefused(
            [RowError(None, "无法打开 XLSX 文件", f"cannot open the XLSX file ({error.__class__.__name__})")]
        ) from error
    try:
        return [list(row) for row in workbook.active.iter_rows(values_only=True)]
    finally:
        workbook.close()


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


# --- validation ----------------------------------------------------------------------------------


class _Lookups:
    """Everything the validation needs from the database, loaded once."""

    def __init__(self):
        self.regions: dict[str, Region] = {}
        for region in Region.objects.streets_and_towns():
            for key in (region.name, region.code, region.name.removesuffix("街道").removesuffix("镇")):
                self.regions.setdefault(key, region)
        self.congresses = {c.name: c for c in Congress.objects.select_related("region")}
        self.constituencies = {(c.congress_id, c.name): c for c in Constituency.objects.all()}
        self.groups = {(g.congress_id, g.name): g for g in DeputyGroup.objects.all()}
        self.people_by_code = {p.registry_code: p for p in Person.objects.exclude(registry_code=None)}
        self.deputies_by_name: dict[tuple[int, str], list[Deputy]] = defaultdict(list)
        for deputy in Deputy.objects.select_related("person"):
            self.deputies_by_name[(deputy.congress_id, deputy.person.name)].append(deputy)


def _validate_row(row: _Row, lookups: _Lookups) -> list[RowError]:
    errors: list[RowError] = []

    def error(zh: str, en: str) -> None:
        errors.append(RowError(row.number, zh, en))

    values = {key: (raw if key.endswith("_date") else _text(raw)) for key, raw in row.values.items()}
    clean = row.clean
    for column in COLUMNS:
        value = values.get(column.key)
        if column.required and (value is None or _text(value) == ""):
            error(f"缺少{column.label}", f"missing {column.english} ({column.headers[0]})")
        elif column.max_length and isinstance(value, str) and len(value) > column.max_length:
            error(
                f"{column.label}超过{column.max_length}个字",
                f"{column.english} ({column.headers[0]}) is longer than {column.max_length} characters",
            )
    clean["name"] = values.get("name", "")
    clean["registry_code"] = values.get("registry_code") or None

    gender = values.get("gender", "")
    if gender:
        clean["gender"] = GENDERS.get(gender.lower())
        if clean["gender"] is None:
            error(f"性别「{gender}」无效，应为「男」或「女」", f"invalid gender '{gender}' (use 男 or 女)")

    level = values.get("level", "")
    clean["level"] = LEVELS.get(level.lower()) if level else None
    if level and clean["level"] is None:
        error(f"层级「{level}」无效，应为「区级」或「镇级」", f"invalid level '{level}' (use 区级 or 镇级)")

    congress_name = values.get("congress", "")
    congress = lookups.congresses.get(congress_name) if congress_name else None
    row.congress = congress
    if congress_name and congress is None:
        error(f"未知的人民代表大会「{congress_name}」", f"unknown congress '{congress_name}'")
    if congress and clean["level"] and congress.level != clean["level"]:
        error(
            f"层级「{level}」与「{congress.name}」不符",
            f"level '{level}' does not match the congress '{congress.name}'",
        )

    region_name = values.get("region", "")
    region = lookups.regions.get(region_name) if region_name else None
    clean["region"] = region
    if region_name and region is None:
        error(f"未知的街镇「{region_name}」", f"unknown street or town '{region_name}'")
    if region and congress and congress.level == Level.TOWN and region.pk != congress.region_id:
        error(
            f"「{region.name}」不在「{congress.name}」的范围内",
            f"'{region.name}' is not within the congress '{congress.name}'",
        )
    if (
        region
        and congress
        and congress.level == Level.DISTRICT
        and region.kind
        not in (
            RegionKind.STREET,
            RegionKind.TOWN,
        )
    ):
        error(f"「{region.name}」不是街道或镇", f"'{region.name}' is not a street or town")

    if congress:
        for key, table, zh_kind, en_kind in (
            ("constituency", lookups.constituencies, "选区", "constituency"),
            ("group", lookups.groups, "代表小组", "deputy group"),
        ):
            name = values.get(key, "")
            found = table.get((congress.pk, name)) if name else None
            clean[key] = found
            if name and found is None:
                error(
                    f"「{congress.name}」中没有{zh_kind}「{name}」",
                    f"unknown {en_kind} '{name}' in the congress '{congress.name}'",
                )
            elif found and region and found.region_id != region.pk:
                error(
                    f"{zh_kind}「{name}」不属于「{region.name}」",
                    f"the {en_kind} '{name}' is not in '{region.name}'",
                )

    for key in ("public_phone", "private_phone"):
        phone = values.get(key, "")
        clean[key] = normalize_phone(phone)
        if phone and not is_valid_phone(phone):
            column = COLUMN_BY_KEY[key]
            error(
                f"{column.label}号码格式不正确：{phone}",
                f"bad phone number in {column.english} ({column.headers[0]}): '{phone}'",
            )
    email = values.get("public_email", "")
    clean["public_email"] = email
    if email:
        try:
            validate_email(email)
        except ValidationError:
            error(f"「公开邮箱」格式不正确：{email}", f"bad e-mail address '{email}'")
    for key in ("work_unit", "position", "fields", "end_reason"):
        clean[key] = values.get(key, "")

    for key in ("start_date", "end_date"):
        raw = values.get(key)
        if raw is None or _text(raw) == "":
            clean[key] = None
            continue
        clean[key] = parse_date(raw)
        if clean[key] is None:
            column = COLUMN_BY_KEY[key]
            error(
                f"{column.label}日期「{_text(raw)}」无法识别（{DATE_HINT_ZH}）",
                f"cannot read the date '{_text(raw)}' in {column.english} ({column.headers[0]}); "
                f"{DATE_HINT_EN}",
            )
    start, end = clean.get("start_date"), clean.get("end_date")
    if start and end and end < start:
        error("任期结束日期早于任期开始日期", "the term end is before the term start")
    if (
        start
        and congress
        and (start < congress.start_date or (congress.end_date and start > congress.end_date))
    ):
        error(
            f"任期开始日期 {start:%Y-%m-%d} 不在「{congress.name}」的届期内",
            f"the term start {start:%Y-%m-%d} is outside the term of '{congress.name}'",
        )
    return errors


def _match_people(rows: list[_Row], lookups: _Lookups) -> list[RowError]:
    """Duplicates within the file and against the database; finds the person each row updates."""
    errors: list[RowError] = []
    seen_code: dict[tuple[int, str], _Row] = {}
    seen_name: dict[tuple[int, str], list[_Row]] = defaultdict(list)
    code_owner: dict[str, _Row] = {}
    for row in rows:
        name, code, congress = row.clean["name"], row.clean["registry_code"], row.congress
        if code:
            owner = code_owner.setdefault(code, row)
            if owner.clean["name"] != name:
                errors.append(
                    RowError(
                        row.number,
                        f"名册编号「{code}」在第{owner.number}行属于「{owner.clean['name']}」",
                        f"registry code '{code}' belongs to '{owner.clean['name']}' in row {owner.number}",
                    )
                )
                continue
        if congress is None:
            continue
        duplicate = seen_code.get((congress.pk, code)) if code else None
        if duplicate is None:
            duplicate = next(
                (
                    other
                    for other in seen_name[(congress.pk, name)]
                    if not code or not other.clean["registry_code"] or other.clean["registry_code"] == code
                ),
                None,
            )
        if duplicate is not None:
            errors.append(
                RowError(
                    row.number,
                    f"与第{duplicate.number}行重复：同一人在「{congress.name}」中只能有一个代表资格",
                    f"duplicate of row {duplicate.number}: one person holds one mandate per congress "
                    f"('{congress.name}')",
                )
            )
            continue
        if code:
            seen_code[(congress.pk, code)] = row
        seen_name[(congress.pk, name)].append(row)

        existing = lookups.deputies_by_name.get((congress.pk, name), [])
        if code:
            person = lookups.people_by_code.get(code)
            if person is not None and person.name != name:
                errors.append(
                    RowError(
                        row.number,
                        f"名册编号「{code}」已登记为「{person.name}」，与姓名「{name}」不符",
                        f"registry code '{code}' is already registered to '{person.name}', not '{name}'",
                    )
                )
                continue
            others = [d for d in existing if person is None or d.person_id != person.pk]
            coded = [d for d in others if d.person.registry_code]
            if coded:
                other_code = coded[0].person.registry_code
                errors.append(
                    RowError(
                        row.number,
                        f"「{congress.name}」已有代表「{name}」（名册编号「{other_code}」），"
                        f"与本行名册编号「{code}」不符，同一人不能重复登记",
                        f"'{congress.name}' already has a deputy '{name}' with registry code "
                        f"'{other_code}', not '{code}'; one person cannot be registered twice",
                    )
                )
                continue
            if others and (person is not None or len(others) > 1):
                errors.append(
                    RowError(
                        row.number,
                        f"「{congress.name}」已有未填名册编号的代表「{name}」，同一人不能重复登记",
                        f"'{congress.name}' already has a deputy '{name}' without a registry code; "
                        "one person cannot be registered twice",
                    )
                )
                continue
            if person is None and others:
                # An earlier import without registry codes: adopt that person and record the code.
                person = others[0].person
            row.person = person
        else:
            if len(existing) > 1:
                errors.append(
                    RowError(
                        row.number,
                        f"「{congress.name}」中有多名代表名为「{name}」，请填写名册编号",
                        f"several deputies in '{congress.name}' are named '{name}'; add the registry code",
                    )
                )
                continue
            row.person = existing[0].person if existing else None
    return errors


def validate(header: list[Any], data: list[tuple[int, list[Any]]]) -> tuple[list[_Row], list[RowError]]:
    """Check the header and every row; returns the parsed rows and every problem found."""
    errors: list[RowError] = []
    keys: list[str | None] = []
    for header_cell in header:
        key = HEADER_TO_KEY.get(_header_key(header_cell))
        if key and key in keys:
            errors.append(
                RowError(
                    None,
                    f"列「{_text(header_cell)}」重复",
                    f"the column '{_text(header_cell)}' appears twice",
                )
            )
        keys.append(key)
    present = {key for key in keys if key}
    for column in COLUMNS:
        if column.required and column.key not in present:
            errors.append(
                RowError(
                    None,
                    f"文件缺少必填列{column.label}",
                    f"the file lacks the required column '{column.headers[0]}' ({column.english})",
                )
            )
    if errors:
        return [], errors

    lookups = _Lookups()
    rows = []
    for number, cells in data:
        values = {key: cell for key, cell in zip(keys, cells, strict=False) if key}
        row = _Row(number=number, values=values, present=present)
        errors.extend(_validate_row(row, lookups))
        rows.append(row)
    # Duplicates are looked for among all rows that name a person and a known congress, so the report
    # is complete even when a duplicated row has other problems too.
    errors.extend(_match_people([r for r in rows if r.clean["name"]], lookups))
    errors.sort(key=lambda e: e.row or 0)
    return rows, errors


# --- writing -------------------------------------------------------------------------------------

_DEPUTY_FIELDS = (
    "work_unit",
    "position",
    "public_phone",
    "public_email",
    "private_phone",
    "fields",
    "end_reason",
)


def _write(rows: list[_Row], *, today: datetime.date) -> ImportResult:
    result = ImportResult(rows=len(rows))
    created_people: dict[str, Person] = {}
    homes = {
        point.region_id: point
        for point in ContactPoint.objects.filter(kind=ContactPointKind.HOME).order_by("-id")
    }
    for row in rows:
        clean = row.clean
        code = clean["registry_code"]
        person = row.person or (created_people.get(code) if code else None)
        if person is None:
            person = Person.objects.create(
                name=clean["name"], gender=clean.get("gender") or "", registry_code=code
            )
            result.people_created += 1
            if code:
                created_people[code] = person
        else:
            changes = {"name": clean["name"]}
            if clean.get("gender"):
                changes["gender"] = clean["gender"]
            if code:
                changes["registry_code"] = code
            _save_changes(person, changes)

        values: dict[str, Any] = {
            "constituency": clean["constituency"],
            "group": clean["group"],
            "start_date": clean["start_date"],
        }
        values |= {key: clean[key] for key in _DEPUTY_FIELDS if key in row.present}
        if "end_date" in row.present:
            values["end_date"] = clean["end_date"]
            ended = clean["end_date"] is not None and clean["end_date"] < today
            values["status"] = DeputyStatus.ENDED if ended else DeputyStatus.SERVING
        deputy = Deputy.objects.filter(person=person, congress=row.congress).first()
        if deputy is None:
            # A new deputy is received at the 代表之家 of their street or town until staff say otherwise.
            values["contact_point"] = homes.get(clean["region"].pk)
            deputy = Deputy(person=person, congress=row.congress, **values)
            deputy.full_clean()
            deputy.save()
            result.created += 1
        elif _save_changes(deputy, values):
            result.updated += 1
        else:
            result.unchanged += 1
    return result


def _save_changes(obj, values: dict[str, Any]) -> bool:
    changed = []
    for name, value in values.items():
        current = getattr(obj, obj._meta.get_field(name).attname)
        wanted = value.pk if hasattr(value, "pk") else value
        if current != wanted:
            setattr(obj, name, value)
            changed.append(name)
    if changed:
        obj.save(update_fields=changed)
    return bool(changed)


def import_registry(
    *, path: str | Path, today: datetime.date | None = None, dry_run: bool = False
) -> ImportResult:
    """Validate every row of the file, then write all of them in one transaction — or nothing.

    Raises ImportRefused with every problem found (per row, in Chinese and English).
    """
    today = today or timezone.localdate()
    header, data = read_table(path)
    with transaction.atomic():
        rows, errors = validate(header, data)
        if errors:
            raise ImportRefused(errors)
        if dry_run:
            return ImportResult(rows=len(rows))
        return _write(rows, today=today)
