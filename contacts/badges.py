"""The "进选区" badge on the activity record pages: whether an activity counts as a constituency
contact for each participating deputy, by the one rule (`quotas.counts_for_deputy`), and in a few
words why not when it does not (planned, a remote kind, not marked, another constituency)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper, QuerySet
from django.utils.translation import gettext as _

from .models import Participation
from .quotas import REMOTE_KINDS, counts_for_deputy


@dataclass(frozen=True)
class Badge:
    counts: bool
    reason: str = ""  # empty when it counts

    @property
    def label(self) -> str:
        return _("计入进选区联系") if self.counts else _("不计入进选区联系")


def with_counts(participations: QuerySet) -> QuerySet:
    """Participations annotated with ``counts``: the quota's own condition, evaluated by the database."""
    return participations.annotate(counts=ExpressionWrapper(counts_for_deputy(), output_field=BooleanField()))


def reason_not_counted(activity) -> str:
    """Why an activity does not count for a participant, given that the rule said it does not. The
    order follows the rule: held, face to face, marked, then the place."""
    if activity.planned:
        return _("计划中的活动，举行并登记活动情况后才计入")
    if activity.kind in REMOTE_KINDS:
        return _("代表信箱、电子邮件、电话和网络联系不是进选区联系")
    if not activity.is_constituency_contact:
        return _("未标记为进选区联系")
    return _("不在该代表的选区，也不是其所在代表小组在小组所在地的活动")


def badge(activity, counts: bool) -> Badge:
    return Badge(True) if counts else Badge(False, reason_not_counted(activity))


def participant_badges(activity) -> list[dict]:
    """Each participant of ``activity`` with their badge, in one query (none when the activity came
    with its participations prefetched through `with_counts`, as `activity_pages_visible_to` does)."""
    rows = getattr(activity, "_prefetched_objects_cache", {}).get("participations")
    if rows is None or not all(hasattr(p, "counts") for p in rows):
        rows = with_counts(
            Participation.objects.filter(activity=activity).select_related("deputy__person").order_by("id")
        )
    return [{"participation": p, "badge": badge(activity, bool(p.counts))} for p in rows]


def counted_activity_ids(deputy) -> set[int]:
    """The activities (any year) that count as constituency contacts for ``deputy``: one query."""
    return set(
        Participation.objects.filter(deputy=deputy)
        .filter(counts_for_deputy())
        .values_list("activity_id", flat=True)
    )
