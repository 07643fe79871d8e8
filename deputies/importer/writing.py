"""Writing the validated rows: duplicate records of a person merged first, then every mandate created
or updated. A write the checks did not foresee refuses the file; the caller's transaction rolls back."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError

from ..models import CommitteeMember, ContactPoint, ContactPointKind, Deputy, DeputyStatus, Person
from .reading import _shown
from .report import ImportRefused, ImportResult, RowError
from .validation import _Row

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
    # Merges first: a row may update a mandate that a merge moves to the person it keeps.
    for row in rows:
        if row.absorbs:
            with _refused_on_failure(row):
                _merge_people(row.person, row.absorbs)
            result.people_merged += len(row.absorbs)
    for row in rows:
        with _refused_on_failure(row):
            _write_row(row, result, created_people=created_people, homes=homes, today=today)
    return result


def _write_row(
    row: _Row,
    result: ImportResult,
    *,
    created_people: dict[str, Person],
    homes: dict[int, ContactPoint],
    today: datetime.date,
) -> None:
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


def _merge_people(survivor: Person, absorbed: list[Person]) -> None:
    """Move the mandates and committee seats of duplicate records of one person to `survivor`, take
    over a gender or photo it lacks, and delete the duplicates (each step leaves a history row)."""
    for person in absorbed:
        for deputy in Deputy.objects.filter(person=person):
            deputy.person = survivor
            deputy.save(update_fields=["person"])
        for seat in CommitteeMember.objects.filter(person=person):
            seat.person = survivor
            seat.save(update_fields=["person"])
        changes = {}
        if person.gender and not survivor.gender:
            changes["gender"] = person.gender
        if person.photo and not survivor.photo:
            changes["photo"] = person.photo.name
        _save_changes(survivor, changes)
        person.delete()


@contextmanager
def _refused_on_failure(row: _Row) -> Iterator[None]:
    """A write the checks did not foresee fails as a refusal of `row`, never as a traceback; the
    transaction is then rolled back whole."""
    try:
        yield
    except IntegrityError as error:
        raise ImportRefused(
            [
                RowError(
                    row.number,
                    "与数据库中已有的记录冲突，未写入任何数据；名册可能正被同时修改，请稍后重新导入",
                    f"conflicts with a record already in the database ({_shown(error, 120)}); nothing was "
                    "written. The registry may be changing at the same time: import the file again later",
                )
            ]
        ) from error
    except DataError as error:
        raise ImportRefused(
            [
                RowError(
                    row.number,
                    "有数据超出数据库的限制，未写入任何数据",
                    f"a value exceeds what the database accepts ({_shown(error, 120)}); nothing was written",
                )
            ]
        ) from error
    except ValidationError as error:
        zh_messages = "；".join(error.messages)
        raise ImportRefused(
            [
                RowError(
                    row.number,
                    f"数据无效：{zh_messages}，未写入任何数据",
                    f"invalid data: {'; '.join(error.messages)}; nothing was written",
                )
            ]
        ) from error


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
