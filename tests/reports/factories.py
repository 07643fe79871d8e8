"""A seeded world for the report tests: deputies of two levels in two streets and a town, with
activities, opinions, exemptions, a quota policy and reports to voters over two years.

Built with bulk_create so that 1,000 deputies take a second, not a minute.
"""

from __future__ import annotations

import datetime
import random

from accounts.models import User
from contacts.models import (
    ContactActivity,
    Participation,
    QuotaExemption,
    QuotaPolicy,
    VoterReport,
)
from deputies.models import Constituency, Deputy, DeputyGroup, Person
from feedback.models import Opinion

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
YEARS = (2025, 2026)
OPINION_STATES = ["received", "moderation", "routed", "replied", "closed", "rejected", "merged"]


def build_world(
    *,
    district_congress,
    town_congress,
    regions,
    deputies: int = 30,
    seed: int = 7,
    users: bool = False,
) -> list[Deputy]:
    """`regions`: the streets and the town; district deputies are spread over all of them, town
    deputies over the town (the last region, the town of `town_congress`)."""
    rng = random.Random(seed)
    town = town_congress.region
    places = {}
    for congress in (district_congress, town_congress):
        for region in regions if congress == district_congress else [town]:
            constituency = Constituency.objects.create(
                congress=congress, region=region, name=f"{region.name}{congress.level}选区{seed}"
            )
            group = DeputyGroup.objects.create(
                congress=congress,
                region=region,
                name=f"{region.name}{congress.get_level_display()}代表小组{seed}",
            )
            places.setdefault(congress.pk, []).append((constituency, group))

    persons = Person.objects.bulk_create([Person(name=f"代表{seed}-{i:04d}") for i in range(deputies)])
    user_list = []
    if users:
        user_list = User.objects.bulk_create(
            [User(username=f"w{seed}-{i}", role="deputy", password="!") for i in range(deputies)]
        )
        for person, user in zip(persons, user_list, strict=True):
            person.user = user
        Person.objects.bulk_update(persons, ["user"])
    mandates = []
    for i, person in enumerate(persons):
        congress = town_congress if i % 4 == 3 else district_congress
        constituency, group = rng.choice(places[congress.pk])
        start = datetime.date(2022, 1, 1)
        end = None
        roll = rng.random()
        if roll < 0.1:
            start = datetime.date(2026, rng.randint(1, 11), rng.randint(1, 28))
        elif roll < 0.2:
            end = datetime.date(2025, rng.randint(2, 12), rng.randint(1, 28))
        elif roll < 0.25:
            end = datetime.date(2026, rng.randint(1, 10), 15)
        mandates.append(
            Deputy(
                person=person,
                congress=congress,
                constituency=constituency,
                group=group,
                start_date=start,
                end_date=end,
                status="ended" if end else "serving",
            )
        )
    mandates = Deputy.objects.bulk_create(mandates)

    activities, participations = [], []
    for deputy in mandates:
        for _ in range(rng.randint(0, 12)):
            year = rng.choice(YEARS)
            centralized = rng.random() < 0.3
            constituency_contact = centralized or rng.random() < 0.8
            activities.append(
                (
                    ContactActivity(
                        kind="centralized" if centralized else "visit",
                        date=datetime.date(year, rng.randint(1, 12), rng.randint(1, 28)),
                        constituency=deputy.constituency,
                        is_constituency_contact=constituency_contact,
                        is_centralized=centralized,
                        people_reached=rng.randint(0, 30),
                        confirmed_at=(
                            datetime.datetime(year, 12, 31, tzinfo=SHANGHAI) if rng.random() < 0.6 else None
                        ),
                    ),
                    deputy,
                )
            )
    created = ContactActivity.objects.bulk_create([a for a, _ in activities])
    for activity, (_, deputy) in zip(created, activities, strict=True):
        participations.append(
            Participation(activity=activity, deputy=deputy, people_met=activity.people_reached)
        )
    # Some joint activities: a second deputy of the same congress meets fewer people.
    for activity, (_, deputy) in zip(created[::5], activities[::5], strict=True):
        other = rng.choice([d for d in mandates if d.congress_id == deputy.congress_id])
        if other.pk != deputy.pk:
            participations.append(
                Participation(activity=activity, deputy=other, people_met=activity.people_reached // 2)
            )
    Participation.objects.bulk_create(participations)

    opinions = []
    for deputy, person in zip(mandates, persons, strict=True):
        for _ in range(rng.randint(0, 9)):
            year = rng.choice(YEARS)
            by_user = users and rng.random() < 0.3
            # Some opinions reflected to this deputy were later routed up to another deputy
            # (§四(二)): they stay this deputy's (intake_deputy).
            routed_up = not by_user and rng.random() < 0.1
            opinions.append(
                Opinion(
                    content="意见",
                    region=deputy.constituency.region,
                    deputy=None if by_user else rng.choice(mandates) if routed_up else deputy,
                    intake_deputy=None if by_user else deputy,
                    recorded_by=person.user if by_user else None,
                    state=rng.choice(OPINION_STATES),
                    received_at=datetime.datetime(
                        year, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), tzinfo=SHANGHAI
                    ),
                )
            )
    # An opinion received at 00:30 on 1 January in Shanghai belongs to the new year.
    opinions.append(
        Opinion(
            content="跨年",
            region=mandates[0].constituency.region,
            deputy=mandates[0],
            intake_deputy=mandates[0],
            received_at=datetime.datetime(2026, 1, 1, 0, 30, tzinfo=SHANGHAI),
        )
    )
    Opinion.objects.bulk_create(opinions)

    exempted = rng.sample(mandates, k=max(1, deputies // 15))
    QuotaExemption.objects.bulk_create(
        [QuotaExemption(deputy=d, year=rng.choice(YEARS), reason="因病住院") for d in exempted]
    )
    QuotaPolicy.objects.get_or_create(
        congress=town_congress,
        year=2026,
        defaults=dict(
            min_constituency_contacts=3,
            min_centralized_contacts=1,
            min_people_reached=30,
            min_opinions=2,
            count_confirmed_only=True,
        ),
    )
    VoterReport.objects.bulk_create(
        [
            VoterReport(deputy=d, date=datetime.date(rng.choice(YEARS), rng.randint(1, 12), 10))
            for d in rng.sample(mandates, k=deputies // 3)
        ]
    )
    return mandates
