"""The aggregate query of the quota (§三(六)): every measure of any number of deputies in ONE query
(`annotate_progress`), the rows behind each number, and Progress built from the query's rows."""

from __future__ import annotations

import datetime
import operator

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
from django_cte import CTE, with_cte

from .counting import OPINION_STATES_NOT_COUNTED, counts_for_deputy
from .periods import (
    SHANGHAI,
    _counting_end,
    _day_end_instant,
    _day_start_instant,
    _elapsed,
    served_period,
    year_bounds,
    year_start_instant,
)
from .progress import DEFAULT_REQUIREMENTS, MEASURES, POLICY_FIELDS, Progress

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
    from ..models import Participation, QuotaPolicy

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
    from ..models import Participation

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


def _join_totals(queryset: QuerySet, year: int, as_of: datetime.date | None, suffix: str):
    """The deputies LEFT JOINed to the year's grouped tables (contacts, opinions named and recorded,
    the congress's policy, the exemption): the queryset, and the tables for reading their columns."""
    from ..models import QuotaExemption, QuotaPolicy

    # A filter on the deputies (one deputy's page) reaches the tables grouped by deputy by itself:
    # PostgreSQL carries it through the join key. The opinions recorded by accounts are counted for
    # these deputies only.
    contacts = _contact_totals(year, as_of, suffix)
    named, recorded = _opinion_totals(queryset.order_by(), year, as_of, suffix)
    policy = CTE(QuotaPolicy.objects.filter(year=year).order_by().values(), name=f"quota_policy{suffix}")
    exemption = CTE(
        QuotaExemption.objects.filter(year=year).order_by().values("deputy_id", "reason"),
        name=f"quota_exemption{suffix}",
    )
    queryset = contacts.join(queryset, pk=contacts.col.deputy_id, _join_type=LOUTER)
    queryset = named.join(queryset, pk=named.col.intake_deputy_id, _join_type=LOUTER)
    queryset = recorded.join(queryset, pk=recorded.col.pk, _join_type=LOUTER)
    queryset = policy.join(queryset, congress_id=policy.col.congress_id, _join_type=LOUTER)
    queryset = exemption.join(queryset, pk=exemption.col.deputy_id, _join_type=LOUTER)
    tables = {
        "contacts": contacts,
        "named": named,
        "recorded": recorded,
        "policy": policy,
        "exemption": exemption,
    }
    return with_cte(*tables.values(), select=queryset), tables


def _done_measures(tables: dict) -> dict:
    """The annotations of what is done: contacts as the policy counts them (all, or the confirmed
    ones; 0 without contacts), and opinions named plus recorded."""
    contacts, policy = tables["contacts"], tables["policy"]
    confirmed_only = Exact(policy.col.count_confirmed_only, True)

    def contact_measure(column: str):
        return Coalesce(
            Case(
                When(confirmed_only, then=getattr(contacts.col, f"{column}_confirmed")),
                default=getattr(contacts.col, column),
            ),
            Value(0),
            output_field=IntegerField(),
        )

    def opinions(table):
        return Coalesce(table.col.opinions, Value(0), output_field=IntegerField())

    return {
        "q_constituency_contacts_done": contact_measure("contacts"),
        "q_centralized_contacts_done": contact_measure("centralized"),
        "q_people_reached_done": contact_measure("people"),
        "q_opinions_reflected_done": opinions(tables["named"]) + opinions(tables["recorded"]),
    }


def _required_measures(policy: CTE) -> dict:
    """The annotations of what is required: the policy's number (the regulation's without a policy),
    pro-rated: ceil(base × months / 12) == (base × months + 11) / 12 in integer division (values ≥ 0)."""
    required = {}
    for measure in MEASURES:
        base = Coalesce(
            getattr(policy.col, POLICY_FIELDS[measure]),
            Value(DEFAULT_REQUIREMENTS[measure]),
            output_field=IntegerField(),
        )
        required[f"q_{measure}_required"] = Case(
            When(q_months=12, then=base),
            default=(base * F("q_months") + Value(11)) / Value(12),
            output_field=IntegerField(),
        )
    return required


def _compliant() -> Case:
    """Exempt, or every measure met."""
    all_met = Q()
    for measure in MEASURES:
        all_met &= Q(**{f"q_{measure}_done__gte": F(f"q_{measure}_required")})
    return Case(
        When(q_exempt=True, then=Value(True)),
        When(all_met, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
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
    queryset, tables = _join_totals(queryset, year, as_of, cte_suffix)
    exemption = tables["exemption"]
    queryset = queryset.annotate(
        q_name=F("person__name"),
        q_months=_months_expression(year),
        q_exempt=IsNull(exemption.col.deputy_id, False),
        q_exemption_reason=Coalesce(exemption.col.reason, Value(""), output_field=CharField()),
        **_done_measures(tables),
    )
    queryset = queryset.annotate(**_required_measures(tables["policy"]))
    return queryset.annotate(q_compliant=_compliant()) if with_compliant else queryset


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
    # The pace: required × elapsed fraction of the served days, rounded down, for each measure.
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
