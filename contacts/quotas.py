"""The yearly quota of §三(六) (R-ACT-2): the one place the rule lives.

    代表参加进选区联系人民群众活动，每年一般不少于4次，其中，集中联系选区每年不少于2次，
    联系人民群众不少于40人次，反映社情民意不少于4次。

Measures, for one deputy (one mandate) and one calendar year in Asia/Shanghai:

- ``constituency_contacts``: activities the deputy took part in that are constituency contacts
  (进选区联系), dated within the year (and on or before ``as_of``), and that count for THAT deputy
  (:func:`counts_for_deputy`): held, face to face, in the deputy's own constituency, or, for a deputy
  group's activity, in the area of a group the deputy takes part in under §三(五);
- ``centralized_contacts``: those of them that are centralized (集中联系选区);
- ``people_reached``: the sum of the deputy's own ``Participation.people_met`` in those constituency
  contacts, so a joint activity credits each deputy once with the people that deputy met;
- ``opinions_reflected``: opinions received within the year that were reflected to the deputy
  (``Opinion.intake_deputy``: the deputy named when it was received, whatever routing does later), or
  that the deputy's account recorded without naming a deputy while the mandate was held, except
  opinions still awaiting moderation, rejected, merged into another, or stored as a duplicate of an
  earlier one.

When the congress's ``QuotaPolicy`` for the year says ``count_confirmed_only``, only activities
confirmed by a liaison body count. Without a policy the regulation's numbers apply (4, 2, 40, 4).

Pro-rating: a mandate that starts or ends within the year owes ``ceil(required × months / 12)``, where
``months`` is the number of calendar months of the year in which the deputy held the mandate on at
least one day (a mandate from 15 July owes for July–December: 6 months).

Pace: as of a day D, the deputy is behind pace when for some measure
``done < floor(required × elapsed / length)``, where ``length`` is the number of days of the year the
mandate covers and ``elapsed`` the number of those days up to and including D.

An exemption (``QuotaExemption``, always with a reason) makes the deputy compliant and never behind.

Everything is computed by ONE query for any number of deputies (`annotate_progress`); see
docs/quotas.md and docs/benchmarks.md.
"""

from __future__ import annotations

import datetime
import operator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractMonth, TruncDate
from django.db.models.lookups import Exact, GreaterThanOrEqual, IsNull, LessThanOrEqual
from django.db.models.sql.constants import LOUTER
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django_cte import CTE, with_cte

SHANGHAI = ZoneInfo("Asia/Shanghai")

# The regulation's numbers, used when no QuotaPolicy exists for a congress and year (§三(六)).
DEFAULT_REQUIREMENTS = {
    "constituency_contacts": 4,
    "centralized_contacts": 2,
    "people_reached": 40,
    "opinions_reflected": 4,
}
POLICY_FIELDS = {
    "constituency_contacts": "min_constituency_contacts",
    "centralized_contacts": "min_centralized_contacts",
    "people_reached": "min_people_reached",
    "opinions_reflected": "min_opinions",
}
MEASURES = tuple(DEFAULT_REQUIREMENTS)
# Opinions in these states do not count as reflected: not yet accepted, refused, or a duplicate.
OPINION_STATES_NOT_COUNTED = ("moderation", "rejected", "merged")


@dataclass(frozen=True, slots=True)
class Measure:
    """One measure of one deputy's year: what is done and what is required (after pro-rating)."""

    done: int
    required: int

    @property
    def missing(self) -> int:
        return max(self.required - self.done, 0)

    @property
    def met(self) -> bool:
        return self.done >= self.required

    def as_dict(self) -> dict:
        return {"done": self.done, "required": self.required}


def _measure_at(index: int) -> property:
    """A property of Progress that reads one measure, by its place in MEASURES, as a Measure."""
    return property(lambda progress: Measure(progress.done[index], progress.required[index]))


@dataclass(frozen=True, slots=True)
class Progress:
    """One deputy's year. The four measures are kept as two tuples of integers in the order of
    ``MEASURES`` and read as :class:`Measure` (``progress.people_reached.missing``): a district report
    holds 10,000 of these, and Python's garbage collector does not track tuples of integers."""

    deputy_id: int
    name: str
    year: int
    done: tuple[int, int, int, int]
    required: tuple[int, int, int, int]
    exempt: bool
    exemption_reason: str
    compliant: bool
    behind_pace: bool
    months_served: int = 12

    constituency_contacts = _measure_at(0)
    centralized_contacts = _measure_at(1)
    people_reached = _measure_at(2)
    opinions_reflected = _measure_at(3)

    def measures(self) -> dict[str, Measure]:
        return {
            name: Measure(done, required)
            for name, done, required in zip(MEASURES, self.done, self.required, strict=True)
        }

    def missing_text(self) -> str:
        """What is still missing, in Chinese, e.g.
        "还需进选区联系活动2次（其中集中联系1次）、联系群众18人次"."""
        if self.exempt:
            return _("本年度已免除联系要求：%(reason)s") % {"reason": self.exemption_reason}
        parts = []
        centralized = self.centralized_contacts.missing
        # Centralized contacts are constituency contacts too: two missing centralized ones mean at
        # least two more contacts, even when only one contact is missing in total.
        contacts = (
            max(self.constituency_contacts.missing, centralized) if self.constituency_contacts.missing else 0
        )
        if contacts:
            text = _("进选区联系活动%(n)d次") % {"n": contacts}
            if centralized:
                text += _("（其中集中联系%(n)d次）") % {"n": centralized}
            parts.append(text)
        elif centralized:
            parts.append(_("集中联系选区%(n)d次") % {"n": centralized})
        if self.people_reached.missing:
            parts.append(_("联系群众%(n)d人次") % {"n": self.people_reached.missing})
        if self.opinions_reflected.missing:
            parts.append(_("反映社情民意%(n)d次") % {"n": self.opinions_reflected.missing})
        if not parts:
            return _("已完成本年度联系要求")
        # The list separator is translated too: "、" in Chinese, ", " in English.
        return _("还需") + pgettext("list separator", "、").join(parts)

    def as_dict(self) -> dict:
        """The API shape of design.md: each measure as {done, required}, plus the flags."""
        data = {
            "deputy": self.deputy_id,
            "name": self.name,
            "year": self.year,
            **{name: measure.as_dict() for name, measure in self.measures().items()},
            "compliant": self.compliant,
            "behind_pace": self.behind_pace,
            "exempt": self.exempt,
            "exemption_reason": self.exemption_reason,
            "months_served": self.months_served,
            "missing": self.missing_text(),
        }
        return data


# --- What counts as a constituency contact (§三(三)(五)(六)) -----------------------------------------
#
# "进选区联系人民群众": a deputy goes INTO the constituency and meets people there. So:
#
# 1. Kinds that are not face to face (mailbox, e-mail, phone, online) are never constituency contacts,
#    whatever is ticked: the form and the API refuse the contradiction (check_kind_flags), and the
#    database refuses it too (a check constraint on ContactActivity).
# 2. 集中联系选区 is always a constituency contact, and centralized (the kind implies both boxes).
# 3. A constituency contact counts for a deputy only in their own constituency (§三(三) "固定联系原选区
#    选民"), or, for an activity of a deputy group, in the area (street or town) of that group when
#    the deputy takes part in the group: as a member, or, for a district deputy, as a deputy elected in
#    that town joining the town group's activity (§三(五) "区人大代表也可以…参加镇人大代表的小组活动").
# 4. A planned activity never counts until it has been held and recorded.

# Kinds that are not face to face: never constituency contacts (values of models.ActivityKind).
REMOTE_KINDS = ("mailbox", "email", "phone", "online")
# Kinds that imply both boxes.
CENTRALIZED_KINDS = ("centralized",)


# --- One status per deputy and year, with the same label on every page --------------------------------
# exempt → 已免除; every requirement met → 已达标; otherwise, once the year is over → 未达标, and while
# it runs → 进度落后 (behind the pro-rata pace on some measure) or 进度正常. The legend
# (templates/contacts/_status_legend.html) explains the three that are not yet met.
STATUS_EXEMPT, STATUS_MET, STATUS_NOT_MET, STATUS_BEHIND, STATUS_ON_PACE = (
    "exempt",
    "compliant",
    "not_met",
    "behind",
    "on_pace",
)


def status_of(progress: Progress, *, today: datetime.date | None = None) -> str:
    if progress.exempt:
        return STATUS_EXEMPT
    if progress.compliant:
        return STATUS_MET
    if progress.year < (today or timezone.localdate()).year:
        return STATUS_NOT_MET
    return STATUS_BEHIND if progress.behind_pace else STATUS_ON_PACE


def status_labels() -> dict[str, str]:
    return {
        STATUS_EXEMPT: _("已免除"),
        STATUS_MET: _("已达标"),
        STATUS_NOT_MET: _("未达标"),
        STATUS_BEHIND: _("进度落后"),
        STATUS_ON_PACE: _("进度正常"),
    }


def status_label(progress: Progress, *, today: datetime.date | None = None) -> str:
    return status_labels()[status_of(progress, today=today)]


def implied_flags(kind: str) -> dict[str, bool] | None:
    """The boxes a kind decides by itself ({"is_constituency_contact": …, "is_centralized": …}), or
    None when the person logging chooses. The form ticks and locks them (static/js/activity-kind.js)."""
    if kind in REMOTE_KINDS:
        return {"is_constituency_contact": False, "is_centralized": False}
    if kind in CENTRALIZED_KINDS:
        return {"is_constituency_contact": True, "is_centralized": True}
    return None


def remote_kind_message() -> str:
    return _(
        "代表信箱、电子邮件、电话和网络联系不是进选区联系，不能勾选“进选区联系”或“集中联系选区”；"
        "如确实到选区与群众见面，请选择走访、座谈等活动方式。"
    )


def normalize_flags(kind: str, is_constituency_contact: bool, is_centralized: bool) -> tuple[bool, bool]:
    """The boxes as stored: 集中联系选区 ticks both; a centralized contact is a constituency contact.
    A contradiction (a remote kind with a box ticked) is NOT resolved here: see check_kind_flags."""
    if kind in CENTRALIZED_KINDS:
        is_centralized = True
    if is_centralized:
        is_constituency_contact = True
    return bool(is_constituency_contact), bool(is_centralized)


def check_kind_flags(kind: str, is_constituency_contact: bool, is_centralized: bool, errors: dict) -> None:
    """Refuse a remote kind (mailbox, e-mail, phone, online) marked as a constituency contact."""
    if kind in REMOTE_KINDS and (is_constituency_contact or is_centralized):
        errors["is_constituency_contact"] = remote_kind_message()


def _group_area(via: str = "") -> Q:
    """The activity belongs to a deputy group and took place in the group's street or town, and the
    participating deputy takes part in that group: a member, or a district deputy elected in the town
    of a town group (§三(五)). ``via`` leads from the queried model to the Participation."""
    return Q(
        **{
            f"{via}activity__group__isnull": False,
            f"{via}activity__constituency__region_id": F(f"{via}activity__group__region_id"),
        }
    ) & (
        Q(**{f"{via}deputy__group_id": F(f"{via}activity__group_id")})
        | Q(
            **{
                f"{via}deputy__congress__level": "district",
                f"{via}activity__group__congress__level": "town",
                f"{via}deputy__constituency__region_id": F(f"{via}activity__group__region_id"),
            }
        )
    )


def counts_for_deputy(via: str = "") -> Q:
    """A participation whose activity counts as a constituency contact FOR THAT DEPUTY (rules 1–4
    above), whatever the year; on Participation (``via=""``) or through a relation to it."""
    return (
        Q(
            **{
                f"{via}activity__is_constituency_contact": True,
                f"{via}activity__planned": False,
            }
        )
        & ~Q(**{f"{via}activity__kind__in": REMOTE_KINDS})
        & (Q(**{f"{via}activity__constituency_id": F(f"{via}deputy__constituency_id")}) | _group_area(via))
    )


def may_join_group_activity(deputy, group) -> bool:
    """§三(五): a deputy takes part in a group's activity as a member, or, for a district deputy, in
    the town group of the town where they were elected."""
    if deputy.group_id == group.pk:
        return True
    return (
        deputy.congress.level == "district"
        and group.congress.level == "town"
        and deputy.constituency_id is not None
        and deputy.constituency.region_id == group.region_id
    )


def check_group_activity(group, constituency, deputies, errors: dict) -> None:
    """A group's activity: in the group's own area (a constituency of the group's congress in its
    street or town), with deputies who may take part in it (:func:`may_join_group_activity`)."""
    if constituency is not None and (
        constituency.congress_id != group.congress_id or constituency.region_id != group.region_id
    ):
        errors["constituency"] = _("代表小组的活动须在该小组所在街道或镇的选区内进行（%(group)s）。") % {
            "group": group.name
        }
    for deputy in deputies:
        if not may_join_group_activity(deputy, group):
            errors["participants"] = _(
                "%(name)s不是%(group)s的成员；区人大代表只能参加其当选所在镇的镇人大代表小组活动（§三(五)）。"
            ) % {"name": deputy.person.name, "group": group.name}
            break


# --- Periods --------------------------------------------------------------------------------------

# The first year progress and reports can be asked for; the last is next year (plans made ahead).
FIRST_YEAR = 2000


def years_accepted() -> tuple[int, int]:
    """The first and last year a progress or a report can be asked for."""
    return FIRST_YEAR, timezone.localdate().year + 1


def year_refused_message() -> str:
    """What to tell someone who asked for a year outside :func:`years_accepted`."""
    first, last = years_accepted()
    return _("年度应为%(first)s年至%(last)s年之间的年份。") % {"first": first, "last": last}


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def year_start_instant(year: int) -> datetime.datetime:
    """Midnight of 1 January in Asia/Shanghai: the year boundary for timestamps (opinions)."""
    return datetime.datetime(year, 1, 1, tzinfo=SHANGHAI)


def _day_start_instant(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in Asia/Shanghai."""
    return datetime.datetime.combine(day, datetime.time(), tzinfo=SHANGHAI)


def _day_end_instant(day: datetime.date) -> datetime.datetime:
    """The first instant after ``day`` in Asia/Shanghai."""
    return _day_start_instant(day + datetime.timedelta(days=1))


def _counting_end(year: int, as_of: datetime.date | None) -> datetime.date:
    """The last day counted: the year's end, or ``as_of`` if that is earlier."""
    end = year_bounds(year)[1]
    return min(end, as_of) if as_of else end


def served_period(
    start_date: datetime.date, end_date: datetime.date | None, year: int
) -> tuple[datetime.date, datetime.date] | None:
    """The part of the year the mandate covers, or None."""
    first, last = year_bounds(year)
    start = max(first, start_date)
    end = min(last, end_date) if end_date else last
    return (start, end) if start <= end else None


def months_served(start_date: datetime.date, end_date: datetime.date | None, year: int) -> int:
    """Calendar months of the year in which the mandate was held on at least one day."""
    period = served_period(start_date, end_date, year)
    if period is None:
        return 0
    return period[1].month - period[0].month + 1


def prorated(required: int, months: int) -> int:
    """required × months / 12, rounded up (integer arithmetic, no floating point)."""
    return -(-required * months // 12)


def _elapsed(period: tuple[datetime.date, datetime.date] | None, as_of: datetime.date) -> tuple[int, int]:
    """(days of the served period up to and including ``as_of``, days in the period)."""
    if period is None:
        return 0, 1
    start, end = period
    length = (end - start).days + 1
    return min(max((as_of - start).days + 1, 0), length), length


def pace_target(
    required: int, *, period: tuple[datetime.date, datetime.date] | None, as_of: datetime.date
) -> int:
    """What should be done by ``as_of``: required × elapsed fraction of the served period, rounded down."""
    elapsed, length = _elapsed(period, as_of)
    return required * elapsed // length


# --- The aggregate query --------------------------------------------------------------------------
#
# Each source of the measures is aggregated ONCE, per deputy, in a common table expression
# (django-cte), and the deputies are LEFT JOINed to those grouped tables: the same plan as the
# aggregate written by hand in SQL (bench/compliance_report.py). The deputies' query itself is not
# grouped and runs no subquery per deputy, so callers may join, filter, order and annotate it freely.


def _months_expression(year: int):
    first, last = year_bounds(year)
    start_month = Case(
        When(start_date__lt=first, then=Value(1)), default=Cast(ExtractMonth("start_date"), IntegerField())
    )
    end_month = Case(
        When(end_date__isnull=True, then=Value(12)),
        When(end_date__gt=last, then=Value(12)),
        # PostgreSQL's EXTRACT returns numeric: cast, so that the division below is an integer one.
        default=Cast(ExtractMonth("end_date"), IntegerField()),
    )
    return Case(
        When(start_date__gt=last, then=Value(0)),
        When(end_date__lt=first, then=Value(0)),
        default=end_month - start_month + Value(1),
        output_field=IntegerField(),
    )


def _counted_opinion(year: int, as_of: datetime.date | None, via: str = "") -> Q:
    """An opinion received in the year (up to the end of ``as_of``) that can count as reflected;
    ``via`` is the path from the queried model to the opinion (``"person__user__recorded_opinions__"``
    from a deputy)."""
    return Q(
        **{
            f"{via}received_at__gte": year_start_instant(year),
            f"{via}received_at__lt": _day_end_instant(_counting_end(year, as_of)),
            # A repeat of the same text by the same sender is stored but is not a second opinion.
            f"{via}duplicate_of__isnull": True,
        }
    ) & ~Q(**{f"{via}state__in": OPINION_STATES_NOT_COUNTED})


def _opinions_of_year(year: int, as_of: datetime.date | None) -> QuerySet:
    """Opinions received in the year (up to the end of `as_of`) that can count as reflected."""
    from feedback.models import Opinion

    return Opinion.objects.filter(_counted_opinion(year, as_of))


def counted_opinions(deputies, year: int, *, as_of: datetime.date | None = None) -> QuerySet:
    """The opinions behind the "opinions reflected" number of these mandates (for "my year" lists):
    exactly the rows :func:`annotate_progress` counts, for one deputy or several of one person."""
    deputies = list(deputies)
    recorded = Q(pk__in=[])  # nothing, unless a mandate's person has an account
    for deputy in deputies:
        if deputy.person.user_id:
            while_held = Q(
                recorded_by_id=deputy.person.user_id, received_at__gte=_day_start_instant(deputy.start_date)
            )
            if deputy.end_date:
                while_held &= Q(received_at__lt=_day_end_instant(deputy.end_date))
            recorded |= while_held
    return _opinions_of_year(year, as_of).filter(
        Q(intake_deputy_id__in=[d.pk for d in deputies]) | (Q(intake_deputy__isnull=True) & recorded)
    )


def _counted_contact(year: int, as_of: datetime.date | None) -> Q:
    """A participation in a constituency contact dated in the year (up to ``as_of``)."""
    return (
        Q(
            activity__date__gte=year_bounds(year)[0],
            activity__date__lte=_counting_end(year, as_of),
        )
        & counts_for_deputy()
    )


def counted_participations(deputy, year: int, *, as_of: datetime.date | None = None) -> QuerySet:
    """The participations behind the contact measures of one deputy (for "my year" lists), honouring
    the congress's confirmed-only policy: exactly the rows :func:`annotate_progress` counts."""
    from .models import Participation, QuotaPolicy

    participations = Participation.objects.filter(_counted_contact(year, as_of), deputy=deputy)
    confirmed_only = QuotaPolicy.objects.filter(
        congress_id=deputy.congress_id, year=year, count_confirmed_only=True
    ).exists()
    if confirmed_only:
        participations = participations.filter(activity__confirmed_at__isnull=False)
    return participations.select_related("activity")


def _contact_totals(year: int, as_of: datetime.date | None, suffix: str = "") -> CTE:
    """Per deputy, the year's constituency contacts, centralized ones and people met, each twice:
    all of them, and those of activities a liaison body confirmed (for confirmed-only policies)."""
    from .models import Participation

    counted = Participation.objects.filter(_counted_contact(year, as_of))
    confirmed = Q(activity__confirmed_at__isnull=False)
    centralized = Q(activity__is_centralized=True)
    totals = (
        counted.order_by()
        .values("deputy_id")
        .annotate(
            contacts=Count("pk"),
            contacts_confirmed=Count("pk", filter=confirmed),
            centralized=Count("pk", filter=centralized),
            centralized_confirmed=Count("pk", filter=centralized & confirmed),
            people=Sum("people_met"),
            people_confirmed=Sum("people_met", filter=confirmed),
        )
    )
    return CTE(totals, name=f"quota_contacts{suffix}")


def _opinion_totals(
    deputies: QuerySet, year: int, as_of: datetime.date | None, suffix: str = ""
) -> tuple[CTE, CTE]:
    """Per deputy, the opinions of the year reflected to that deputy when received; and per mandate
    of these deputies, those its person's account recorded without naming a deputy while the mandate
    was held (they count for each mandate of the person that was held on the day)."""
    from deputies.models import Deputy

    named = (
        _opinions_of_year(year, as_of)
        .filter(intake_deputy__isnull=False)
        .order_by()
        .values("intake_deputy_id")
        .annotate(opinions=Count("pk"))
    )
    via = "person__user__recorded_opinions__"
    received_on = TruncDate(f"{via}received_at", tzinfo=SHANGHAI)
    while_held = GreaterThanOrEqual(received_on, F("start_date")) & (
        Q(end_date__isnull=True) | LessThanOrEqual(received_on, F("end_date"))
    )
    recorded = (
        Deputy.objects.filter(pk__in=deputies.values("pk"))
        .order_by()
        .values("pk")
        .annotate(
            opinions=Count(
                f"{via}pk",
                filter=_counted_opinion(year, as_of, via)
                & Q(**{f"{via}intake_deputy__isnull": True})
                & while_held,
            )
        )
    )
    return (
        CTE(named, name=f"quota_opinions_named{suffix}"),
        CTE(recorded, name=f"quota_opinions_recorded{suffix}"),
    )


def annotate_progress(
    queryset: QuerySet,
    year: int,
    *,
    as_of: datetime.date | None = None,
    with_compliant: bool = True,
    cte_suffix: str = "",
) -> QuerySet:
    """Annotate a Deputy queryset with the year's quota measures in one SQL query (§三(六)).

    Adds, per deputy: ``q_name`` (the person's name); ``q_<measure>_done`` and
    ``q_<measure>_required`` for each of ``constituency_contacts``, ``centralized_contacts``,
    ``people_reached``, ``opinions_reflected``; ``q_months`` (months served, for pro-rating),
    ``q_exempt`` and ``q_exemption_reason``, and ``q_compliant`` (exempt, or every measure met).
    Pace depends on the day and is computed by :func:`progress_from_row`. Filtering or ordering on
    these annotations stays in the same query.

    The contacts, the opinions, the year's quota policies and exemptions are each read once, as
    common table expressions grouped by deputy (or user account, or congress), and LEFT JOINed to the
    deputies: one row per deputy, no GROUP BY and no subquery per deputy in the deputies' query.
    ``with_compliant=False`` leaves out ``q_compliant`` for callers that read it from
    :func:`progress_from_row`. ``cte_suffix`` names the tables apart, for a UNION of several years
    (:func:`progress_for_deputy_years`).
    """
    from .models import QuotaExemption, QuotaPolicy

    # A filter on the deputies (one deputy's page) reaches the tables grouped by deputy by itself:
    # PostgreSQL carries it through the join key. The opinions recorded by accounts are counted for
    # these deputies only.
    contacts = _contact_totals(year, as_of, cte_suffix)
    named, recorded = _opinion_totals(queryset.order_by(), year, as_of, cte_suffix)
    policy = CTE(QuotaPolicy.objects.filter(year=year).order_by().values(), name=f"quota_policy{cte_suffix}")
    exemption = CTE(
        QuotaExemption.objects.filter(year=year).order_by().values("deputy_id", "reason"),
        name=f"quota_exemption{cte_suffix}",
    )
    queryset = contacts.join(queryset, pk=contacts.col.deputy_id, _join_type=LOUTER)
    queryset = named.join(queryset, pk=named.col.intake_deputy_id, _join_type=LOUTER)
    queryset = recorded.join(queryset, pk=recorded.col.pk, _join_type=LOUTER)
    queryset = policy.join(queryset, congress_id=policy.col.congress_id, _join_type=LOUTER)
    queryset = exemption.join(queryset, pk=exemption.col.deputy_id, _join_type=LOUTER)
    queryset = with_cte(contacts, named, recorded, policy, exemption, select=queryset)

    confirmed_only = Exact(policy.col.count_confirmed_only, True)

    def contact_measure(column: str):
        """The policy's choice between all contacts and the confirmed ones (0 without contacts)."""
        return Coalesce(
            Case(
                When(confirmed_only, then=getattr(contacts.col, f"{column}_confirmed")),
                default=getattr(contacts.col, column),
            ),
            Value(0),
            output_field=IntegerField(),
        )

    queryset = queryset.annotate(
        q_name=F("person__name"),
        q_months=_months_expression(year),
        q_exempt=IsNull(exemption.col.deputy_id, False),
        q_exemption_reason=Coalesce(exemption.col.reason, Value(""), output_field=CharField()),
        q_constituency_contacts_done=contact_measure("contacts"),
        q_centralized_contacts_done=contact_measure("centralized"),
        q_people_reached_done=contact_measure("people"),
        q_opinions_reflected_done=Coalesce(named.col.opinions, Value(0), output_field=IntegerField())
        + Coalesce(recorded.col.opinions, Value(0), output_field=IntegerField()),
    )
    for measure in MEASURES:
        base = Coalesce(
            getattr(policy.col, POLICY_FIELDS[measure]),
            Value(DEFAULT_REQUIREMENTS[measure]),
            output_field=IntegerField(),
        )
        # ceil(base × months / 12) == (base × months + 11) / 12 in integer division (values ≥ 0).
        queryset = queryset.annotate(
            **{
                f"q_{measure}_required": Case(
                    When(q_months=12, then=base),
                    default=(base * F("q_months") + Value(11)) / Value(12),
                    output_field=IntegerField(),
                )
            }
        )
    if not with_compliant:
        return queryset
    all_met = Q()
    for measure in MEASURES:
        all_met &= Q(**{f"q_{measure}_done__gte": F(f"q_{measure}_required")})
    return queryset.annotate(
        q_compliant=Case(
            When(q_exempt=True, then=Value(True)),
            When(all_met, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


# The annotations progress_from_row reads, in the order of MEASURES.
_DONE = tuple(f"q_{name}_done" for name in MEASURES)
_REQUIRED = tuple(f"q_{name}_required" for name in MEASURES)


def progress_from_row(deputy, year: int, *, as_of: datetime.date | None = None) -> Progress:
    """Build a Progress from a deputy annotated by :func:`annotate_progress` (no query): a model
    instance, or a named row of ``values_list(*PROGRESS_FIELDS, named=True)``."""
    pace_day = as_of or timezone.localdate()
    done = tuple(int(getattr(deputy, name)) for name in _DONE)
    required = tuple(int(getattr(deputy, name)) for name in _REQUIRED)
    exempt = bool(deputy.q_exempt)
    # pace_target for each measure, with the served days counted once per deputy.
    elapsed, length = _elapsed(served_period(deputy.start_date, deputy.end_date, year), pace_day)
    return Progress(
        deputy.pk,
        deputy.q_name,
        year,
        done,
        required,
        exempt=exempt,
        exemption_reason=deputy.q_exemption_reason or "",
        compliant=exempt or all(map(operator.ge, done, required)),
        behind_pace=not exempt
        and any(d < r * elapsed // length for d, r in zip(done, required, strict=True)),
        months_served=int(deputy.q_months),
    )


def deputies_serving_in_year(year: int) -> QuerySet:
    """Mandates that overlap the year (the deputies the quota applies to)."""
    from deputies.models import Deputy

    first, last = year_bounds(year)
    return Deputy.objects.filter(start_date__lte=last).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=first)
    )


# What progress_from_row reads: with `.values_list(*PROGRESS_FIELDS, named=True)` the rows are cheap
# named tuples instead of model instances (the staff overview and the report read 10,000 of them).
PROGRESS_FIELDS = (
    "pk",
    "start_date",
    "end_date",
    "q_name",
    "q_months",
    "q_exempt",
    "q_exemption_reason",
    *_DONE,
    *_REQUIRED,
)


def progress_for_year(
    year: int, *, deputies: QuerySet | None = None, as_of: datetime.date | None = None
) -> list[Progress]:
    """Every deputy's progress for the year (or as of a date), in one query (§三(六))."""
    if deputies is None:
        deputies = deputies_serving_in_year(year)
    rows = (
        annotate_progress(deputies, year, as_of=as_of, with_compliant=False)
        .order_by("congress_id", "q_name", "pk")
        .values_list(*PROGRESS_FIELDS, named=True)
    )
    return [progress_from_row(row, year, as_of=as_of) for row in rows]


def progress_for_deputy(deputy, year: int, *, as_of: datetime.date | None = None) -> Progress:
    """One deputy's progress for the year (§三(六))."""
    from deputies.models import Deputy

    row = (
        annotate_progress(Deputy.objects.filter(pk=deputy.pk), year, as_of=as_of, with_compliant=False)
        .values_list(*PROGRESS_FIELDS, named=True)
        .get()
    )
    return progress_from_row(row, year, as_of=as_of)


def progress_for_deputy_years(deputy, years, *, as_of: datetime.date | None = None) -> dict[int, Progress]:
    """One deputy's progress for each of several years (the performance record), in ONE query: the
    per-year queries of :func:`annotate_progress` joined by UNION ALL, their tables named apart."""
    from deputies.models import Deputy

    years = list(years)
    if not years:
        return {}
    mandate = Deputy.objects.filter(pk=deputy.pk)
    queries = [
        annotate_progress(mandate, year, as_of=as_of, with_compliant=False, cte_suffix=f"_{year}")
        .annotate(q_year=Value(year, output_field=IntegerField()))
        .values_list(*PROGRESS_FIELDS, "q_year", named=True)
        .order_by()  # SQLite allows no ORDER BY inside a UNION
        for year in years
    ]
    rows = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
    return {row.q_year: progress_from_row(row, row.q_year, as_of=as_of) for row in rows}
