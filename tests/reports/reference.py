"""An independent computation of the compliance report from raw rows, in plain Python.

It reads the tables with `.values()` and applies the regulation as written in contacts/quotas/'s
docstring (§三(六)), so that a mistake in the SQL of the report shows as a difference here.
"""

from __future__ import annotations

import datetime
import math
from zoneinfo import ZoneInfo

from contacts.models import Participation, QuotaExemption, QuotaPolicy, VoterReport
from deputies.models import Deputy
from feedback.models import Opinion

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULTS = {
    "constituency_contacts": 4,
    "centralized_contacts": 2,
    "people_reached": 40,
    "opinions_reflected": 4,
}


def counts_for(deputy: dict, p: dict) -> bool:
    """The docstring's rule for one participation: held, face to face, and in the deputy's own
    constituency or in the area of a deputy group the deputy takes part in (§三(五))."""
    if p["activity__planned"] or p["activity__kind"] in ("mailbox", "email", "phone", "online"):
        return False
    if (
        p["activity__constituency_id"] is not None
        and p["activity__constituency_id"] == deputy["constituency_id"]
    ):
        return True
    if (
        p["activity__group_id"] is None
        or p["activity__constituency__region_id"] != p["activity__group__region_id"]
    ):
        return False
    member = p["activity__group_id"] == deputy["group_id"]
    district_in_town_group = (
        deputy["congress__level"] == "district"
        and p["activity__group__congress__level"] == "town"
        and deputy["constituency__region_id"] == p["activity__group__region_id"]
    )
    return member or district_in_town_group


def expected_rows(year: int, *, deputy_ids=None, as_of: datetime.date | None = None) -> dict[int, dict]:
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    end = min(last, as_of) if as_of else last
    deputies = [
        d
        for d in Deputy.objects.values(
            "id",
            "person__name",
            "person__user_id",
            "congress_id",
            "congress__level",
            "congress__start_date",
            "start_date",
            "end_date",
            "constituency_id",
            "constituency__region_id",
            "group_id",
        )
        if d["start_date"] <= last and (d["end_date"] is None or d["end_date"] >= first)
    ]
    if deputy_ids is not None:
        deputies = [d for d in deputies if d["id"] in deputy_ids]
    policies = {
        (p["congress_id"], p["year"]): p
        for p in QuotaPolicy.objects.values(
            "congress_id",
            "year",
            "min_constituency_contacts",
            "min_centralized_contacts",
            "min_people_reached",
            "min_opinions",
            "count_confirmed_only",
        )
    }
    exemptions = {e["deputy_id"] for e in QuotaExemption.objects.filter(year=year).values("deputy_id")}
    participations = list(
        Participation.objects.values(
            "deputy_id",
            "people_met",
            "activity__date",
            "activity__is_constituency_contact",
            "activity__is_centralized",
            "activity__confirmed_at",
            "activity__kind",
            "activity__planned",
            "activity__constituency_id",
            "activity__constituency__region_id",
            "activity__group_id",
            "activity__group__region_id",
            "activity__group__congress__level",
        )
    )
    opinions = list(
        Opinion.objects.values(
            "intake_deputy_id", "recorded_by_id", "state", "received_at", "duplicate_of_id"
        )
    )
    reports = list(VoterReport.objects.values("deputy_id", "date"))

    result = {}
    for d in deputies:
        policy = policies.get((d["congress_id"], year))
        base = dict(DEFAULTS)
        confirmed_only = False
        if policy:
            base = {
                "constituency_contacts": policy["min_constituency_contacts"],
                "centralized_contacts": policy["min_centralized_contacts"],
                "people_reached": policy["min_people_reached"],
                "opinions_reflected": policy["min_opinions"],
            }
            confirmed_only = policy["count_confirmed_only"]
        start = max(first, d["start_date"])
        stop = min(last, d["end_date"]) if d["end_date"] else last
        months = stop.month - start.month + 1
        required = {k: math.ceil(v * months / 12) for k, v in base.items()}

        mine = [
            p
            for p in participations
            if p["deputy_id"] == d["id"]
            and first <= p["activity__date"] <= end
            and p["activity__is_constituency_contact"]
            and counts_for(d, p)
            and (not confirmed_only or p["activity__confirmed_at"] is not None)
        ]
        counted_opinions = [
            o
            for o in opinions
            if (
                o["intake_deputy_id"] == d["id"]
                or (
                    o["intake_deputy_id"] is None
                    and o["recorded_by_id"] is not None
                    and o["recorded_by_id"] == d["person__user_id"]
                    # recorded while this mandate was held
                    and d["start_date"] <= o["received_at"].astimezone(SHANGHAI).date()
                    and (
                        d["end_date"] is None or o["received_at"].astimezone(SHANGHAI).date() <= d["end_date"]
                    )
                )
            )
            and o["received_at"].astimezone(SHANGHAI).date().year == year
            and o["received_at"].astimezone(SHANGHAI).date() <= end
            and o["state"] not in ("moderation", "rejected", "merged")
            and o["duplicate_of_id"] is None
        ]
        done = {
            "constituency_contacts": len(mine),
            "centralized_contacts": sum(1 for p in mine if p["activity__is_centralized"]),
            "people_reached": sum(p["people_met"] for p in mine),
            "opinions_reflected": len(counted_opinions),
        }
        exempt = d["id"] in exemptions
        report_dates = [
            r["date"]
            for r in reports
            if r["deputy_id"] == d["id"] and d["congress__start_date"] <= r["date"] <= end
        ]
        result[d["id"]] = {
            "name": d["person__name"],
            "level": d["congress__level"],
            "region": d["constituency__region_id"],
            "group": d["group_id"],
            **{k: {"done": done[k], "required": required[k]} for k in DEFAULTS},
            "exempt": exempt,
            "compliant": exempt or all(done[k] >= required[k] for k in DEFAULTS),
            "voter_report_date": max(report_dates) if report_dates else None,
        }
    return result
