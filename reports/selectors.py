"""The yearly compliance report (§三(六), §三(七), R-ACT-2, R-ACT-3): reads only.

Every figure comes from ``contacts.quotas``: the rows are deputies annotated by
:func:`contacts.quotas.annotate_progress` and turned into ``Progress`` by
:func:`contacts.quotas.progress_from_row`. This module adds what the report needs around the rule
(who may see which deputies, the filters, the order, the street or town and group of each deputy,
whether the deputy reported to the voters this term, and subtotals) without recomputing any measure.

One SQL query builds all the rows, for any number of deputies; subtotals are sums over those rows.
"""

from __future__ import annotations

import datetime
import operator
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.db.models.sql.constants import LOUTER
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_cte import CTE, with_cte

from accounts.models import Role
from contacts import quotas
from deputies import permissions as access
from deputies.data.territory import official_position

MEASURES = quotas.MEASURES

# Sort keys of the report → the SQL expressions they order by (annotations of annotate_progress).
SORT_FIELDS = {
    "name": ("q_name",),
    "level": ("r_level",),
    "region": ("r_region_name",),
    "group": ("r_group_name",),
    "constituency_contacts": ("q_constituency_contacts_done",),
    "centralized_contacts": ("q_centralized_contacts_done",),
    "people_reached": ("q_people_reached_done",),
    "opinions_reflected": ("q_opinions_reflected_done",),
    "compliant": (),  # sorted on the built rows: compliance comes from progress_from_row
    "voter_report": ("r_voter_report_date",),
}
DEFAULT_ORDER = ("r_level", "r_region_name", "q_name", "pk")

GROUPINGS = OrderedDict(
    [
        ("level", _("按层级")),
        ("region", _("按街道、镇")),
        ("group", _("按代表小组")),
    ]
)


def level_choices() -> list[tuple[str, str]]:
    from deputies.models import Level

    return [(value, str(label)) for value, label in Level.choices]


@dataclass(frozen=True)
class ReportFilters:
    """What the reader narrowed the report to; ``None`` means "all"."""

    level: str | None = None
    region: int | None = None
    group: int | None = None
    compliant: bool | None = None
    sort: str = ""

    def as_query(self) -> dict:
        data = {}
        if self.level:
            data["level"] = self.level
        if self.region:
            data["region"] = self.region
        if self.group:
            data["group"] = self.group
        if self.compliant is not None:
            data["compliant"] = "yes" if self.compliant else "no"
        if self.sort:
            data["sort"] = self.sort
        return data


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One deputy's line: the quota ``Progress`` plus where the deputy belongs."""

    progress: quotas.Progress
    level: str
    level_label: str
    congress: str
    region_id: int | None
    region_name: str
    group_id: int | None
    group_name: str
    voter_report_date: datetime.date | None

    @property
    def deputy_id(self) -> int:
        return self.progress.deputy_id

    @property
    def name(self) -> str:
        return self.progress.name

    @property
    def voter_report(self) -> bool:
        return self.voter_report_date is not None

    @property
    def compliant(self) -> bool:
        return self.progress.compliant

    @property
    def missing(self) -> str:
        return self.progress.missing_text()

    def as_dict(self) -> dict:
        """The API row: the progress contract (deputy, name, measures {done, required}, compliant,
        behind_pace, exempt) plus the report's own columns."""
        return {
            **self.progress.as_dict(),
            "level": self.level,
            "congress": self.congress,
            "region": self.region_id,
            "region_name": self.region_name,
            "group": self.group_id,
            "group_name": self.group_name,
            "voter_report": self.voter_report,
            "voter_report_date": self.voter_report_date.isoformat() if self.voter_report_date else None,
        }


@dataclass
class Subtotal:
    """Sums over some rows: deputies, compliant, exempt and behind deputies, each measure done."""

    key: str
    label: str
    deputies: int = 0
    compliant: int = 0
    exempt: int = 0
    behind_pace: int = 0
    voter_reports: int = 0
    done: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEASURES, 0))
    met: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEASURES, 0))

    def add(self, deputies: int, figures: Sequence[int]) -> None:
        """Count in ``deputies`` rows whose :func:`_figures` sum to ``figures``."""
        self.deputies += deputies
        self.compliant += figures[0]
        self.exempt += figures[1]
        self.behind_pace += figures[2]
        self.voter_reports += figures[3]
        for i, name in enumerate(MEASURES):
            self.done[name] += figures[4 + i]
            self.met[name] += figures[4 + len(MEASURES) + i]

    @property
    def not_compliant(self) -> int:
        return self.deputies - self.compliant

    @property
    def compliance_rate(self) -> float:
        """Share of compliant deputies, in percent with one decimal (0 for no deputies)."""
        return round(100 * self.compliant / self.deputies, 1) if self.deputies else 0.0

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": str(self.label),
            "deputies": self.deputies,
            "compliant": self.compliant,
            "not_compliant": self.not_compliant,
            "exempt": self.exempt,
            "behind_pace": self.behind_pace,
            "voter_reports": self.voter_reports,
            "compliance_rate": self.compliance_rate,
            "done": dict(self.done),
            "met": dict(self.met),
        }


@dataclass
class ComplianceReport:
    year: int
    as_of: datetime.date | None
    filters: ReportFilters
    rows: list[ReportRow]
    total: Subtotal
    subtotals: dict[str, list[Subtotal]]

    def rows_by_level(self) -> OrderedDict[str, list[ReportRow]]:
        levels: OrderedDict[str, list[ReportRow]] = OrderedDict()
        for row in self.rows:
            levels.setdefault(row.level, []).append(row)
        return levels

    def distribution(self, measure: str) -> dict:
        """How many deputies reached each share of the quota for one measure (for a chart):
        buckets 0%, 1–49%, 50–99%, ≥100% of what is required; exempt deputies are left out."""
        buckets = {"zero": 0, "under_half": 0, "over_half": 0, "met": 0}
        for row in self.rows:
            if row.progress.exempt:
                continue
            m = getattr(row.progress, measure)
            if m.met:
                buckets["met"] += 1
            elif m.done == 0:
                buckets["zero"] += 1
            elif 2 * m.done < m.required:
                buckets["under_half"] += 1
            else:
                buckets["over_half"] += 1
        return buckets

    def as_dict(self) -> dict:
        return {
            "year": self.year,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "filters": self.filters.as_query(),
            "count": len(self.rows),
            "total": self.total.as_dict(),
            "subtotals": {key: [s.as_dict() for s in values] for key, values in self.subtotals.items()},
            "results": [row.as_dict() for row in self.rows],
        }


# --- Scope ----------------------------------------------------------------------------------------


def deputies_for_report(user, year: int) -> QuerySet:
    """The mandates of the year that this user's report covers (deputies.permissions decides who)."""
    visible = access.deputies_in_jurisdiction(user).values("pk")
    return quotas.deputies_serving_in_year(year).filter(pk__in=visible)


def regions_for_filter(user) -> QuerySet:
    """The streets and towns this user may narrow the report to."""
    from deputies.models import Region

    regions = Region.objects.streets_and_towns()
    if access.is_district_wide(user):
        return regions
    if user.role == Role.LIAISON_STAFF:
        return access.regions_in_jurisdiction(user).streets_and_towns()
    linked = access.deputies_in_jurisdiction(user)
    return regions.filter(
        Q(pk__in=linked.values("constituency__region_id")) | Q(pk__in=linked.values("group__region_id"))
    )


def groups_for_filter(user, year: int) -> QuerySet:
    """The deputy groups of the deputies in the report."""
    from deputies.models import DeputyGroup

    return (
        DeputyGroup.objects.filter(pk__in=deputies_for_report(user, year).values("group_id"))
        .select_related("congress")
        .order_by("congress__level", "name", "pk")
    )


# --- The report -----------------------------------------------------------------------------------


def _annotated(deputies: QuerySet, year: int, as_of: datetime.date | None) -> QuerySet:
    """The deputies with what a report row shows, as annotations (``r_`` and quotas' ``q_``).

    :func:`contacts.quotas.annotate_progress` joins each deputy to its grouped measures; the name,
    level, congress, group and street or town are joined in the same query, and the latest report to
    the voters of the term is one more grouped table (a common table expression) joined the same way.
    """
    from contacts.models import VoterReport

    year_end = quotas.year_bounds(year)[1]
    # §三(七): a report to the voters at least once per term: any report from the start of the
    # deputy's congress term up to the end of the report's year (or as_of).
    voter_reports = CTE(
        VoterReport.objects.held()
        .filter(
            date__gte=F("deputy__congress__start_date"),
            date__lte=min(year_end, as_of) if as_of else year_end,
        )
        .order_by()
        .values("deputy_id")
        .annotate(latest=Max("date")),
        name="report_voter_reports",
    )
    # Compliance is read from the measures by progress_from_row (contacts.quotas, with_compliant).
    deputies = quotas.annotate_progress(deputies, year, as_of=as_of, with_compliant=False)
    deputies = voter_reports.join(deputies, pk=voter_reports.col.deputy_id, _join_type=LOUTER)
    return with_cte(voter_reports, select=deputies).annotate(
        r_level=F("congress__level"),
        r_congress_name=F("congress__name"),
        r_group_name=F("group__name"),
        r_region_id=Coalesce("constituency__region_id", "group__region_id"),
        # The street or town of the constituency, else of the group, else the congress's own region.
        r_region_name=Coalesce("constituency__region__name", "group__region__name", "congress__region__name"),
        r_voter_report_date=ExpressionWrapper(voter_reports.col.latest, output_field=DateField()),
    )


def _filtered(deputies: QuerySet, filters: ReportFilters) -> QuerySet:
    if filters.level:
        deputies = deputies.filter(congress__level=filters.level)
    if filters.region:
        deputies = deputies.filter(r_region_id=filters.region)
    if filters.group:
        deputies = deputies.filter(group_id=filters.group)
    # The compliant filter and sort are applied to the built rows (see compliance_report).
    return deputies


def _ordering(sort: str) -> tuple[str, ...]:
    descending = sort.startswith("-")
    fields = SORT_FIELDS.get(sort.lstrip("-"))
    if not fields:  # unknown, or sorted in Python (compliant): the default order first
        return DEFAULT_ORDER
    prefix = "-" if descending else ""
    return (*(prefix + f for f in fields), "q_name", "pk")


# The columns a report row is read with: named rows of `.values_list()` are much cheaper than four
# model instances per deputy, and progress_from_row reads them as it reads an annotated deputy.
_ROW_FIELDS = (
    *quotas.PROGRESS_FIELDS,
    "r_level",
    "r_congress_name",
    "group_id",
    "r_group_name",
    "r_region_id",
    "r_region_name",
    "r_voter_report_date",
)


def _row(values, year: int, pace_day: datetime.date, level_labels: dict) -> ReportRow:
    return ReportRow(
        # progress_from_row reads as_of only as the day pace is measured on.
        progress=quotas.progress_from_row(values, year, as_of=pace_day),
        level=values.r_level,
        level_label=level_labels.get(values.r_level, values.r_level),
        congress=values.r_congress_name,
        region_id=values.r_region_id,
        region_name=values.r_region_name or "",
        group_id=values.group_id,
        group_name=values.r_group_name or "",
        voter_report_date=values.r_voter_report_date,
    )


def _figures(row: ReportRow) -> tuple[int, ...]:
    """What a subtotal sums of one row: compliant, exempt, behind pace, reported to the voters, then
    each measure done, then whether each measure is met (booleans count as 0 or 1)."""
    p = row.progress
    return (
        p.compliant,
        p.exempt,
        p.behind_pace,
        row.voter_report_date is not None,
        *p.done,
        *map(operator.ge, p.done, p.required),
    )


def subtotals_of(rows: list[ReportRow]) -> tuple[Subtotal, dict[str, list[Subtotal]]]:
    """The report's total and its subtotals by level, by street or town and by deputy group."""
    # Rows of the same level, street or town and group fall into the same subtotals: their figures
    # are summed per combination first, and the few combinations are then added into each subtotal.
    combinations: dict[tuple, list[tuple[int, ...]]] = {}
    for row in rows:
        where = (row.level, row.level_label, row.region_id, row.region_name, row.group_id, row.group_name)
        combinations.setdefault(where, []).append(_figures(row))
    total = Subtotal(key="all", label=_("合计"))
    groups: dict[str, dict[str, Subtotal]] = {key: {} for key in GROUPINGS}
    for (level, level_label, region_id, region_name, group_id, group_name), figures in combinations.items():
        sums = [sum(column) for column in zip(*figures, strict=True)]
        total.add(len(figures), sums)
        keys = {
            "level": (level, level_label),
            "region": (str(region_id or ""), region_name or _("未设置")),
            "group": (str(group_id or ""), group_name or _("未设置")),
        }
        for grouping, (key, label) in keys.items():
            bucket = groups[grouping].get(key)
            if bucket is None:
                bucket = groups[grouping][key] = Subtotal(key=key, label=label)
            bucket.add(len(figures), sums)
    ordered = {key: sorted(values.values(), key=lambda s: str(s.label)) for key, values in groups.items()}
    # Levels read district first, then town; streets and towns in the official order.
    ordered["level"] = sorted(groups["level"].values(), key=lambda s: s.key)
    ordered["region"] = sorted(
        groups["region"].values(), key=lambda s: (official_position(str(s.label)), str(s.label))
    )
    return total, ordered


def compliance_report(
    *,
    user,
    year: int,
    filters: ReportFilters | None = None,
    as_of: datetime.date | None = None,
    deputies: QuerySet | None = None,
) -> ComplianceReport:
    """The yearly compliance report as this user may see it: one row per deputy (§三(六), §三(七)).

    One SQL query for the rows whatever their number. ``deputies`` overrides the scope (the
    management command and snapshots run the whole district).
    """
    filters = filters or ReportFilters()
    scope = deputies if deputies is not None else deputies_for_report(user, year)
    queryset = _filtered(_annotated(scope, year, as_of), filters)
    queryset = queryset.order_by(*_ordering(filters.sort)).values_list(*_ROW_FIELDS, named=True)
    level_labels = dict(level_choices())
    # Pace is measured on as_of, or today: ask for the day once, not once per row.
    pace_day = as_of or timezone.localdate()
    rows = [_row(values, year, pace_day, level_labels) for values in queryset]
    if filters.compliant is not None:
        rows = [row for row in rows if row.compliant == filters.compliant]
    if filters.sort.lstrip("-") == "compliant":
        rows.sort(key=lambda row: row.compliant, reverse=filters.sort.startswith("-"))
    total, subtotals = subtotals_of(rows)
    return ComplianceReport(
        year=year, as_of=as_of, filters=filters, rows=rows, total=total, subtotals=subtotals
    )


# --- Snapshots of closed years --------------------------------------------------------------------


@dataclass
class SnapshotView:
    snapshot: object
    rows: list[dict]
    amendments: list


def snapshot_for(user, year: int) -> SnapshotView | None:
    """The stored report of a closed year, cut to the rows this user may see, and the amendments
    made to that year's activities since it was stored (listed beside it, never merged into it)."""
    from contacts.models import Amendment

    from .models import ComplianceSnapshot

    snapshot = ComplianceSnapshot.objects.filter(year=year).first()
    if snapshot is None:
        return None
    in_jurisdiction = access.deputies_in_jurisdiction(user).values("pk")
    visible = set(in_jurisdiction.values_list("pk", flat=True))
    rows = [row for row in snapshot.rows if row["deputy"] in visible]
    amendments = list(
        Amendment.objects.filter(
            activity__date__year=year,
            made_at__gte=snapshot.created_at,
            activity__participations__deputy__in=in_jurisdiction,
        )
        .select_related("activity", "made_by")
        .distinct()
        .order_by("made_at", "pk")
    )
    return SnapshotView(snapshot=snapshot, rows=rows, amendments=amendments)


# --- Work funds (§五(七)) --------------------------------------------------------------------------


@dataclass(frozen=True)
class FundLine:
    organization_id: int
    name: str
    fund_id: int | None
    planned: Decimal | None
    spent: Decimal

    @property
    def remaining(self) -> Decimal | None:
        return None if self.planned is None else self.planned - self.spent

    @property
    def used_percent(self) -> int:
        return int(100 * self.spent / self.planned) if self.planned else 0


def fund_bodies(user) -> QuerySet:
    """The liaison bodies whose funds this user sees: all for district-wide users, else their own."""
    from deputies.models import Organization

    bodies = Organization.objects.liaison_bodies()
    if access.is_district_wide(user):
        return bodies
    if access.is_liaison_staff(user):
        return bodies.filter(pk=user.organization_id)
    return bodies.none()


def funds_summary(user, year: int) -> list[FundLine]:
    """Each liaison body's plan and spending for the year, in one query."""
    from .models import FundSpending, WorkFund

    fund = WorkFund.objects.filter(organization_id=OuterRef("pk"), year=year)
    spent = (
        FundSpending.objects.filter(fund__organization_id=OuterRef("pk"), fund__year=year)
        .order_by()
        .values("fund__organization_id")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    rows = (
        fund_bodies(user)
        .annotate(
            f_id=Subquery(fund.values("pk")[:1]),
            f_planned=Subquery(fund.values("planned")[:1]),
            f_spent=Subquery(spent, output_field=DecimalField(max_digits=14, decimal_places=2)),
        )
        .order_by("kind", "name")
        .values("pk", "name", "f_id", "f_planned", "f_spent")
    )
    return [
        FundLine(
            organization_id=r["pk"],
            name=r["name"],
            fund_id=r["f_id"],
            planned=r["f_planned"],
            spent=r["f_spent"] or Decimal("0"),
        )
        for r in rows
    ]


def own_liaison_body(user):
    """The liaison body whose work fund `user` keeps (their own organization), or None."""
    return user.organization if user.organization_id and user.organization.is_liaison_body else None


def work_fund(organization, year: int):
    """`organization`'s work fund for `year` (its plan), or None when no plan was entered."""
    from .models import WorkFund

    funds = WorkFund.objects.filter(organization=organization, year=year)
    return funds.select_related("organization").first()


def recent_spendings(organization, year: int, *, limit: int = 100):
    """The latest spendings of `organization`'s fund for `year`, newest first (none without a body)."""
    from .models import FundSpending

    if organization is None:
        return []
    spendings = FundSpending.objects.filter(fund__organization=organization, fund__year=year)
    return spendings.order_by("-date", "-id")[:limit]
