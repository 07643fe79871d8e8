"""Demo data for contact activities and the performance record, called by `manage.py seed_demo`
after the registry (deputies/demo.py).

For the current year up to `today`: a centralized constituency contact of each constituency's deputies
every half-year (registered and confirmed by the liaison body), individual visits, forums and mailbox
work in four patterns — compliant, on pace, behind, nothing yet — so the quota pages and reports have
something to show; `demo-deputy` is behind the pace. Also the year's quota policy, an exemption, reports
to voters, a research report, a training plan with attendance and meeting requests in each state.

Idempotent: every row is looked up by a natural key (activities by date, kind, constituency and
summary), so a second run creates nothing.
"""

from __future__ import annotations

import datetime
import sys
from collections import Counter, defaultdict
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from deputies.models import Deputy, Organization, OrganizationKind

from .models import (
    ActivityKind,
    AttendanceStatus,
    ContactActivity,
    MeetingRequest,
    MeetingState,
    Participation,
    QuotaExemption,
    QuotaPolicy,
    ReportForm,
    ResearchKind,
    ResearchReport,
    TrainingAttendance,
    TrainingEnrolment,
    TrainingPlan,
    TrainingSession,
    VoterReport,
)

MARK = "【演示】"
PLACES = ["居委会活动室", "代表之家", "社区睦邻点", "村委会会议室", "小区议事厅"]
TOPICS = ["加装电梯", "垃圾分类", "停车难", "老年助餐", "河道整治", "菜场改造", "学校周边交通"]


def _day(year_start: datetime.date, today: datetime.date, fraction: float) -> datetime.date:
    """A day at `fraction` of the way from 1 January to today (never in the future)."""
    span = (today - year_start).days
    return year_start + datetime.timedelta(days=int(span * fraction))


class _Seeder:
    def __init__(self, today: datetime.date, stdout: TextIO):
        self.today = today
        self.year = today.year
        self.year_start = datetime.date(self.year, 1, 1)
        self.stdout = stdout
        self.created: Counter = Counter()
        self.deputies = list(
            Deputy.objects.serving(on=today)
            .filter(constituency__isnull=False)
            .select_related("person", "person__user", "constituency", "congress")
            .order_by("congress_id", "constituency_id", "id")
        )
        self.liaison_bodies = {
            org.region_id: org
            for org in Organization.objects.filter(
                kind__in=[OrganizationKind.STREET_COMMITTEE, OrganizationKind.TOWN_OFFICE]
            )
        }
        self.staff_by_org = {u.organization_id: u for u in User.objects.filter(organization__isnull=False)}

    def count(self, model, created: bool) -> None:
        if created:
            self.created[model.__name__] += 1

    def activity(
        self, *, deputies, kind, date, people, summary, centralized=False, contact=True, organizer=None
    ):
        constituency = deputies[0].constituency
        staff = self.staff_by_org.get(organizer.pk) if organizer else None
        activity, created = ContactActivity.objects.get_or_create(
            date=date,
            kind=kind,
            constituency=constituency,
            summary=f"{MARK}{summary}",
            defaults={
                "is_constituency_contact": contact or centralized,
                "is_centralized": centralized,
                "people_reached": people,
                "place": PLACES[date.toordinal() % len(PLACES)],
                "organized_by": organizer,
                "created_by": staff or deputies[0].person.user,
                "confirmed_at": timezone.now() if organizer else None,
                "confirmed_by": staff,
                "is_public": centralized,
            },
        )
        self.count(ContactActivity, created)
        if created:
            Participation.objects.bulk_create(
                [Participation(activity=activity, deputy=d, people_met=people) for d in deputies]
            )
        return activity

    def centralized_contacts(self, demo_deputy_id: int | None) -> None:
        """Each constituency's deputies meet their voters together, registered by the liaison body.
        `demo-deputy` missed the autumn one (and so is behind the pace)."""
        by_constituency = defaultdict(list)
        for deputy in self.deputies:
            by_constituency[deputy.constituency_id].append(deputy)
        for index, members in enumerate(by_constituency.values()):
            organizer = self.liaison_bodies.get(members[0].constituency.region_id)
            # Every constituency had one in spring; two thirds had a second one in autumn.
            halves = [0.25, 0.8] if index % 3 else [0.25]
            for fraction in halves:
                topic = TOPICS[index % len(TOPICS)]
                present = [d for d in members if fraction < 0.5 or d.pk != demo_deputy_id]
                if not present:
                    continue
                self.activity(
                    deputies=present,
                    kind=ActivityKind.CENTRALIZED,
                    date=_day(self.year_start, self.today, fraction),
                    people=12 + index % 9,
                    centralized=True,
                    organizer=organizer,
                    summary=f"{present[0].constituency.name}代表集中联系选区，听取居民关于{topic}的意见。",
                )

    def individual_activities(self, demo_deputy_id: int | None) -> None:
        patterns = {
            0: [(ActivityKind.VISIT, 0.1, 10), (ActivityKind.FORUM, 0.5, 14), (ActivityKind.VISIT, 0.9, 9)],
            1: [(ActivityKind.VISIT, 0.3, 8), (ActivityKind.RECEPTION, 0.6, 12)],
            2: [(ActivityKind.VISIT, 0.4, 6)],
            3: [],
        }
        for index, deputy in enumerate(self.deputies):
            plan = patterns[index % 4] if deputy.pk != demo_deputy_id else [(ActivityKind.VISIT, 0.2, 5)]
            topic = TOPICS[index % len(TOPICS)]
            for kind, fraction, people in plan:
                self.activity(
                    deputies=[deputy],
                    kind=kind,
                    date=_day(self.year_start, self.today, fraction),
                    people=people,
                    summary=f"{deputy.person.name}{ActivityKind(kind).label}，了解{topic}情况。",
                )
            if index % 4 == 0:
                self.activity(
                    deputies=[deputy],
                    kind=ActivityKind.MAILBOX,
                    date=_day(self.year_start, self.today, 0.7),
                    people=3,
                    contact=False,
                    summary=f"{deputy.person.name}处理代表信箱来信。",
                )

    def plans(self) -> None:
        """Activities announced ahead on the public calendar (never counted until held): a centralized
        contact in each of the first constituencies, at a venue of its street or town, in the coming
        weeks; and a town deputy group's meeting joined by the district deputies elected in the town
        (§三(五))."""
        venues = self._venues_by_region()
        self._planned_centralized_contacts(venues)
        self._planned_group_meeting(venues)

    @staticmethod
    def _venues_by_region() -> dict:
        """The first contact point of each street or town (a community's counts for its street too)."""
        from deputies.models import ContactPoint

        venues = {}
        for venue in ContactPoint.objects.order_by("id"):
            venues.setdefault(venue.region_id, venue)
            if venue.region.parent_id:
                venues.setdefault(venue.region.parent_id, venue)
        return venues

    def _plan(self, lookup: dict, defaults: dict, deputies) -> None:
        """A planned activity (once: found again by ``lookup``) with its deputies taking part."""
        activity, created = ContactActivity.objects.get_or_create(planned=True, **lookup, defaults=defaults)
        self.count(ContactActivity, created)
        if created:
            Participation.objects.bulk_create(
                [Participation(activity=activity, deputy=d, people_met=0) for d in deputies]
            )

    def _planned_centralized_contacts(self, venues: dict) -> None:
        by_constituency = defaultdict(list)
        for deputy in self.deputies:
            by_constituency[deputy.constituency_id].append(deputy)
        for index, members in enumerate(list(by_constituency.values())[:8]):
            constituency = members[0].constituency
            topic = TOPICS[index % len(TOPICS)]
            lookup = {"constituency": constituency, "title": f"{MARK}集中联系选区：听取居民关于{topic}的意见"}
            defaults = {
                "kind": ActivityKind.CENTRALIZED,
                "date": self.today + datetime.timedelta(days=5 + 4 * index),
                "start_time": datetime.time(14, 30),
                "end_time": datetime.time(16, 0),
                "venue": venues.get(constituency.region_id),
                "is_constituency_contact": True,
                "is_centralized": True,
                "is_public": True,
                "organized_by": self.liaison_bodies.get(constituency.region_id),
            }
            self._plan(lookup, defaults, members)

    def _planned_group_meeting(self, venues: dict) -> None:
        from deputies.models import DeputyGroup, Level

        group = (
            DeputyGroup.objects.filter(congress__level=Level.TOWN)
            .select_related("congress")
            .order_by("id")
            .first()
        )
        if group is None:
            return
        town_constituency = group.congress.constituencies.filter(region_id=group.region_id).first()
        joining = [
            d
            for d in self.deputies
            if d.group_id == group.pk
            or (d.congress.level == Level.DISTRICT and d.constituency.region_id == group.region_id)
        ]
        if town_constituency is None or not joining:
            return
        lookup = {"group": group, "title": f"{MARK}{group.name}活动：区、镇人大代表共同听取村民意见"}
        defaults = {
            "kind": ActivityKind.GROUP,
            "date": self.today + datetime.timedelta(days=10),
            "start_time": datetime.time(9, 30),
            "end_time": datetime.time(11, 30),
            "constituency": town_constituency,
            "venue": venues.get(group.region_id),
            "is_constituency_contact": True,
            "is_public": True,
            "organized_by": self.liaison_bodies.get(group.region_id),
        }
        self._plan(lookup, defaults, joining)

    def opinions(self, demo_deputy_id: int | None) -> None:
        """Opinions the deputies collected at their visits, taken in through the opinions app's intake
        (`feedback.services.submit_opinion`), so the "opinions reflected" measure has data: four for
        the deputies of the first pattern, two for the second, none for `demo-deputy`."""
        try:
            from feedback.services import submit_opinion
        except ImportError:
            return
        from feedback.models import Channel, Opinion

        for index, deputy in enumerate(self.deputies):
            wanted = {0: 4, 1: 2}.get(index % 4, 0) if deputy.pk != demo_deputy_id else 0
            user = deputy.person.user
            for number in range(wanted):
                topic = TOPICS[(index + number) % len(TOPICS)]
                content = (
                    f"{MARK}{deputy.person.name}走访时居民反映：{topic}问题希望尽快解决（{number + 1}）。"
                )
                if Opinion.objects.filter(content=content).exists():
                    continue
                day = _day(self.year_start, self.today, 0.1 + 0.2 * number)
                submit_opinion(
                    content=content,
                    region=deputy.constituency.region,
                    deputy=deputy,
                    category=topic,
                    channel=Channel.ACTIVITY,
                    recorded_by=user if user else None,
                    now=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0))),
                )
                self.created["Opinion"] += 1

    def policies_and_exemptions(self) -> None:
        for congress_id in {d.congress_id for d in self.deputies}:
            _, created = QuotaPolicy.objects.get_or_create(congress_id=congress_id, year=self.year)
            self.count(QuotaPolicy, created)
        if len(self.deputies) > 7:
            _, created = QuotaExemption.objects.get_or_create(
                deputy=self.deputies[7], year=self.year, defaults={"reason": "援藏挂职，全年不在本区"}
            )
            self.count(QuotaExemption, created)

    def voter_reports(self) -> None:
        for index, deputy in enumerate(self.deputies[::3]):
            _, created = VoterReport.objects.get_or_create(
                deputy=deputy,
                date=_day(self.year_start, self.today, 0.45),
                defaults={
                    "form": ReportForm.WRITTEN if index % 5 == 4 else ReportForm.ORAL,
                    "constituency": deputy.constituency,
                    "attendance": 40 + index % 30,
                    "content": f"{MARK}{deputy.person.name}向原选区选民报告履职情况，回答选民询问。",
                },
            )
            self.count(VoterReport, created)
        if self.deputies:  # a report announced ahead: on the calendar, voters may send questions
            deputy = self.deputies[1 % len(self.deputies)]
            _, created = VoterReport.objects.get_or_create(
                deputy=deputy,
                planned=True,
                defaults={
                    "date": self.today + datetime.timedelta(days=10),
                    "start_time": datetime.time(19, 0),
                    "end_time": datetime.time(20, 30),
                    "venue": deputy.contact_point,
                    "constituency": deputy.constituency,
                    "is_public": True,
                },
            )
            self.count(VoterReport, created)

    def research(self) -> None:
        district = [d for d in self.deputies if d.congress.level == "district"][:5]
        if not district:
            return
        report, created = ResearchReport.objects.get_or_create(
            title=f"{MARK}关于老旧小区加装电梯工作的专题调研报告",
            defaults={
                "kind": ResearchKind.RESEARCH,
                "date": _day(self.year_start, self.today, 0.55),
                "organs_visited": "区住房和城乡建设管理委员会；岳阳街道办事处",
                "summary": "调研组走访12个小区，召开座谈会3次，形成建议5条。",
                "outcomes": "形成代表建议2件，已交区政府研究办理。",
            },
        )
        self.count(ResearchReport, created)
        if created:
            report.deputies.set(district)

    def training(self) -> None:
        district = [d for d in self.deputies if d.congress.level == "district"]
        if not district:
            return
        plan, created = TrainingPlan.objects.get_or_create(
            congress=district[0].congress,
            year=self.year,
            title=f"{self.year}年度区人大代表履职学习培训计划",
            defaults={"description": "人民代表大会制度、代表建议撰写、联系群众工作方法。"},
        )
        self.count(TrainingPlan, created)
        for number, (title, fraction) in enumerate(
            [("人民代表大会制度专题讲座", 0.2), ("代表建议撰写实务", 0.6)]
        ):
            session, created = TrainingSession.objects.get_or_create(
                plan=plan,
                title=title,
                defaults={
                    "date": _day(self.year_start, self.today, fraction),
                    "place": "区人大常委会会议室",
                    "hours": 3,
                },
            )
            self.count(TrainingSession, created)
            for index, deputy in enumerate(district[:24]):
                status = AttendanceStatus.EXCUSED if (index + number) % 7 == 0 else AttendanceStatus.PRESENT
                _, created = TrainingAttendance.objects.get_or_create(
                    session=session, deputy=deputy, defaults={"status": status}
                )
                self.count(TrainingAttendance, created)
        # An upcoming session a week from today, with enrolled deputies: its notices go out a week and
        # a day before (`contacts.notices`).
        upcoming, created = TrainingSession.objects.get_or_create(
            plan=plan,
            title="代表履职能力提升培训",
            defaults={
                "date": self.today + datetime.timedelta(days=7),
                "place": "区人大常委会会议室",
                "hours": 3,
                "start_time": datetime.time(9, 0),
                "end_time": datetime.time(12, 0),
                "is_public": True,  # on the public calendar and the feeds of the enrolled deputies
            },
        )
        self.count(TrainingSession, created)
        for deputy in district[:12]:
            _, created = TrainingEnrolment.objects.get_or_create(session=upcoming, deputy=deputy)
            self.count(TrainingEnrolment, created)

    def meetings(self, demo_deputy: Deputy | None) -> None:
        if not self.deputies:
            return
        first = demo_deputy or self.deputies[0]
        others = [d for d in self.deputies if d.pk != first.pk]
        specs = [
            (first, "区住房和城乡建设管理委员会", "老旧小区加装电梯审批进度", MeetingState.REQUESTED, {}),
            (
                others[0] if others else first,
                "区教育局",
                "学校周边上下学时段交通拥堵",
                MeetingState.ARRANGED,
                {
                    "scheduled_at": timezone.make_aware(
                        datetime.datetime.combine(
                            self.today + datetime.timedelta(days=7), datetime.time(14, 0)
                        )
                    ),
                    "place": "区教育局三楼会议室",
                },
            ),
            (
                others[1] if len(others) > 1 else first,
                "区卫生健康委员会",
                "社区卫生服务中心夜间门诊",
                MeetingState.DECLINED,
                {"decline_reason": "该事项已列入区政府实事项目，由承办单位书面答复代表。"},
            ),
        ]
        for deputy, organ, subject, state, extra in specs:
            _, created = MeetingRequest.objects.get_or_create(
                deputy=deputy,
                subject=f"{MARK}{subject}",
                defaults={
                    "organ_name": organ,
                    "head_name": "主要负责人",
                    "state": state,
                    "liaison_body": self.liaison_bodies.get(deputy.constituency.region_id),
                    **extra,
                },
            )
            self.count(MeetingRequest, created)


@transaction.atomic
def seed(*, today: datetime.date, stdout: TextIO | None = None) -> Counter:
    """Seed (idempotently) the year's activities and the rest of the performance record."""
    stdout = stdout or sys.stdout
    seeder = _Seeder(today=today, stdout=stdout)
    demo_deputy = next(
        (d for d in seeder.deputies if d.person.user and d.person.user.username == "demo-deputy"), None
    )
    seeder.policies_and_exemptions()
    seeder.centralized_contacts(demo_deputy.pk if demo_deputy else None)
    seeder.individual_activities(demo_deputy.pk if demo_deputy else None)
    seeder.plans()
    seeder.opinions(demo_deputy.pk if demo_deputy else None)
    seeder.voter_reports()
    seeder.research()
    seeder.training()
    seeder.meetings(demo_deputy)
    total = sum(seeder.created.values())
    stdout.write(
        f"联系活动演示数据：新建 {total} 条 / Contacts demo data: {total} rows created "
        + (f"({', '.join(f'{k} {v}' for k, v in sorted(seeder.created.items()))})" if total else "")
    )
    return seeder.created
