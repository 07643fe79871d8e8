"""What a new or changed activity must satisfy (§三(四)–(六), R-ACT-1): who may log it for whom,
its date, people, constituency, kind and boxes, purposes, plan and photos."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from deputies import permissions as access

from .. import quotas
from ..checks import (
    check_date,
    check_open_year,
    check_people,
    require_staff_for,
)
from ..models import (
    ActivityKind,
    ContactPurpose,
)

MAX_PHOTOS = 9
# The activity fields a change (PATCH or amendment) may touch.


def _validate_photos(photos: Sequence) -> list:
    """Each photo must really be an image (content checked with Pillow), re-encoded without metadata."""
    from deputies.images import WHOLE_PHOTO, normalize_image

    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("最多上传%(n)d张照片。") % {"n": MAX_PHOTOS}})
    cleaned = []
    for photo in photos:
        try:
            cleaned.append(normalize_image(photo, spec=WHOLE_PHOTO))
        except ValidationError as exc:
            raise ValidationError({"photos": exc.messages}) from exc
    return cleaned


def _validate_activity(
    values: Mapping,
    *,
    deputies: Sequence,
    people_met: Mapping[int, int],
    group=None,
    planned: bool = False,
    check_closed: bool = True,
) -> None:
    """Refuse an activity whose ``values`` (kind, date, constituency, the two boxes, people reached,
    purposes) break a rule, with one error per field."""
    kind, date, constituency = values["kind"], values["date"], values["constituency"]
    is_constituency_contact = values["is_constituency_contact"]
    errors: dict = {}
    if kind not in ActivityKind.values:
        errors["kind"] = _("请选择活动方式。")
    quotas.check_kind_flags(kind, is_constituency_contact, values["is_centralized"], errors)
    _check_purposes(values["purposes"], errors)
    check_date(date, deputies, errors, allow_future=planned)
    if check_closed and "date" not in errors:
        check_open_year(date, errors)
    check_people(values["people_reached"], "people_reached", errors)
    for value in people_met.values():
        check_people(value, "people_met", errors)
    if is_constituency_contact and constituency is None:
        errors["constituency"] = _("进选区联系活动须填写选区。")
    if group is not None:
        # §三(五): a group's activity, in the group's area, with deputies who may take part in it.
        quotas.check_group_activity(group, constituency, deputies, errors)
    elif constituency is not None:
        for deputy in deputies:
            if constituency.congress_id != deputy.congress_id:
                errors["constituency"] = _("选区必须属于%(name)s所在的同一届人民代表大会。") % {
                    "name": deputy.person.name
                }
                break
    if not deputies:
        errors["participants"] = _("请选择参加活动的代表。")
    if errors:
        raise ValidationError(errors)


def _default_participants(actor, constituency) -> list:
    """A deputy logging for themself: the mandate in the constituency's congress (or their only one)."""
    from deputies.models import Deputy

    own = list(Deputy.objects.filter(person__user=actor).select_related("person"))
    if constituency is not None:
        matching = [d for d in own if d.congress_id == constituency.congress_id]
        if matching:
            return matching[:1]
    return own[:1] if len(own) == 1 else []


def _authorize_participants(actor, deputies: Sequence) -> None:
    if access.is_admin(actor):
        return
    if actor.is_authenticated and actor.role == Role.LIAISON_STAFF:
        require_staff_for(actor, deputies)
        return
    own = set(access.own_deputy_ids(actor))
    if not own:
        raise PermissionDenied(_("只有人大代表或联络机构可以登记联系活动。"))
    if any(d.pk not in own for d in deputies):
        raise PermissionDenied(_("代表只能登记本人参加的活动；多位代表的活动请由联络机构登记。"))


def _check_purposes(purposes, errors: dict) -> None:
    """§二: the purposes of a contact, several of the regulation's five (or none)."""
    if not isinstance(purposes, list | tuple) or any(p not in ContactPurpose.values for p in purposes):
        errors["purposes"] = _("请从列出的联系内容中选择。")


def _purposes(purposes) -> list[str]:
    """Stored in the order of the regulation, each once."""
    return [p for p in ContactPurpose.values if p in set(purposes or ())]


def _check_plan(*, planned: bool, date, start_time, end_time) -> None:
    errors: dict = {}
    if planned and isinstance(date, datetime.date) and date < timezone.localdate():
        errors["date"] = _("计划的活动日期不能早于今天；已经举行的活动请直接登记。")
    if start_time and end_time and end_time <= start_time:
        errors["end_time"] = _("结束时间应晚于开始时间。")
    if errors:
        raise ValidationError(errors)


def _people_met_map(people_met, deputies: Sequence, people_reached) -> dict[int, int]:
    if people_met is None:
        return {d.pk: people_reached for d in deputies}
    if isinstance(people_met, int):
        return {d.pk: people_met for d in deputies}
    return {d.pk: people_met.get(d.pk, people_reached) for d in deputies}


# What describes an activity without deciding whether it counts, and its value when not given.
ACTIVITY_DETAILS = {
    "summary": "",
    "venue": None,
    "place": "",
    "is_public": False,
    "title": "",
    "start_time": None,
    "end_time": None,
    "purposes": (),
}


def _activity_details(details: Mapping) -> dict:
    """The describing fields of a new activity, the missing ones with their defaults."""
    unknown = set(details) - set(ACTIVITY_DETAILS)
    if unknown:
        raise TypeError(f"unexpected activity fields: {', '.join(sorted(unknown))}")
    return {**ACTIVITY_DETAILS, **details}
