"""Public disclosure (R-ACT-5, R-OP-5): the district's yearly figures for everyone.

Aggregates only: numbers of activities, people reached, opinions received and answered and the
on-time rates, by street or town and by month. Never a name, a phone number, an address, a
tracking code or the text of an opinion.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from contacts.models import ContactActivity
from deputies.data.territory import official_position

from .handling import HandlingStats, handling_stats

# Opinions awaiting moderation or refused are not "received" for the public figures.
NOT_PUBLIC_STATES = ("moderation",)


@dataclass
class PublicStats:
    year: int
    activities: int
    constituency_contacts: int
    people_reached: int
    handling: HandlingStats
    activities_by_region: list[tuple[str, int, int]]
    activities_by_month: list[int]

    @property
    def opinions_received(self) -> int:
        return sum(n for key, _l, n in self.handling.breakdowns["state"] if key not in NOT_PUBLIC_STATES)

    @property
    def opinions_answered(self) -> int:
        return self.handling.answered

    def as_dict(self) -> dict:
        steps = {
            key: {"done": s.done, "on_time_rate": s.on_time_rate} for key, s in self.handling.steps.items()
        }
        return {
            "year": self.year,
            "activities": self.activities,
            "constituency_contacts": self.constituency_contacts,
            "people_reached": self.people_reached,
            "opinions_received": self.opinions_received,
            "opinions_answered": self.opinions_answered,
            "satisfaction_rate": self.handling.satisfaction_rate,
            "on_time": steps,
            "activities_by_region": [
                {"region": name, "activities": n, "people_reached": people}
                for name, n, people in self.activities_by_region
            ],
            "activities_by_month": self.activities_by_month,
        }


def public_stats(year: int) -> PublicStats:
    """The district's figures for the year (a fixed number of queries)."""
    activities = ContactActivity.objects.in_year(year).held()
    by_region = list(
        activities.order_by()
        .values("constituency__region__name", "date__month", "is_constituency_contact")
        .annotate(n=Count("pk"), people=Sum("people_reached"))
    )
    regions: Counter = Counter()
    region_people: Counter = Counter()
    months = [0] * 12
    total = contacts = people = 0
    for row in by_region:
        name = row["constituency__region__name"] or str(_("其他"))
        regions[name] += row["n"]
        region_people[name] += row["people"] or 0
        months[row["date__month"] - 1] += row["n"]
        total += row["n"]
        people += row["people"] or 0
        contacts += row["n"] if row["is_constituency_contact"] else 0
    return PublicStats(
        year=year,
        activities=total,
        constituency_contacts=contacts,
        people_reached=people,
        handling=handling_stats(user=None, year=year, district_wide=True),
        activities_by_region=sorted(  # streets and towns in the official order
            [(name, n, region_people[name]) for name, n in regions.items()],
            key=lambda item: (official_position(item[0]), item[0]),
        ),
        activities_by_month=months,
    )
