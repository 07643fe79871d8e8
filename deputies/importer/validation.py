"""Checking the header and every row before anything is written: the per-row report, and the person
each row updates (matched by 名册编号 or by name within the congress, duplicate records merged)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from accounts.phones import normalize_mobile

from ..models import (
    CommitteeMember,
    Congress,
    Constituency,
    Deputy,
    DeputyGroup,
    Level,
    Person,
    Region,
    RegionKind,
)
from ..validators import is_valid_phone, normalize_phone
from .columns import COLUMN_BY_KEY, COLUMNS, GENDERS, HEADER_TO_KEY, LEVELS
from .reading import DATE_HINT_EN, DATE_HINT_ZH, _header_key, _shown, _text, parse_date
from .report import RowError


@dataclass
class _Row:
    number: int
    values: dict[str, Any]  # raw cell values by column key
    present: set[str]  # column keys the file has
    clean: dict[str, Any] = field(default_factory=dict)
    congress: Congress | None = None
    person: Person | None = None  # an existing person this row updates
    absorbs: list[Person] = field(default_factory=list)  # duplicate records merged into `person` first


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
    """The row's values checked one by one (in the order of the report), cleaned into `row.clean`."""
    errors: list[RowError] = []

    def error(zh: str, en: str) -> None:
        errors.append(RowError(row.number, zh, en))

    values = {key: (raw if key.endswith("_date") else _text(raw)) for key, raw in row.values.items()}
    _check_columns(row, values, error)
    _check_gender_and_level(row, values, error)
    _check_congress_and_region(row, values, lookups, error)
    if row.congress:
        _check_constituency_and_group(row, values, lookups, error)
    _check_contact_details(row, values, error)
    _check_term(row, values, error)
    return errors


def _check_columns(row: _Row, values: dict, error) -> None:
    for column in COLUMNS:
        value = values.get(column.key)
        if column.required and (value is None or _text(value) == ""):
            error(f"缺少{column.label}", f"missing {column.english} ({column.headers[0]})")
        elif column.max_length and isinstance(value, str) and len(value) > column.max_length:
            error(
                f"{column.label}超过{column.max_length}个字",
                f"{column.english} ({column.headers[0]}) is longer than {column.max_length} characters",
            )
    row.clean["name"] = values.get("name", "")
    row.clean["registry_code"] = values.get("registry_code") or None


def _check_gender_and_level(row: _Row, values: dict, error) -> None:
    clean = row.clean
    gender = values.get("gender", "")
    if gender:
        clean["gender"] = GENDERS.get(gender.lower())
        if clean["gender"] is None:
            error(
                f"性别「{_shown(gender)}」无效，应为「男」或「女」",
                f"invalid gender '{_shown(gender)}' (use 男 or 女)",
            )
    level = values.get("level", "")
    clean["level"] = LEVELS.get(level.lower()) if level else None
    if level and clean["level"] is None:
        error(
            f"层级「{_shown(level)}」无效，应为「区级」或「镇级」",
            f"invalid level '{_shown(level)}' (use 区级 or 镇级)",
        )


def _check_congress_and_region(row: _Row, values: dict, lookups: _Lookups, error) -> None:
    level = values.get("level", "")
    congress_name = values.get("congress", "")
    congress = lookups.congresses.get(congress_name) if congress_name else None
    row.congress = congress
    if congress_name and congress is None:
        error(f"未知的人民代表大会「{_shown(congress_name)}」", f"unknown congress '{_shown(congress_name)}'")
    if congress and row.clean["level"] and congress.level != row.clean["level"]:
        error(
            f"层级「{_shown(level)}」与「{congress.name}」不符",
            f"level '{_shown(level)}' does not match the congress '{congress.name}'",
        )
    region_name = values.get("region", "")
    region = lookups.regions.get(region_name) if region_name else None
    row.clean["region"] = region
    if region_name and region is None:
        error(f"未知的街镇「{_shown(region_name)}」", f"unknown street or town '{_shown(region_name)}'")
    if region and congress and congress.level == Level.TOWN and region.pk != congress.region_id:
        error(
            f"「{region.name}」不在「{congress.name}」的范围内",
            f"'{region.name}' is not within the congress '{congress.name}'",
        )
    street_or_town = (RegionKind.STREET, RegionKind.TOWN)
    if region and congress and congress.level == Level.DISTRICT and region.kind not in street_or_town:
        error(f"「{region.name}」不是街道或镇", f"'{region.name}' is not a street or town")


def _check_constituency_and_group(row: _Row, values: dict, lookups: _Lookups, error) -> None:
    congress, region = row.congress, row.clean["region"]
    for key, table, zh_kind, en_kind in (
        ("constituency", lookups.constituencies, "选区", "constituency"),
        ("group", lookups.groups, "代表小组", "deputy group"),
    ):
        name = values.get(key, "")
        found = table.get((congress.pk, name)) if name else None
        row.clean[key] = found
        if name and found is None:
            error(
                f"「{congress.name}」中没有{zh_kind}「{_shown(name)}」",
                f"unknown {en_kind} '{_shown(name)}' in the congress '{congress.name}'",
            )
        elif found and region and found.region_id != region.pk:
            error(
                f"{zh_kind}「{_shown(name)}」不属于「{region.name}」",
                f"the {en_kind} '{_shown(name)}' is not in '{region.name}'",
            )


def _check_contact_details(row: _Row, values: dict, error) -> None:
    clean = row.clean
    for key in ("public_phone", "private_phone"):
        phone = values.get(key, "")
        # A mobile number is kept in its normal form (13916001234), whatever way the list wrote it.
        clean[key] = normalize_mobile(phone) or normalize_phone(phone)
        if phone and not is_valid_phone(phone):
            column = COLUMN_BY_KEY[key]
            error(
                f"{column.label}号码格式不正确：{_shown(phone)}",
                f"bad phone number in {column.english} ({column.headers[0]}): '{_shown(phone)}'",
            )
    email = values.get("public_email", "")
    clean["public_email"] = email
    if email:
        try:
            validate_email(email)
        except ValidationError:
            error(f"「公开邮箱」格式不正确：{_shown(email)}", f"bad e-mail address '{_shown(email)}'")
    for key in ("work_unit", "position", "fields", "end_reason"):
        clean[key] = values.get(key, "")


def _check_term(row: _Row, values: dict, error) -> None:
    clean, congress = row.clean, row.congress
    for key in ("start_date", "end_date"):
        raw = values.get(key)
        if raw is None or _text(raw) == "":
            clean[key] = None
            continue
        clean[key] = parse_date(raw)
        if clean[key] is None:
            column = COLUMN_BY_KEY[key]
            error(
                f"{column.label}日期「{_shown(raw)}」无法识别（{DATE_HINT_ZH}）",
                f"cannot read the date '{_shown(raw)}' in {column.english} ({column.headers[0]}); "
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


def _match_people(rows: list[_Row], lookups: _Lookups) -> list[RowError]:
    """Duplicates within the file and against the database; finds the person each row updates."""
    errors: list[RowError] = []
    seen = _Seen()
    for row in rows:
        problem = _duplicate_in_file(row, seen)
        if problem is None and row.congress is not None:
            problem = _match_existing(row, lookups)
        if problem is not None:
            errors.append(problem)
    return errors


@dataclass
class _Seen:
    """The rows read so far, by (congress, registry code), by (congress, name) and by registry code."""

    by_code: dict[tuple[int, str], _Row] = field(default_factory=dict)
    by_name: dict[tuple[int, str], list[_Row]] = field(default_factory=lambda: defaultdict(list))
    code_owner: dict[str, _Row] = field(default_factory=dict)


def _duplicate_in_file(row: _Row, seen: _Seen) -> RowError | None:
    """A registry code given to two names, or one person twice in one congress, within the file."""
    name, code, congress = row.clean["name"], row.clean["registry_code"], row.congress
    if code:
        owner = seen.code_owner.setdefault(code, row)
        if owner.clean["name"] != name:
            return RowError(
                row.number,
                f"名册编号「{_shown(code)}」在第{owner.number}行属于「{_shown(owner.clean['name'])}」",
                f"registry code '{_shown(code)}' belongs to '{_shown(owner.clean['name'])}' "
                f"in row {owner.number}",
            )
    if congress is None:
        return None
    duplicate = seen.by_code.get((congress.pk, code)) if code else None
    if duplicate is None:
        duplicate = next(
            (
                other
                for other in seen.by_name[(congress.pk, name)]
                if not code or not other.clean["registry_code"] or other.clean["registry_code"] == code
            ),
            None,
        )
    if duplicate is not None:
        return RowError(
            row.number,
            f"与第{duplicate.number}行重复：同一人在「{congress.name}」中只能有一个代表资格",
            f"duplicate of row {duplicate.number}: one person holds one mandate per congress "
            f"('{congress.name}')",
        )
    if code:
        seen.by_code[(congress.pk, code)] = row
    seen.by_name[(congress.pk, name)].append(row)
    return None


def _match_existing(row: _Row, lookups: _Lookups) -> RowError | None:
    """The person already registered that the row updates (`row.person`), or why none can be chosen."""
    name, code, congress = row.clean["name"], row.clean["registry_code"], row.congress
    existing = lookups.deputies_by_name.get((congress.pk, name), [])
    if not code:
        if len(existing) > 1:
            return RowError(
                row.number,
                f"「{congress.name}」中有多名代表名为「{_shown(name)}」，请填写名册编号",
                f"several deputies in '{congress.name}' are named '{_shown(name)}'; add the registry code",
            )
        row.person = existing[0].person if existing else None
        return None
    person = lookups.people_by_code.get(code)
    if person is not None and person.name != name:
        return RowError(
            row.number,
            f"名册编号「{_shown(code)}」已登记为「{person.name}」，与姓名「{_shown(name)}」不符",
            f"registry code '{_shown(code)}' is already registered to '{person.name}', not '{_shown(name)}'",
        )
    others = [d for d in existing if person is None or d.person_id != person.pk]
    coded = [d for d in others if d.person.registry_code]
    if coded:
        other_code = coded[0].person.registry_code
        return RowError(
            row.number,
            f"「{congress.name}」已有代表「{_shown(name)}」（名册编号「{other_code}」），"
            f"与本行名册编号「{_shown(code)}」不符，同一人不能重复登记",
            f"'{congress.name}' already has a deputy '{_shown(name)}' with registry code "
            f"'{other_code}', not '{_shown(code)}'; one person cannot be registered twice",
        )
    if others and (person is not None or len(others) > 1):
        return RowError(
            row.number,
            f"「{congress.name}」已有未填名册编号的代表「{_shown(name)}」，同一人不能重复登记",
            f"'{congress.name}' already has a deputy '{_shown(name)}' without a registry code; "
            "one person cannot be registered twice",
        )
    # An earlier import without registry codes: adopt that person and record the code.
    row.person = person if person is not None or not others else others[0].person
    return None


def _one_person_per_code(rows: list[_Row]) -> list[RowError]:
    """All rows of one registry code update one person, and one person takes one registry code.

    An import without 名册编号 matches people by name within each congress, so it registers a person who
    holds a district and a town mandate (R-REG-1) twice. When the code then arrives, new to the database,
    each row adopts the record of its congress: those records are merged into one person, unless they
    conflict (two login accounts, genders or photos; two mandates in one congress or two seats on one
    committee) — then the rows are refused and staff reconcile the records in the admin first.
    """
    errors: list[RowError] = []
    same: dict[int, Person] = {}  # one Person instance per record, so the rows write it once
    for row in rows:
        if row.person is not None:
            row.person = same.setdefault(row.person.pk, row.person)
    by_code: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        if row.clean["registry_code"] and row.congress is not None:
            by_code[row.clean["registry_code"]].append(row)

    code_row_of_person: dict[int, _Row] = {}
    for code, group in by_code.items():
        for row in group:
            first = code_row_of_person.setdefault(row.person.pk, row) if row.person else row
            if first.clean["registry_code"] != code:
                errors.append(_two_codes_error(row, first))

    merged_into: dict[int, Person] = {}
    for code, group in by_code.items():
        first_row_of = {}
        for row in group:
            if row.person is not None:
                first_row_of.setdefault(row.person.pk, row)
        people = sorted((row.person for row in first_row_of.values()), key=lambda person: person.pk)
        if len(people) > 1:
            conflicts = _merge_conflicts(people)
            if conflicts:
                errors.append(_merge_error(code, list(first_row_of.values()), people, conflicts))
                continue
        if not people:
            continue  # a new person: the first row creates it, the others find it by the code
        # The account holder is kept, so the login stays where it is; otherwise the oldest record.
        survivor = min(people, key=lambda person: (person.user_id is None, person.pk))
        group[0].absorbs = [person for person in people if person is not survivor]
        merged_into |= {person.pk: survivor for person in group[0].absorbs}
        for row in group:
            row.person = survivor
    for row in rows:
        if row.person is not None and row.person.pk in merged_into:
            row.person = merged_into[row.person.pk]
    return errors


def _merge_conflicts(people: list[Person]) -> list[tuple[str, str]]:
    """What keeps records of one name from being merged as one person, in Chinese and English."""
    congresses = list(Deputy.objects.filter(person__in=people).values_list("congress_id", flat=True))
    committees = list(
        CommitteeMember.objects.filter(person__in=people).values_list("committee_id", flat=True)
    )
    checks = (
        (sum(person.user_id is not None for person in people) > 1, "登录账户", "login accounts"),
        (len({person.gender for person in people if person.gender}) > 1, "性别", "genders"),
        (len({person.photo.name for person in people if person.photo}) > 1, "照片", "photos"),
        (len(congresses) > len(set(congresses)), "同一届人大的代表资格", "mandates in one congress"),
        (len(committees) > len(set(committees)), "同一委员会的职务", "seats on one committee"),
    )
    return [(zh, en) for conflicting, zh, en in checks if conflicting]


def _merge_error(
    code: str, first_rows: list[_Row], people: list[Person], conflicts: list[tuple[str, str]]
) -> RowError:
    """Reported on the last of the rows that matched different records."""
    row = max(first_rows, key=lambda r: r.number)
    others = sorted(r.number for r in first_rows if r is not row)
    rows_zh = "第" + "、".join(str(number) for number in others) + "行"
    rows_en = ("row " if len(others) == 1 else "rows ") + ", ".join(str(number) for number in others)
    ids = [str(person.pk) for person in people]
    name = _shown(row.clean["name"])
    return RowError(
        row.number,
        f"名册编号「{_shown(code)}」在{rows_zh}和本行分别对应不同的已登记人员「{name}」"
        f"（人员编号 {'、'.join(ids)}），其{'、'.join(zh for zh, _ in conflicts)}冲突，"
        "不能自动合并为一人；请先在后台核对",
        f"registry code '{_shown(code)}' in {rows_en} and in this row matches different registered people "
        f"named '{name}' (person ids {', '.join(ids)}) whose {', '.join(en for _, en in conflicts)} "
        "conflict; they cannot be merged automatically, check them in the admin first",
    )


def _two_codes_error(row: _Row, first: _Row) -> RowError:
    code, other, person = row.clean["registry_code"], first.clean["registry_code"], row.person
    return RowError(
        row.number,
        f"名册编号「{_shown(code)}」与第{first.number}行的「{_shown(other)}」对应同一名已登记的"
        f"「{person.name}」（人员编号 {person.pk}），一人只能有一个名册编号",
        f"registry code '{_shown(code)}' and '{_shown(other)}' in row {first.number} match the same "
        f"registered person '{person.name}' (person id {person.pk}); a person has one registry code",
    )


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
    named = [r for r in rows if r.clean["name"]]
    errors.extend(_match_people(named, lookups))
    errors.extend(_one_person_per_code(named))
    errors.sort(key=lambda e: e.row or 0)
    return rows, errors
