"""Benchmark (not a test): the quota reminder sweep over 10,000 deputies on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/reminders_sweep.py

It creates a throw-away database (`test_<name>`, dropped at the end), generates the registry with
bulk_create — the 6 streets and 11 towns, their liaison bodies with one staff member each, one
district congress, N deputies (each with a login), half of them with one constituency contact — and
runs `contacts.reminders.send_quota_reminders` at two scales (N/10 deputies, then N), printing the
query count (the same at both scales: the sweep is a constant number of queries) and the time. A
second run at the same checkpoint shows the exactly-once path (everything already delivered). Then
the deadline sweep (`feedback.reminders.send_deadline_reminders`) over M open opinions, likewise.
Record the numbers in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songjiang_liaison.settings")
os.environ.setdefault("TESTING", "true")  # development secret key, locmem e-mail

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Notification, Role, User  # noqa: E402
from contacts.models import ContactActivity, Participation  # noqa: E402
from contacts.reminders import send_quota_reminders  # noqa: E402
from deputies.data.territory import STREETS, TOWNS  # noqa: E402
from deputies.models import (  # noqa: E402
    Congress,
    Constituency,
    Deputy,
    DeputyGroup,
    Level,
    Organization,
    OrganizationKind,
    Person,
    Region,
    RegionKind,
)

UNUSABLE = make_password(None)
SHOW_SLOWEST = int(os.environ.get("SHOW_SLOWEST", "0"))


def analyze() -> None:
    """Fresh statistics, as autovacuum would have them in production after a bulk load."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def build_world():
    district = Region.objects.create(name="松江区", kind=RegionKind.DISTRICT, code="songjiang")
    areas = Region.objects.bulk_create(
        [
            Region(name=item[0], kind=kind, code=item[1], parent=district)
            for kind, items in ((RegionKind.STREET, STREETS), (RegionKind.TOWN, TOWNS))
            for item in items
        ]
    )
    congress = Congress.objects.create(
        level=Level.DISTRICT,
        region=district,
        term_number=6,
        name="松江区第六届人民代表大会",
        start_date=datetime.date(2022, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    constituencies = Constituency.objects.bulk_create(
        [Constituency(congress=congress, name=f"{a.name}选区", region=a) for a in areas]
    )
    groups = DeputyGroup.objects.bulk_create(
        [DeputyGroup(congress=congress, name=f"{a.name}代表小组", region=a) for a in areas]
    )
    bodies = Organization.objects.bulk_create(
        [
            Organization(
                name=f"{a.name}人大{'工委' if a.kind == RegionKind.STREET else '办公室'}",
                kind=OrganizationKind.STREET_COMMITTEE
                if a.kind == RegionKind.STREET
                else OrganizationKind.TOWN_OFFICE,
                region=a,
            )
            for a in areas
        ]
    )
    User.objects.bulk_create(
        [
            User(username=f"staff-{b.pk}", role=Role.LIAISON_STAFF, organization=b, password=UNUSABLE)
            for b in bodies
        ]
    )
    return congress, list(zip(constituencies, groups, strict=True))


def add_deputies(congress, places, start: int, count: int) -> None:
    users = User.objects.bulk_create(
        [
            User(username=f"deputy-{i}", role=Role.DEPUTY, password=UNUSABLE)
            for i in range(start, start + count)
        ]
    )
    people = Person.objects.bulk_create(
        [Person(name=f"代表{i:05d}", user=u) for i, u in zip(range(start, start + count), users, strict=True)]
    )
    deputies = Deputy.objects.bulk_create(
        [
            Deputy(
                person=p,
                congress=congress,
                constituency=places[i % len(places)][0],
                group=places[i % len(places)][1],
                start_date=congress.start_date,
            )
            for i, p in enumerate(people)
        ]
    )
    # Half of them made one constituency contact meeting 10 people: on pace on 1 April.
    on_pace = deputies[::2]
    activities = ContactActivity.objects.bulk_create(
        [
            ContactActivity(
                kind="visit",
                date=datetime.date(2026, 3, 10),
                constituency=d.constituency,
                is_constituency_contact=True,
                people_reached=10,
            )
            for d in on_pace
        ]
    )
    Participation.objects.bulk_create(
        [Participation(activity=a, deputy=d, people_met=10) for a, d in zip(activities, on_pace, strict=True)]
    )


def sweep(label: str, as_of: datetime.date) -> None:
    analyze()
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        result = send_quota_reminders(as_of=as_of)
    elapsed = time.perf_counter() - start
    print(
        f"{label:<44} deputies={Deputy.objects.count():>6}  wanting={len(result.deputies):>5}  "
        f"new messages={result.messages:>5}  digests={result.digests:>3}  "
        f"queries={len(queries):>3}  time={elapsed:6.2f}s",
        flush=True,
    )
    for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:SHOW_SLOWEST]:
        print(f"    {float(query['time']):7.3f}s  {query['sql'][:150]}")


def add_opinions(places, count: int) -> None:
    """Open opinions at the reply step of their street or town body, due from 60 days ago to 60 days
    ahead of 10 June 2026 (so some due soon, some overdue, some long overdue)."""
    from feedback.deadlines import end_of_day
    from feedback.models import DeadlineKind, Opinion, OpinionState

    bodies = {b.region_id: b for b in Organization.objects.all()}
    Opinion.objects.bulk_create(
        [
            Opinion(
                content="路灯坏了",
                region=places[i % len(places)][0].region,
                organization=bodies[places[i % len(places)][0].region_id],
                state=OpinionState.ROUTED,
                received_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC),
                due_at=end_of_day(datetime.date(2026, 4, 11) + datetime.timedelta(days=i % 120)),
                due_kind=DeadlineKind.REPLY,
            )
            for i in range(count)
        ]
    )


def deadline_sweep(label: str, now: datetime.datetime) -> None:
    from feedback.models import Opinion
    from feedback.reminders import send_deadline_reminders

    analyze()
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        result = send_deadline_reminders(now=now)
    elapsed = time.perf_counter() - start
    print(
        f"{label:<44} opinions={Opinion.objects.count():>6}  items={sum(result['items'].values()):>5}  "
        f"new messages={result['messages']:>5}  queries={len(queries):>3}  time={elapsed:6.2f}s",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deputies", type=int, default=10_000)
    parser.add_argument("--opinions", type=int, default=10_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run it on PostgreSQL: set DATABASE_URL=postgres://…")

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        small = args.deputies // 10
        congress, places = build_world()
        add_deputies(congress, places, 0, small)
        sweep(f"1 April, {small} deputies", datetime.date(2026, 4, 1))
        add_deputies(congress, places, small, args.deputies - small)
        sweep(f"1 July, {args.deputies} deputies", datetime.date(2026, 7, 1))
        sweep("1 July again (all delivered: exactly once)", datetime.date(2026, 7, 1))
        print(f"notifications stored: {Notification.objects.count()}")
        now = datetime.datetime(2026, 6, 10, tzinfo=datetime.UTC)
        add_opinions(places, args.opinions // 10)
        deadline_sweep(f"deadlines, {args.opinions // 10} opinions", now)
        add_opinions(places, args.opinions - args.opinions // 10)
        deadline_sweep(f"deadlines, {args.opinions} opinions", now)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
