"""Benchmark (not a test): the yearly compliance report over 10,000 deputies on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h9 .venv/bin/python bench/compliance_report.py

It creates a throw-away database (`test_<name>`, dropped at the end) and loads, with COPY, the
6 streets and 11 towns, a district congress and a congress per town, 10,000 deputies (a fifth of
them town deputies), 300,000 contact activities with their participations (a tenth of them joint,
with a second deputy) and 200,000 opinions in every state, over 2025 and 2026; a quota policy
(confirmed only) for some town congresses and a few hundred exemptions.

Then it times, for 2026:
- `reports.selectors.compliance_report` (the report the page, the API and the exports build: one
  query through `contacts.quotas.annotate_progress`, plus the Python rows and subtotals), and
- the same aggregate written by hand as one raw SQL query (GROUP BY over the participations and
  opinions, joined to the deputies; the rule of docs/quotas.md),
each run several times (best of N after a warm-up), and prints both times, the ratio, the number
of queries the report ran and the load average. The two are checked to agree deputy by deputy.
It also times the other callers of the quota query: `progress_for_year` for every deputy (the staff
overview) and `progress_for_deputy` for one.
Record the numbers in docs/benchmarks.md.

Options: ``--keepdb`` keeps the database after the run and reuses it when it is already loaded
(drop it with ``dropdb test_<name>``); ``--explain`` prints ``EXPLAIN (ANALYZE, BUFFERS)`` of the
report's query.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import gc
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songjiang_liaison.settings")
os.environ.setdefault("TESTING", "true")  # development secret key, locmem e-mail

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import DateTimeField  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from contacts import quotas  # noqa: E402
from contacts.models import ContactActivity, Participation, QuotaExemption, QuotaPolicy  # noqa: E402
from deputies.data.territory import STREETS, TOWNS  # noqa: E402
from deputies.models import (  # noqa: E402
    Congress,
    Constituency,
    Deputy,
    DeputyGroup,
    Level,
    Person,
    Region,
    RegionKind,
)
from feedback.models import Opinion  # noqa: E402
from reports.selectors import compliance_report  # noqa: E402

YEAR = 2026
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
STATES = [
    "received",
    "moderation",
    "verifying",
    "routed",
    "assigned",
    "replied",
    "fed_back",
    "closed",
    "rejected",
]


def copy_rows(model, rows: list[dict]) -> None:
    """COPY rows into the model's table; fields a row leaves out take the field's default."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {}
    for f in fields:
        if isinstance(f, DateTimeField) and (f.auto_now or f.auto_now_add):
            defaults[f.attname] = lambda now=now: now
        elif f.has_default() and callable(f.default):
            defaults[f.attname] = f.get_default
        else:
            value = f.get_default()  # "" for text fields, None for nullable ones
            defaults[f.attname] = lambda value=value: value

    def text(value):
        if value is None:
            return r"\N"
        if value is True:
            return "t"
        if value is False:
            return "f"
        if isinstance(value, datetime.date | datetime.datetime):
            return value.isoformat()
        return value

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([text(row[f.attname] if f.attname in row else defaults[f.attname]()) for f in fields])
    buffer.seek(0)
    columns = ", ".join(f'"{f.column}"' for f in fields)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY \"{model._meta.db_table}\" ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
        )


def ids_of(model) -> list[int]:
    return list(model.objects.order_by("pk").values_list("pk", flat=True))


def generate(n_deputies: int, n_activities: int, n_opinions: int, rng: random.Random) -> None:
    areas, district_congress, town_congresses, places = _registry()
    deputy_rows = _deputies(n_deputies, rng, district_congress, town_congresses, places)
    _activities(n_activities, rng, deputy_rows)
    _opinions(n_opinions, rng, deputy_rows, [a.pk for a in areas])
    QuotaPolicy.objects.bulk_create(
        [
            QuotaPolicy(
                congress=c,
                year=YEAR,
                min_constituency_contacts=3,
                min_people_reached=30,
                count_confirmed_only=True,
            )
            for c in town_congresses[::2]
        ]
    )
    QuotaExemption.objects.bulk_create(
        [QuotaExemption(deputy_id=d["pk"], year=YEAR, reason="因病") for d in rng.sample(deputy_rows, 300)]
    )


def _registry():
    """The streets and towns, the district congress and a congress per town, with a constituency and a
    group per street or town: (areas, district congress, town congresses, congress id → places)."""
    district = Region.objects.create(name="松江区", kind=RegionKind.DISTRICT, code="songjiang")
    areas = Region.objects.bulk_create(
        [
            Region(name=item[0], kind=kind, code=item[1], parent=district)
            for kind, items in ((RegionKind.STREET, STREETS), (RegionKind.TOWN, TOWNS))
            for item in items
        ]
    )
    start, end = datetime.date(2022, 1, 1), datetime.date(2026, 12, 31)
    district_congress = Congress.objects.create(
        level=Level.DISTRICT, region=district, term_number=6, name="区第六届", start_date=start, end_date=end
    )
    towns = [a for a in areas if a.kind == RegionKind.TOWN]
    town_congresses = Congress.objects.bulk_create(
        [
            Congress(
                level=Level.TOWN,
                region=t,
                term_number=18,
                name=f"{t.name}第十八届",
                start_date=start,
                end_date=end,
            )
            for t in towns
        ]
    )
    places = {}
    for congress, regions in [(district_congress, areas), *[(c, [c.region]) for c in town_congresses]]:
        constituencies = Constituency.objects.bulk_create(
            [Constituency(congress=congress, region=r, name=f"{r.name}{congress.pk}选区") for r in regions]
        )
        groups = DeputyGroup.objects.bulk_create(
            [DeputyGroup(congress=congress, region=r, name=f"{r.name}{congress.pk}小组") for r in regions]
        )
        places[congress.pk] = list(zip(constituencies, groups, strict=True))
    return areas, district_congress, town_congresses, places


def _deputies(n_deputies: int, rng, district_congress, town_congresses, places) -> list[dict]:
    """Users, people and one mandate each (a fifth in a town congress; a few started late or ended)."""
    start = district_congress.start_date
    unusable = make_password(None)
    copy_rows(
        User,
        [{"username": f"deputy-{i}", "role": Role.DEPUTY, "password": unusable} for i in range(n_deputies)],
    )
    user_ids = ids_of(User)
    copy_rows(Person, [{"name": f"代表{i:05d}", "user_id": u} for i, u in enumerate(user_ids)])
    person_ids = ids_of(Person)
    deputies = []
    for i, person_id in enumerate(person_ids):
        congress = district_congress if i % 5 else rng.choice(town_congresses)
        constituency, group = rng.choice(places[congress.pk])
        roll = rng.random()
        deputies.append(
            {
                "person_id": person_id,
                "congress_id": congress.pk,
                "constituency_id": constituency.pk,
                "group_id": group.pk,
                "start_date": datetime.date(2026, rng.randint(1, 11), 1) if roll < 0.05 else start,
                "end_date": datetime.date(2026, rng.randint(1, 11), 20) if 0.05 <= roll < 0.08 else None,
                "status": "serving",
            }
        )
    copy_rows(Deputy, deputies)
    fields = ("pk", "constituency_id", "congress_id", "person__user_id")
    return list(Deputy.objects.order_by("pk").values(*fields))


def _activities(n_activities: int, rng, deputy_rows: list[dict]) -> None:
    """Activities of 2025 and 2026, most confirmed, a tenth with a second participant."""
    activities, participants = [], []
    for _ in range(n_activities):
        d = rng.choice(deputy_rows)
        centralized = rng.random() < 0.25
        people = rng.randint(0, 20)
        year = 2026 if rng.random() < 0.6 else 2025
        activities.append(
            {
                "kind": "centralized" if centralized else "visit",
                "date": datetime.date(year, rng.randint(1, 12), rng.randint(1, 28)),
                "constituency_id": d["constituency_id"],
                "is_constituency_contact": centralized or rng.random() < 0.85,
                "is_centralized": centralized,
                "people_reached": people,
                "confirmed_at": datetime.datetime(year, 12, 31, tzinfo=SHANGHAI)
                if rng.random() < 0.7
                else None,
            }
        )
        participants.append((d["pk"], people, d["congress_id"]))
    copy_rows(ContactActivity, activities)
    activity_ids = ids_of(ContactActivity)
    by_congress = {}
    for d in deputy_rows:
        by_congress.setdefault(d["congress_id"], []).append(d["pk"])
    participation_rows = []
    for activity_id, (deputy_id, people, congress_id) in zip(activity_ids, participants, strict=True):
        participation_rows.append({"activity_id": activity_id, "deputy_id": deputy_id, "people_met": people})
        if rng.random() < 0.1:
            other = rng.choice(by_congress[congress_id])
            if other != deputy_id:
                participation_rows.append(
                    {"activity_id": activity_id, "deputy_id": other, "people_met": people // 2}
                )
    copy_rows(Participation, participation_rows)


def _opinions(n_opinions: int, rng, deputy_rows: list[dict], region_ids: list[int]) -> None:
    opinions = []
    for _ in range(n_opinions):
        d = rng.choice(deputy_rows)
        roll = rng.random()
        year = 2026 if rng.random() < 0.6 else 2025
        # A tenth of the opinions reflected to a deputy were later routed up to another deputy.
        routed_up = roll < 0.06
        opinions.append(
            {
                "content": "意见",
                "region_id": rng.choice(region_ids),
                "deputy_id": rng.choice(deputy_rows)["pk"] if routed_up else d["pk"] if roll < 0.6 else None,
                "intake_deputy_id": d["pk"] if roll < 0.6 else None,
                "recorded_by_id": d["person__user_id"] if 0.6 <= roll < 0.75 else None,
                "state": rng.choice(STATES),
                "received_at": datetime.datetime(
                    year, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), tzinfo=SHANGHAI
                ),
            }
        )
    copy_rows(Opinion, opinions)


RAW_SQL = """
WITH served AS (
    SELECT d.id, d.congress_id, p.user_id, d.start_date, d.end_date,
           CASE WHEN d.start_date > %(last)s OR d.end_date < %(first)s THEN 0
                ELSE (CASE WHEN d.end_date IS NULL OR d.end_date > %(last)s THEN 12
                           ELSE EXTRACT(MONTH FROM d.end_date)::int END)
                   - (CASE WHEN d.start_date < %(first)s THEN 1
                           ELSE EXTRACT(MONTH FROM d.start_date)::int END) + 1
           END AS months
    FROM deputies_deputy d JOIN deputies_person p ON p.id = d.person_id
    WHERE d.start_date <= %(last)s AND (d.end_date IS NULL OR d.end_date >= %(first)s)
),
contacts AS (
    SELECT pa.deputy_id, COUNT(*) AS n, COUNT(*) FILTER (WHERE a.is_centralized) AS centralized,
           SUM(pa.people_met) AS people
    FROM contacts_participation pa
    JOIN contacts_contactactivity a ON a.id = pa.activity_id
    JOIN deputies_deputy d ON d.id = pa.deputy_id
    LEFT JOIN contacts_quotapolicy qp ON qp.congress_id = d.congress_id AND qp.year = %(year)s
    WHERE a.date BETWEEN %(first)s AND %(last)s AND a.is_constituency_contact
      AND (NOT COALESCE(qp.count_confirmed_only, false) OR a.confirmed_at IS NOT NULL)
    GROUP BY pa.deputy_id
),
counted AS (
    SELECT o.id, o.intake_deputy_id, o.recorded_by_id,
           (o.received_at AT TIME ZONE 'Asia/Shanghai')::date AS day
    FROM feedback_opinion o
    WHERE o.received_at >= %(start)s AND o.received_at < %(stop)s
      AND o.state NOT IN ('moderation', 'rejected', 'merged') AND o.duplicate_of_id IS NULL
),
opinions AS (
    SELECT s.id AS deputy_id, COUNT(*) AS n
    FROM served s JOIN counted o
      ON o.intake_deputy_id = s.id
      OR (o.intake_deputy_id IS NULL AND o.recorded_by_id = s.user_id
          AND o.day >= s.start_date AND (s.end_date IS NULL OR o.day <= s.end_date))
    GROUP BY s.id
)
SELECT s.id, COALESCE(c.n, 0), COALESCE(c.centralized, 0), COALESCE(c.people, 0), COALESCE(op.n, 0),
       (COALESCE(qp.min_constituency_contacts, 4) * s.months + 11) / 12,
       (COALESCE(qp.min_centralized_contacts, 2) * s.months + 11) / 12,
       (COALESCE(qp.min_people_reached, 40) * s.months + 11) / 12,
       (COALESCE(qp.min_opinions, 4) * s.months + 11) / 12,
       ex.id IS NOT NULL
FROM served s
LEFT JOIN contacts c ON c.deputy_id = s.id
LEFT JOIN opinions op ON op.deputy_id = s.id
LEFT JOIN contacts_quotapolicy qp ON qp.congress_id = s.congress_id AND qp.year = %(year)s
LEFT JOIN contacts_quotaexemption ex ON ex.deputy_id = s.id AND ex.year = %(year)s
"""


def raw_report() -> list[tuple]:
    first, last = quotas.year_bounds(YEAR)
    params = {
        "year": YEAR,
        "first": first,
        "last": last,
        "start": quotas.year_start_instant(YEAR),
        "stop": quotas.year_start_instant(YEAR + 1),
    }
    with connection.cursor() as cursor:
        cursor.execute(RAW_SQL, params)
        return cursor.fetchall()


def django_report():
    return compliance_report(user=None, year=YEAR, deputies=quotas.deputies_serving_in_year(YEAR))


def report_sql_only() -> int:
    """The report's one query alone (its SQL through a cursor, no Python rows)."""
    from reports.selectors import _annotated

    queryset = _annotated(quotas.deputies_serving_in_year(YEAR), YEAR, None)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = len(cursor.fetchall())
    return rows


def explain_report() -> str:
    from reports.selectors import _annotated

    queryset = _annotated(quotas.deputies_serving_in_year(YEAR), YEAR, None)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def best_of(fn, runs: int) -> tuple[float, object]:
    """The best time of ``runs`` calls after a warm-up (plans and caches, as on a running server).

    Each call starts with the previous result freed and the garbage collected, so that no call is
    charged for tearing down what an earlier one built; the collector stays on during the call.
    """
    fn()
    times, result = [], None
    for _ in range(runs):
        result = None
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deputies", type=int, default=10_000)
    parser.add_argument("--activities", type=int, default=300_000)
    parser.add_argument("--opinions", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keepdb", action="store_true", help="keep (and reuse) the loaded database")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the report query")
    return parser.parse_args()


def main() -> None:
    args = _arguments()
    if connection.vendor != "postgresql":
        sys.exit("Run it on PostgreSQL: set DATABASE_URL=postgres://…")

    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=args.keepdb, serialize=False
    )
    try:
        started = time.perf_counter()
        if not Deputy.objects.exists():
            generate(args.deputies, args.activities, args.opinions, random.Random(2026))
        # Fresh statistics after the bulk load: without them the planner guesses row counts.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"generated {Deputy.objects.count()} deputies, {ContactActivity.objects.count()} activities, "
            f"{Participation.objects.count()} participations, {Opinion.objects.count()} opinions "
            f"in {time.perf_counter() - started:.1f}s",
            flush=True,
        )
        _measure(args)
    finally:
        if args.keepdb:
            connection.close()
            connection.settings_dict["NAME"] = old_name
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def _measure(args) -> None:
    """Time the report against the raw query (and the quota's other callers); check they agree."""
    raw_time, raw_rows = best_of(raw_report, args.runs)
    report_time, report = best_of(django_report, args.runs)
    sql_time, _rows = best_of(report_sql_only, args.runs)
    with CaptureQueriesContext(connection) as queries:
        django_report()
    # Other callers of the same quota query: the staff overview and one deputy's page.
    overview_time, _progress = best_of(lambda: quotas.progress_for_year(YEAR), args.runs)
    one = Deputy.objects.order_by("pk")[len(raw_rows) // 2]
    deputy_time, _progress = best_of(lambda: quotas.progress_for_deputy(one, YEAR), args.runs)
    if args.explain:
        print(explain_report())
    _check_agreement(report, raw_rows)
    print(f"rows: {len(report.rows)} (the report and the raw query agree on every figure)")
    print(f"raw SQL aggregate (one query, tuples):        {raw_time:6.3f}s")
    print(f"compliance_report (one query + rows/totals):  {report_time:6.3f}s")
    print(f"  of which the report's SQL alone:           {sql_time:6.3f}s")
    print(f"ratio: {report_time / raw_time:.2f}x  (best of {args.runs} after a warm-up)")
    print(f"queries run by compliance_report: {len(queries)}")
    print(f"progress_for_year, all deputies:              {overview_time:6.3f}s")
    print(f"progress_for_deputy, one deputy:              {deputy_time:6.3f}s")
    print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


def _check_agreement(report, raw_rows) -> None:
    raw = {r[0]: r[1:] for r in raw_rows}
    for row in report.rows:
        p = row.progress
        want = raw[row.deputy_id]
        got = (
            p.constituency_contacts.done,
            p.centralized_contacts.done,
            p.people_reached.done,
            p.opinions_reflected.done,
            p.constituency_contacts.required,
            p.centralized_contacts.required,
            p.people_reached.required,
            p.opinions_reflected.required,
            p.exempt,
        )
        assert got == tuple(want), (row.deputy_id, got, want)
    assert len(raw) == len(report.rows)


if __name__ == "__main__":
    main()
