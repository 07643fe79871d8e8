"""Response times in public (open data): how quickly each body answers the people.

For the opinions received in a year (Asia/Shanghai), leaving out those awaiting moderation:

- per street or town liaison body (the opinion's street or town): items received, routed, routed
  within 5 working days of receipt (`feedback.deadlines.route_due`, the official calendar), units'
  replies and those on time (against each assignment's due date), median days from receipt to the
  first answer (a unit's reply, or the deputy's direct answer), fed back to the citizen, rated and
  satisfied (satisfied or basically satisfied);
- per handling unit: assignments, replies, replies on time, median days from assignment to reply,
  opinions fed back, rated and satisfied;
- per deputy (the deputy the opinion was reflected to, `intake_deputy`): opinions reflected and how
  many got an answer.

Counts are grouped in the database; the route deadline and the medians need one pass over the
timestamps of the year's routed or answered opinions. A fixed number of queries for any volume.
Never a name of a citizen, a text or a tracking code: aggregates and public bodies and deputies only.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, Q, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.quotas import year_start_instant
from deputies.models import Deputy, Organization, Region
from feedback import deadlines
from feedback.models import Assignment, Opinion, OpinionState, Rating
from songjiang_liaison import pagecache

ANSWERED_STATES = (OpinionState.ANSWERED, OpinionState.FED_BACK, OpinionState.CLOSED)
GOOD_RATINGS = (Rating.SATISFIED, Rating.BASIC)
DEFAULT_LICENCE = _(
    "本数据以知识共享署名 4.0 国际许可协议（CC BY 4.0）开放，使用时请注明来源：松江区人大常委会。"
)
DEFAULT_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.zh-hans"


def licence() -> str:
    """The licence line of the open data (`OPEN_DATA_LICENCE` overrides the default)."""
    return str(settings.OPEN_DATA_LICENCE or DEFAULT_LICENCE)


def licence_url() -> str:
    return settings.OPEN_DATA_LICENCE_URL or DEFAULT_LICENCE_URL


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _median(days: list[float]) -> float | None:
    return round(statistics.median(days), 1) if days else None


def _days(start: datetime.datetime, end: datetime.datetime) -> float:
    return max((end - start).total_seconds(), 0) / 86400


@dataclass
class HandlingRow:
    """One street or town liaison body, or one handling unit: the opinions it received (a unit: the
    assignments it was given), the units' replies and how fast, feedback and ratings."""

    pk: int  # the street's or town's region (a body), the organization (a unit)
    name: str  # the liaison body's or the unit's name
    is_unit: bool = False
    place: str = ""  # the street or town (bodies)
    received: int = 0
    routed: int = 0  # bodies: routed on, and within 5 working days
    routed_in_time: int = 0
    replies: int = 0
    replies_on_time: int = 0
    answered: int = 0  # bodies
    fed_back: int = 0
    rated: int = 0
    satisfied: int = 0
    # Days from receipt to the answer (a body), from assignment to the reply (a unit).
    days: list[float] = field(default_factory=list, repr=False)

    @property
    def routed_in_time_rate(self):
        return _rate(self.routed_in_time, self.routed)

    @property
    def on_time_rate(self):
        return _rate(self.replies_on_time, self.replies)

    @property
    def median_days(self):
        return _median(self.days)

    @property
    def satisfaction_rate(self):
        return _rate(self.satisfied, self.rated)

    def as_dict(self) -> dict:
        feedback = {
            "fed_back": self.fed_back,
            "rated": self.rated,
            "satisfied": self.satisfied,
            "satisfaction_rate": self.satisfaction_rate,
        }
        if self.is_unit:
            return {
                "organization": self.pk,
                "name": self.name,
                "assigned": self.received,
                "replies": self.replies,
                "replies_on_time": self.replies_on_time,
                "on_time_rate": self.on_time_rate,
                "median_days_to_reply": self.median_days,
                **feedback,
            }
        return {
            "region": self.pk,
            "place": self.place,
            "body": self.name,
            "received": self.received,
            "routed": self.routed,
            "routed_within_5_working_days": self.routed_in_time,
            "routed_within_5_working_days_rate": self.routed_in_time_rate,
            "unit_replies": self.replies,
            "unit_replies_on_time": self.replies_on_time,
            "on_time_rate": self.on_time_rate,
            "answered": self.answered,
            "median_days_to_answer": self.median_days,
            **feedback,
        }


@dataclass
class DeputyRow:
    deputy_id: int
    name: str
    congress: str
    reflected: int
    answered: int

    @property
    def answered_rate(self):
        return _rate(self.answered, self.reflected)

    def as_dict(self) -> dict:
        return {
            "deputy": self.deputy_id,
            "name": self.name,
            "congress": self.congress,
            "reflected": self.reflected,
            "answered": self.answered,
            "answered_rate": self.answered_rate,
        }


@dataclass
class ResponseTimes:
    year: int
    as_of: datetime.date
    bodies: list[HandlingRow]
    units: list[HandlingRow]
    deputies: list[DeputyRow]

    def as_dict(self) -> dict:
        return {
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "licence": licence(),
            "licence_url": licence_url(),
            "bodies": [row.as_dict() for row in self.bodies],
            "units": [row.as_dict() for row in self.units],
            "deputies": [row.as_dict() for row in self.deputies],
        }


def _street_or_town_id(prefix: str = ""):
    """The street or town of an opinion's region (a committee's parent; else the region itself)."""
    return Case(
        When(**{f"{prefix}region__kind__in": ["community", "village"]}, then=F(f"{prefix}region__parent_id")),
        default=F(f"{prefix}region_id"),
        output_field=IntegerField(),
    )


def opinions_of_year(year: int):
    """The year's opinions as the public figures count them (no moderation queue)."""
    return Opinion.objects.filter(
        received_at__gte=year_start_instant(year), received_at__lt=year_start_instant(year + 1)
    ).exclude(state=OpinionState.MODERATION)


def _places_and_bodies() -> tuple[list[tuple[int, str]], dict[int, str]]:
    """The 17 streets and towns and their liaison bodies' names (reference data, memoised)."""
    places = list(Region.objects.streets_and_towns().values_list("pk", "name"))
    body_names = dict(
        Organization.objects.local_liaison_bodies().order_by("pk").values_list("region_id", "name")
    )
    return places, body_names


def _bodies(opinions, year: int) -> list[HandlingRow]:
    places, body_names = pagecache.memo("response-times-places", _places_and_bodies)
    rows = {pk: HandlingRow(pk=pk, place=name, name=body_names.get(pk, "")) for pk, name in places}
    counts = (
        opinions.order_by()
        .annotate(st=_street_or_town_id())
        .values("st")
        .annotate(
            received=Count("pk"),
            routed=Count("pk", filter=Q(routed_at__isnull=False)),
            fed_back=Count("pk", filter=Q(fed_back_at__isnull=False)),
            answered=Count("pk", filter=Q(state__in=ANSWERED_STATES) | Q(replied_at__isnull=False)),
            rated=Count("pk", filter=~Q(rating="")),
            satisfied=Count("pk", filter=Q(rating__in=GOOD_RATINGS)),
        )
    )
    for c in counts:
        row = rows.get(c["st"])
        if row is None:
            continue
        row.received, row.routed, row.fed_back = c["received"], c["routed"], c["fed_back"]
        row.answered, row.rated, row.satisfied = c["answered"], c["rated"], c["satisfied"]
    # The route deadline counts working days on the official calendar, and medians need the values.
    calendar = deadlines.load_calendar({year, year + 1})
    timestamps = (
        opinions.filter(
            Q(routed_at__isnull=False) | Q(replied_at__isnull=False) | Q(fed_back_at__isnull=False)
        )
        .order_by()
        .annotate(st=_street_or_town_id())
        .values_list("st", "received_at", "routed_at", "replied_at", "fed_back_at")
    )
    for st, received_at, routed_at, replied_at, fed_back_at in timestamps:
        row = rows.get(st)
        if row is None:
            continue
        if routed_at and routed_at <= deadlines.route_due(received_at, calendar):
            row.routed_in_time += 1
        answered_at = replied_at or fed_back_at
        if answered_at:
            row.days.append(_days(received_at, answered_at))
    replies = (
        Assignment.objects.filter(opinion__in=opinions.order_by().values("pk"), replied_at__isnull=False)
        .order_by()
        .annotate(st=_street_or_town_id("opinion__"))
        .values("st")
        .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(replied_at__lte=F("due_at"))))
    )
    for r in replies:
        row = rows.get(r["st"])
        if row is not None:
            row.replies, row.replies_on_time = r["n"], r["on_time"]
    return list(rows.values())


def _units(opinions) -> list[HandlingRow]:
    assignments = Assignment.objects.filter(opinion__in=opinions.order_by().values("pk")).order_by()
    counts = assignments.values("organization_id", "organization__name").annotate(
        assigned=Count("pk"),
        replies=Count("pk", filter=Q(replied_at__isnull=False)),
        on_time=Count("pk", filter=Q(replied_at__isnull=False, replied_at__lte=F("due_at"))),
        fed_back=Count("pk", filter=Q(opinion__fed_back_at__isnull=False)),
        rated=Count("pk", filter=~Q(opinion__rating="")),
        satisfied=Count("pk", filter=Q(opinion__rating__in=GOOD_RATINGS)),
    )
    rows = {
        c["organization_id"]: HandlingRow(
            pk=c["organization_id"],
            name=c["organization__name"],
            is_unit=True,
            received=c["assigned"],
            replies=c["replies"],
            replies_on_time=c["on_time"],
            fed_back=c["fed_back"],
            rated=c["rated"],
            satisfied=c["satisfied"],
        )
        for c in counts
    }
    durations = assignments.filter(replied_at__isnull=False).values_list(
        "organization_id", "assigned_at", "replied_at"
    )
    for org_id, assigned_at, replied_at in durations:
        rows[org_id].days.append(_days(assigned_at, replied_at))
    return sorted(rows.values(), key=lambda row: row.name)


def _deputies(opinions) -> list[DeputyRow]:
    counts = (
        opinions.filter(intake_deputy__isnull=False)
        .order_by()
        .values("intake_deputy")
        .annotate(
            reflected=Count("pk"),
            answered=Count("pk", filter=Q(state__in=ANSWERED_STATES) | Q(replied_at__isnull=False)),
        )
    )
    counts = {c["intake_deputy"]: c for c in counts}
    deputies = Deputy.objects.filter(pk__in=counts).select_related("person", "congress")
    rows = [
        DeputyRow(
            deputy_id=d.pk,
            name=d.person.name,
            congress=d.congress.name,
            reflected=counts[d.pk]["reflected"],
            answered=counts[d.pk]["answered"],
        )
        for d in deputies
    ]
    return sorted(rows, key=lambda row: (-row.reflected, row.name))


def response_times(year: int, *, today: datetime.date | None = None) -> ResponseTimes:
    """The year's response times (a fixed number of queries: six)."""
    opinions = opinions_of_year(year)
    return ResponseTimes(
        year=year,
        as_of=today or timezone.localdate(),
        bodies=_bodies(opinions, year),
        units=_units(opinions),
        deputies=_deputies(opinions),
    )


# --- The tables as the page and the CSV files show them (one definition for both) -----------------


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list]


# Each table's columns: the header (named uniquely, with its unit) and the row's attribute.
BODY_COLUMNS = (
    (_("街道、镇"), "place"),
    (_("联络机构"), "name"),
    (_("收到（件）"), "received"),
    (_("已转交（件）"), "routed"),
    (_("5个工作日内转交（件）"), "routed_in_time"),
    (_("5个工作日内转交率（%）"), "routed_in_time_rate"),
    (_("承办单位答复（件）"), "replies"),
    (_("按期答复（件）"), "replies_on_time"),
    (_("按期答复率（%）"), "on_time_rate"),
    (_("答复用时中位数（天）"), "median_days"),
    (_("已反馈群众（件）"), "fed_back"),
    (_("参与评价（件）"), "rated"),
    (_("满意和基本满意（件）"), "satisfied"),
    (_("满意率（%）"), "satisfaction_rate"),
)
UNIT_COLUMNS = (
    (_("承办单位"), "name"),
    (_("交办（件）"), "received"),
    (_("已答复（件）"), "replies"),
    (_("按期答复（件）"), "replies_on_time"),
    (_("按期答复率（%）"), "on_time_rate"),
    (_("答复用时中位数（天）"), "median_days"),
    (_("已反馈群众（件）"), "fed_back"),
    (_("参与评价（件）"), "rated"),
    (_("满意和基本满意（件）"), "satisfied"),
    (_("满意率（%）"), "satisfaction_rate"),
)
DEPUTY_COLUMNS = (
    (_("代表"), "name"),
    (_("所属人大"), "congress"),
    (_("反映意见（件）"), "reflected"),
    (_("已获答复（件）"), "answered"),
    (_("答复率（%）"), "answered_rate"),
)


def tables(rt: ResponseTimes) -> list[Table]:
    """The three tables, columns named uniquely with their units; None is "no data" (shown "—")."""
    return [
        _table("bodies", _("各街道、镇联络机构"), BODY_COLUMNS, rt.bodies),
        _table("units", _("各承办单位"), UNIT_COLUMNS, rt.units),
        _table("deputies", _("各位代表"), DEPUTY_COLUMNS, rt.deputies),
    ]


def _table(key: str, title, columns, rows) -> Table:
    return Table(
        key,
        str(title),
        [str(header) for header, _attribute in columns],
        [[getattr(row, attribute) for _header, attribute in columns] for row in rows],
    )


def table(rt: ResponseTimes, key: str) -> Table | None:
    return next((t for t in tables(rt) if t.key == key), None)


def csv_text(rt: ResponseTimes, key: str) -> str:
    """One table as CSV: a title row (year and date of the figures), the licence, then the table.
    Text that starts like a formula stays text (`reports.exports`)."""
    import csv
    import io

    from .exports import _csv_safe

    found = table(rt, key)
    out = io.StringIO()
    writer = csv.writer(out)
    title = _("松江区%(year)d年度社情民意办理时效：%(table)s（数据截至%(date)s）") % {
        "year": rt.year,
        "table": found.title,
        "date": rt.as_of.isoformat(),
    }
    writer.writerow([title])
    writer.writerow([f"{licence()} {licence_url()}"])
    writer.writerow(found.headers)
    for row in found.rows:
        writer.writerow(_csv_safe(["" if value is None else value for value in row]))
    return out.getvalue()
