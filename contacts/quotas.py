"""The yearly quota of §三(六) (R-ACT-2): the one place the rule lives.

    代表参加进选区联系人民群众活动，每年一般不少于4次，其中，集中联系选区每年不少于2次，
    联系人民群众不少于40人次，反映社情民意不少于4次。

Measures, for one deputy (one mandate) and one calendar year in Asia/Shanghai:

- ``constituency_contacts``: activities the deputy took part in that are constituency contacts
  (进选区联系), dated within the year (and on or before ``as_of``);
- ``centralized_contacts``: those of them that are centralized (集中联系选区);
- ``people_reached``: the sum of the deputy's own ``Participation.people_met`` in those constituency
  contacts, so a joint activity credits each deputy once with the people that deputy met;
- ``opinions_reflected``: opinions received within the year that name the deputy (``Opinion.deputy``)
  or that the deputy's account recorded without naming another deputy, except opinions still awaiting
  moderation, rejected, merged into another, or stored as a duplicate of an earlier one.

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
from contextlib import contextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import Col
from django.db.models.functions import Cast, Coalesce, ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

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


@dataclass(frozen=True)
class Measure:
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


@dataclass(frozen=True)
class Progress:
    deputy_id: int
    name: str
    year: int
    constituency_contacts: Measure
    centralized_contacts: Measure
    people_reached: Measure
    opinions_reflected: Measure
    exempt: bool
    exemption_reason: str
    compliant: bool
    behind_pace: bool
    months_served: int = 12

    def measures(self) -> dict[str, Measure]:
        return {name: getattr(self, name) for name in MEASURES}

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


# --- Periods --------------------------------------------------------------------------------------


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def year_start_instant(year: int) -> datetime.datetime:
    """Midnight of 1 January in Asia/Shanghai: the year boundary for timestamps (opinions)."""
    return datetime.datetime(year, 1, 1, tzinfo=SHANGHAI)


def _day_end_instant(day: datetime.date) -> datetime.datetime:
    """The first instant after ``day`` in Asia/Shanghai."""
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), tzinfo=SHANGHAI)


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


def pace_target(
    required: int, *, period: tuple[datetime.date, datetime.date] | None, as_of: datetime.date
) -> int:
    """What should be done by ``as_of``: required × elapsed fraction of the served period, rounded down."""
    if period is None:
        return 0
    start, end = period
    length = (end - start).days + 1
    elapsed = min(max((as_of - start).days + 1, 0), length)
    return required * elapsed // length


# --- The aggregate query --------------------------------------------------------------------------


class PerDeputy(ExpressionWrapper):
    """A per-deputy value (a subquery, or an expression over the deputy's columns) in a query that
    :func:`annotate_progress` groups by deputy.

    Django groups by every non-aggregate annotation as a whole; PostgreSQL then computes such an
    expression, subqueries included, once per joined participation row before grouping. Wrapped,
    the query is grouped by the plain columns the expression reads instead, and the expression is
    computed once per deputy, after the aggregation. Callers adding their own per-deputy subqueries
    to a queryset they pass to :func:`annotate_progress` (reports) wrap them in this too.
    """

    def get_group_by_cols(self):
        return _columns_read(self.expression)


def _columns_read(expression) -> list:
    """The outer columns an expression reads (for GROUP BY)."""
    if isinstance(expression, Subquery):
        return list(expression.query.get_external_cols())
    if isinstance(expression, Col):
        return [expression]
    columns = []
    for source in expression.get_source_expressions():
        if source is not None and hasattr(source, "get_source_expressions"):
            columns.extend(_columns_read(source))
    return columns


def _per_deputy(expression, output_field) -> PerDeputy:
    return PerDeputy(expression, output_field=output_field)


def _plain_count(queryset) -> Coalesce:
    """COUNT(*) of a correlated subquery without GROUP BY."""
    return Coalesce(
        Subquery(
            queryset.order_by().annotate(value=Func(F("pk"), function="COUNT")).values("value")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


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


def _opinions_of_year(year: int, as_of: datetime.date | None) -> QuerySet:
    """Opinions received in the year (up to the end of `as_of`) that can count as reflected."""
    from feedback.models import Opinion

    return (
        Opinion.objects.filter(
            received_at__gte=year_start_instant(year),
            received_at__lt=_day_end_instant(_counting_end(year, as_of)),
        )
        .exclude(state__in=OPINION_STATES_NOT_COUNTED)
        # A repeat of the same text by the same sender is stored but is not a second opinion.
        .filter(duplicate_of__isnull=True)
    )


def counted_opinions(deputies, year: int, *, as_of: datetime.date | None = None) -> QuerySet:
    """The opinions behind the "opinions reflected" number of these mandates (for "my year" lists):
    exactly the rows :func:`annotate_progress` counts, for one deputy or several of one person."""
    deputies = list(deputies)
    ids = [d.pk for d in deputies]
    user_ids = [d.person.user_id for d in deputies if d.person.user_id]
    return _opinions_of_year(year, as_of).filter(
        Q(deputy_id__in=ids) | Q(deputy__isnull=True, recorded_by_id__in=user_ids)
    )


def counted_participations(deputy, year: int, *, as_of: datetime.date | None = None) -> QuerySet:
    """The participations behind the contact measures of one deputy (for "my year" lists), honouring
    the congress's confirmed-only policy: exactly the rows :func:`annotate_progress` counts."""
    from .models import Participation, QuotaPolicy

    participations = Participation.objects.filter(
        deputy=deputy,
        activity__date__gte=year_bounds(year)[0],
        activity__date__lte=_counting_end(year, as_of),
        activity__is_constituency_contact=True,
    )
    confirmed_only = QuotaPolicy.objects.filter(
        congress_id=deputy.congress_id, year=year, count_confirmed_only=True
    ).exists()
    if confirmed_only:
        participations = participations.filter(activity__confirmed_at__isnull=False)
    return participations.select_related("activity")


def annotate_progress(
    queryset: QuerySet, year: int, *, as_of: datetime.date | None = None, with_compliant: bool = True
) -> QuerySet:
    """Annotate a Deputy queryset with the year's quota measures in one SQL query (§三(六)).

    Adds, per deputy: ``q_<measure>_done`` and ``q_<measure>_required`` for each of
    ``constituency_contacts``, ``centralized_contacts``, ``people_reached``, ``opinions_reflected``;
    ``q_months`` (months served, for pro-rating), ``q_exempt`` and ``q_exemption_reason``, and
    ``q_compliant`` (exempt, or every measure met). Pace depends on the day and is computed by
    :func:`progress_from_row`. Filtering or ordering on these annotations stays in the same query.

    The contact measures are conditional aggregates (``COUNT``/``SUM … FILTER``) over one outer join
    of the deputies to their participations and activities, so the query is grouped by deputy;
    opinions, exemption and policy stay per-deputy subqueries (:class:`PerDeputy`), computed once
    per deputy after the grouping. Consequences for callers: pass a queryset not already filtered
    through ``participations`` (such a filter would narrow the counted rows too), and wrap any
    per-deputy subquery annotated on it in :class:`PerDeputy` (else PostgreSQL evaluates it once per
    participation). ``with_compliant=False`` leaves out ``q_compliant`` for callers that read it from
    :func:`progress_from_row`.
    """
    from .models import QuotaExemption, QuotaPolicy

    first = year_bounds(year)[0]
    last = _counting_end(year, as_of)

    policy = QuotaPolicy.objects.filter(congress_id=OuterRef("congress_id"), year=year)
    # The contact measures are conditional aggregates over ONE join deputies ⟕ participations ⟕
    # activities, grouped by deputy: PostgreSQL hash-joins each table once instead of running a
    # correlated subquery per deputy and measure (docs/benchmarks.md). The join is the only to-many
    # join of the query (opinions stay correlated subqueries), so no row is counted twice.
    counted = Q(
        participations__activity__date__gte=first,
        participations__activity__date__lte=last,
        participations__activity__is_constituency_contact=True,
    )
    confirmed = Q(participations__activity__confirmed_at__isnull=False)
    centralized = Q(participations__activity__is_centralized=True)
    # Evaluated once per deputy (after grouping), not once per participation.
    confirmed_only = Exists(policy.filter(count_confirmed_only=True))

    def contact_measure(aggregate, condition: Q | None = None):
        condition = counted & condition if condition else counted
        return Case(
            When(confirmed_only, then=Coalesce(aggregate(filter=condition & confirmed), Value(0))),
            default=Coalesce(aggregate(filter=condition), Value(0)),
            output_field=IntegerField(),
        )

    def participations(**kwargs):
        return Count("participations", **kwargs)

    def people_met(**kwargs):
        return Sum("participations__people_met", **kwargs)

    # Two index-friendly subqueries (by deputy, by recording user) rather than one with OR.
    opinions_named = _opinions_of_year(year, as_of).filter(deputy_id=OuterRef("pk"))
    # Correlated on the deputy's own column person_id (not person__user_id): a joined table's column
    # would join that table into the grouped query and widen its GROUP BY.
    opinions_recorded = _opinions_of_year(year, as_of).filter(
        deputy__isnull=True, recorded_by__person=OuterRef("person_id")
    )
    exemption = QuotaExemption.objects.filter(deputy_id=OuterRef("pk"), year=year)

    annotations = {
        "q_months": _per_deputy(_months_expression(year), IntegerField()),
        "q_exempt": Exists(exemption),
        # Looked up only for the few exempt deputies (EXISTS is one hashed scan of the exemptions).
        "q_exemption_reason": _per_deputy(
            Case(
                When(Exists(exemption), then=Subquery(exemption.values("reason")[:1])),
                default=Value(""),
                output_field=CharField(),
            ),
            CharField(),
        ),
        "q_constituency_contacts_done": contact_measure(participations),
        "q_centralized_contacts_done": contact_measure(participations, centralized),
        "q_people_reached_done": contact_measure(people_met),
        # Opinions may match on the deputy or on the recording user: count in a subquery of ids.
        "q_opinions_reflected_done": _per_deputy(
            _plain_count(opinions_named) + _plain_count(opinions_recorded), IntegerField()
        ),
    }
    queryset = queryset.annotate(**annotations)
    for measure in MEASURES:
        base = Coalesce(
            Subquery(policy.values(POLICY_FIELDS[measure])[:1], output_field=IntegerField()),
            Value(DEFAULT_REQUIREMENTS[measure]),
        )
        # ceil(base × months / 12) == (base × months + 11) / 12 in integer division (values ≥ 0).
        queryset = queryset.annotate(
            **{
                f"q_{measure}_required": _per_deputy(
                    Case(
                        When(q_months=12, then=base),
                        default=(base * F("q_months") + Value(11)) / Value(12),
                        output_field=IntegerField(),
                    ),
                    IntegerField(),
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


def progress_from_row(deputy, year: int, *, as_of: datetime.date | None = None) -> Progress:
    """Build a Progress from a deputy annotated by :func:`annotate_progress` (no query)."""
    today = timezone.localdate()
    pace_day = as_of or today
    measures = {
        name: Measure(
            done=int(getattr(deputy, f"q_{name}_done")), required=int(getattr(deputy, f"q_{name}_required"))
        )
        for name in MEASURES
    }
    exempt = bool(deputy.q_exempt)
    period = served_period(deputy.start_date, deputy.end_date, year)
    behind = not exempt and any(
        m.done < pace_target(m.required, period=period, as_of=pace_day) for m in measures.values()
    )
    return Progress(
        deputy_id=deputy.pk,
        name=deputy.person.name,
        year=year,
        **measures,
        exempt=exempt,
        exemption_reason=deputy.q_exemption_reason or "",
        compliant=exempt or all(m.met for m in measures.values()),
        behind_pace=behind,
        months_served=int(deputy.q_months),
    )


def deputies_serving_in_year(year: int) -> QuerySet:
    """Mandates that overlap the year (the deputies the quota applies to)."""
    from deputies.models import Deputy

    first, last = year_bounds(year)
    return Deputy.objects.filter(start_date__lte=last).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=first)
    )


@contextmanager
def without_jit():
    """PostgreSQL's JIT compiler sees a high cost estimate for many correlated subqueries and spends
    seconds compiling a query that runs in milliseconds (measured: 5,000 deputies, 16 s of which 15.8 s
    JIT). Turn it off for this transaction only; other databases need nothing. Callers that evaluate
    :func:`annotate_progress` themselves for many deputies (reports) wrap the evaluation in this."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield


def progress_for_year(
    year: int, *, deputies: QuerySet | None = None, as_of: datetime.date | None = None
) -> list[Progress]:
    """Every deputy's progress for the year (or as of a date), in one query (§三(六))."""
    if deputies is None:
        deputies = deputies_serving_in_year(year)
    rows = annotate_progress(
        deputies.select_related("person"), year, as_of=as_of, with_compliant=False
    ).order_by("congress_id", "person__name", "pk")
    with without_jit():
        rows = list(rows)
    return [progress_from_row(row, year, as_of=as_of) for row in rows]


def progress_for_deputy(deputy, year: int, *, as_of: datetime.date | None = None) -> Progress:
    """One deputy's progress for the year (§三(六))."""
    from deputies.models import Deputy

    row = annotate_progress(
        Deputy.objects.filter(pk=deputy.pk).select_related("person"), year, as_of=as_of, with_compliant=False
    ).get()
    return progress_from_row(row, year, as_of=as_of)
