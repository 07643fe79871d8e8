"""Handling statistics of opinions (§四, R-OP-5): reads only.

For the opinions a user may see (``feedback.selectors.opinions_visible_to``) received in a year:
counts by channel, level, state, street or town and month; the time taken to route, to reply and
to feed back; on-time rates against the deadlines of ``feedback.deadlines`` (the one place they
live); citizens' satisfaction; and the assignments overdue now, per handling unit.

A fixed number of queries whatever the number of opinions: grouped counts in SQL, and one pass
over the timestamps of the year's opinions for the durations and on-time rates.
"""

from __future__ import annotations

import datetime
from collections import Counter, OrderedDict
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, IntegerField, Q, When
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from contacts.quotas import year_start_instant
from deputies.data.territory import official_position
from feedback import deadlines
from feedback.models import FINAL_STATES, Assignment, Channel, Opinion, OpinionState, Rating, RouteLevel
from feedback.selectors import opinions_visible_to
from songjiang_liaison import pagecache

DIMENSIONS = OrderedDict(
    [
        ("channel", _("按渠道")),
        ("level", _("按层级")),
        ("state", _("按状态")),
        ("region", _("按街道、镇")),
        ("month", _("按月份")),
        ("rating", _("群众评价")),
    ]
)
STEPS = OrderedDict([("route", _("转交")), ("reply", _("答复")), ("feedback", _("反馈群众"))])
OVERDUE_LIST_LIMIT = 50  # items listed per handling unit; the count covers all of them


@dataclass
class StepStats:
    """One handling step: how many were done, on time, and the average and longest time in days."""

    key: str
    label: str
    done: int = 0
    on_time: int = 0
    total_days: float = 0.0
    longest_days: float = 0.0

    def add(self, days: float, on_time: bool) -> None:
        self.done += 1
        self.on_time += on_time
        self.total_days += days
        self.longest_days = max(self.longest_days, days)

    @property
    def average_days(self) -> float:
        return round(self.total_days / self.done, 1) if self.done else 0.0

    @property
    def on_time_rate(self) -> float:
        return round(100 * self.on_time / self.done, 1) if self.done else 0.0

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": str(self.label),
            "done": self.done,
            "on_time": self.on_time,
            "on_time_rate": self.on_time_rate,
            "average_days": self.average_days,
            "longest_days": round(self.longest_days, 1),
        }


@dataclass
class OverdueUnit:
    organization_id: int
    name: str
    count: int = 0
    items: list[dict] = field(default_factory=list)

    def as_dict(self, *, public: bool = False) -> dict:
        return {
            "organization": self.organization_id,
            "name": self.name,
            "count": self.count,
            "items": self.items,
        }


@dataclass
class HandlingStats:
    year: int
    received: int
    answered: int
    breakdowns: dict[str, list[tuple[str, str, int]]]
    steps: dict[str, StepStats]
    overdue_units: list[OverdueUnit]
    # Open opinions past their current step's due date, per stage (all years: overdue is now), as
    # the dashboards count them (`feedback.deadlines.overdue_by_stage`).
    overdue_by_stage: dict[str, int] = field(default_factory=dict)

    @property
    def overdue(self) -> int:
        return sum(self.overdue_by_stage.values())

    @property
    def steps_without_data(self) -> list[StepStats]:
        """Steps no opinion went through in the year: their rates and times are unknown, not 0."""
        return [step for step in self.steps.values() if not step.done]

    @property
    def rated(self) -> int:
        """How many opinions citizens rated: with none, there is no satisfaction rate to show."""
        return sum(n for _key, _label, n in self.breakdowns["rating"])

    @property
    def satisfaction_rate(self) -> float:
        """Satisfied or basically satisfied among the rated opinions, in percent (0.0 when none was
        rated: pages show "no data" then, see ``rated``; the exports keep the number)."""
        ratings = dict((key, n) for key, _label, n in self.breakdowns["rating"])
        good = ratings.get(Rating.SATISFIED, 0) + ratings.get(Rating.BASIC, 0)
        return round(100 * good / self.rated, 1) if self.rated else 0.0

    def as_dict(self) -> dict:
        return {
            "year": self.year,
            "received": self.received,
            "answered": self.answered,
            "satisfaction_rate": self.satisfaction_rate,
            "breakdowns": {
                key: [{"key": k, "label": str(label), "count": n} for k, label, n in rows]
                for key, rows in self.breakdowns.items()
            },
            "steps": {key: step.as_dict() for key, step in self.steps.items()},
            "overdue_units": [unit.as_dict() for unit in self.overdue_units],
            "overdue_by_stage": dict(self.overdue_by_stage),
        }


# States in which the citizen has had an answer (directly from the deputy, or a reply fed back).
ANSWERED_STATES = (OpinionState.ANSWERED, OpinionState.FED_BACK, OpinionState.CLOSED)


MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_label(month: int) -> str:
    """A month on a chart's axis or a table: 1月…12月 in Chinese, Jan…Dec in English."""
    if (get_language() or "").lower().startswith("en"):
        return MONTH_ABBREVIATIONS[month - 1]
    return gettext("%(m)d月") % {"m": month}


COMMITTEE_KINDS = ("community", "village")  # residents' and villagers' committees


def _street_or_town_id():
    """The street or town of an opinion's region (a committee's parent; else the region itself)."""
    return Case(
        When(region__kind__in=COMMITTEE_KINDS, then=F("region__parent_id")),
        default=F("region_id"),
        output_field=IntegerField(),
    )


def _labelled(counts: dict, choices) -> list[tuple[str, str, int]]:
    return [(value, label, counts.get(value, 0)) for value, label in choices if counts.get(value, 0)]


def opinions_of_year(user, year: int):
    return opinions_visible_to(user).filter(
        received_at__gte=year_start_instant(year), received_at__lt=year_start_instant(year + 1)
    )


def _region_names(ids: list[int]) -> dict[int, str]:
    """The names of these streets and towns: the regions above the committees are reference data,
    memoised per data version; any other region asked for is read."""
    from deputies.models import Region

    upper = pagecache.memo(
        "region-names:above-committees",
        lambda: dict(Region.objects.exclude(kind__in=COMMITTEE_KINDS).values_list("pk", "name")),
    )
    missing = [pk for pk in ids if pk not in upper]
    if not missing:
        return upper
    return {**upper, **dict(Region.objects.filter(pk__in=missing).values_list("pk", "name"))}


def _breakdowns(opinions, year: int) -> dict[str, list[tuple[str, str, int]]]:

    grouped = list(
        opinions.order_by()
        .annotate(st=_street_or_town_id())
        .values("channel", "level", "state", "st", "rating", "received_at__month")
        .annotate(n=Count("pk"))
    )
    # received_at__month is the month in the current time zone (Asia/Shanghai).
    counters = {key: Counter() for key in DIMENSIONS}
    for row in grouped:
        counters["channel"][row["channel"]] += row["n"]
        counters["level"][row["level"] or ""] += row["n"]
        counters["state"][row["state"]] += row["n"]
        counters["region"][row["st"]] += row["n"]
        counters["month"][row["received_at__month"]] += row["n"]
        if row["rating"]:
            counters["rating"][row["rating"]] += row["n"]
    names = _region_names([k for k in counters["region"] if k])
    return {
        "channel": _labelled(counters["channel"], Channel.choices),
        "level": _labelled(counters["level"], [*RouteLevel.choices, ("", _("未分级"))]),
        "state": _labelled(counters["state"], OpinionState.choices),
        "region": sorted(
            [(str(k), names.get(k, str(_("未设置"))), n) for k, n in counters["region"].items()],
            key=lambda item: (official_position(item[1]), item[1]),  # the official order
        ),
        "month": [(str(m), month_label(m), counters["month"].get(m, 0)) for m in range(1, 13)],
        "rating": _labelled(counters["rating"], Rating.choices),
    }


def _days(start: datetime.datetime, end: datetime.datetime) -> float:
    return max((end - start).total_seconds(), 0) / 86400


def _steps(opinions, year: int) -> dict[str, StepStats]:
    """Durations and on-time rates per step, measured against feedback.deadlines."""
    steps = {key: StepStats(key=key, label=label) for key, label in STEPS.items()}
    rows = list(
        opinions.filter(Q(routed_at__isnull=False) | Q(fed_back_at__isnull=False))
        .order_by()
        .values_list("received_at", "routed_at", "fed_back_at", "replied_at")
    )
    calendar = deadlines.load_calendar({year, year + 1})
    for received_at, routed_at, fed_back_at, replied_at in rows:
        if routed_at:
            due = deadlines.route_due(received_at, calendar)
            steps["route"].add(_days(received_at, routed_at), routed_at <= due)
        if fed_back_at and replied_at:
            due = deadlines.feedback_due(replied_at)
            steps["feedback"].add(_days(replied_at, fed_back_at), fed_back_at <= due)
    # Replies: each handling unit's assignment, against its stored due date.
    assignments = (
        Assignment.objects.filter(opinion__in=opinions.order_by().values("pk"), replied_at__isnull=False)
        .order_by()
        .values_list("assigned_at", "replied_at", "due_at")
    )
    for assigned_at, replied_at, due_at in assignments:
        steps["reply"].add(_days(assigned_at, replied_at), replied_at <= due_at)
    return steps


def _overdue_units(opinions, now: datetime.datetime) -> list[OverdueUnit]:
    """Assignments past their due date and not replied, per handling unit (all years: overdue is now)."""
    overdue = (
        Assignment.objects.filter(
            opinion__in=opinions.order_by().values("pk"), replied_at__isnull=True, due_at__lt=now
        )
        .exclude(opinion__state__in=FINAL_STATES)
        .order_by("organization__name", "due_at", "pk")
        .values("organization_id", "organization__name", "due_at", "opinion__tracking_code", "opinion_id")
    )
    units: OrderedDict[int, OverdueUnit] = OrderedDict()
    for row in overdue:
        unit = units.get(row["organization_id"])
        if unit is None:
            unit = units[row["organization_id"]] = OverdueUnit(
                row["organization_id"], row["organization__name"]
            )
        unit.count += 1
        if len(unit.items) < OVERDUE_LIST_LIMIT:
            unit.items.append(
                {
                    "opinion": row["opinion_id"],
                    "tracking_code": row["opinion__tracking_code"],
                    "due_at": timezone.localtime(row["due_at"]).date().isoformat(),
                    "days_overdue": (now - row["due_at"]).days,
                }
            )
    return sorted(units.values(), key=lambda u: -u.count)


def handling_stats(
    *, user, year: int, now: datetime.datetime | None = None, district_wide: bool = False
) -> HandlingStats:
    """The handling statistics of the opinions this user may see, received in the year (§四).
    ``district_wide`` counts every opinion (the public statistics page: aggregates only)."""
    now = now or timezone.now()
    visible = Opinion.objects.all() if district_wide else opinions_visible_to(user)
    opinions = visible.filter(
        received_at__gte=year_start_instant(year), received_at__lt=year_start_instant(year + 1)
    )
    breakdowns = _breakdowns(opinions, year)
    received = sum(n for _k, _l, n in breakdowns["state"])
    answered = sum(n for key, _l, n in breakdowns["state"] if key in ANSWERED_STATES)
    return HandlingStats(
        year=year,
        received=received,
        answered=answered,
        breakdowns=breakdowns,
        steps=_steps(opinions, year),
        overdue_units=[] if district_wide else _overdue_units(visible, now),
        overdue_by_stage={} if district_wide else deadlines.overdue_by_stage(visible, now),
    )
