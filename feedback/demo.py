"""Demo opinions in every state of the workflow, spread across the year (`manage.py seed_demo`).

Builds on the registry seeded by `deputies/demo.py` (regions, deputies and organizations looked up by
code and name); a missing piece is skipped, not invented. Idempotent: each demo opinion has a fixed
tracking code (`DEMO…`), and an existing one is left as it is. Every state change goes through
`feedback.workflow`, so the timelines are real; their timestamps are then set back to the demo day.
"""

from __future__ import annotations

import datetime
import sys
from dataclasses import dataclass
from typing import TextIO

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role, User
from deputies.models import Deputy, Organization, OrganizationKind, Region

from . import archive, services, workflow
from .models import Channel, Opinion, OpinionEvent


@dataclass(frozen=True)
class Scenario:
    code: str
    area: str  # street or town code
    days_ago: int
    content: str
    category: str
    steps: tuple[tuple[str, dict], ...]
    to_deputy: bool = True
    channel: str = Channel.WEB
    contact: bool = True


# Public words the demo uses for each step.
V = ("verify", {"method": "visit", "internal_note": "代表上门走访，与居民座谈，情况属实。"})
S = ("route", {"level": "street", "public_note": "已转交街道人大工委，由街道有关部门办理。"})
T = ("route", {"level": "town", "public_note": "已转交镇人大办公室（代表联络室），由镇有关部门办理。"})
A = ("assign", {"units": "local", "public_note": "已交承办单位办理。"})
R = ("reply", {"outcome": "solved", "text": "已组织维修，问题已解决。"})
RL = ("relay", {"public_note": "办理结果已送达代表。"})
FB = ("feedback", {"public_note": "经街道协调，问题已解决，感谢您的反映。"})

SCENARIOS = [
    Scenario(
        "DEMO2026A01",
        "yueyang",
        2,
        "人乐新村5号楼前的路灯坏了一个多月，晚上老人出行很不方便。",
        "市政设施",
        (),
    ),
    Scenario(
        "DEMO2026A02",
        "yongfeng",
        4,
        "低价代办各类证件，详情请访问 www.example-spam.top 咨询客服。",
        "其他",
        (),
        to_deputy=False,
        contact=False,
    ),
    Scenario(
        "DEMO2026A03",
        "yueyang",
        20,
        "想了解今年社区老年助餐点的开放时间和报名方式。",
        "民政服务",
        (("answer", {"public_note": "助餐点工作日11:00-13:00开放，可到居委会报名。"}),),
    ),
    Scenario(
        "DEMO2026A04",
        "fangsong",
        9,
        "小区周边夜间施工噪音扰民，影响居民休息，希望加强管理。",
        "环境保护",
        (V,),
    ),
    Scenario(
        "DEMO2026A05", "yueyang", 30, "中山中路公交站台没有遮雨棚，雨天候车很不方便。", "交通出行", (V, S)
    ),
    Scenario(
        "DEMO2026A06",
        "zhongshan",
        45,
        "白云小区电动自行车充电桩数量不足，居民飞线充电有安全隐患。",
        "公共安全",
        (V, S, A),
    ),
    Scenario(
        "DEMO2026A07",
        "yueyang",
        70,
        "景德路人行道地砖松动，多处积水，行人容易摔倒。",
        "市政设施",
        (V, S, A, R),
    ),
    Scenario(
        "DEMO2026A08",
        "guangfulin",
        95,
        "三新居委会附近缺少便民菜场，居民买菜要走很远。",
        "民生服务",
        (V, S, A, R, RL),
    ),
    Scenario(
        "DEMO2026A09",
        "yueyang",
        130,
        "龙潭居委会健身器材老化损坏，希望更新。",
        "公共服务",
        (V, S, A, R, RL, FB),
    ),
    Scenario(
        "DEMO2026A10",
        "sijing",
        160,
        "江川北路学校门口上下学时段交通拥堵，建议增加交通协管员。",
        "交通出行",
        (V, T, A, R, RL, FB, ("rate", {"rating": "satisfied"})),
    ),
    Scenario(
        "DEMO2026A11",
        "jiuliting",
        60,
        "我家与邻居因装修漏水产生纠纷，希望代表帮我讨个说法。",
        "其他",
        (("reject", {"reason": "personal"}),),
    ),
    Scenario(
        "DEMO2026A12",
        "yueyang",
        29,
        "中山中路公交站台缺少遮雨棚，下雨天等车要淋雨。",
        "交通出行",
        (("merge", {"target": "DEMO2026A05"}),),
    ),
    Scenario(
        "DEMO2026A13",
        "yueyang",
        190,
        "建议全区统筹规划老旧小区加装电梯，简化审批流程，加大补贴力度。",
        "城市建设",
        # Routed to district level: the deputy submits the draft it left, the office assigns it
        # (and so the opinion) to a district unit.
        (V, ("route", {"level": "district", "kind": "suggestion"}), ("suggestion", {"units": "district"})),
    ),
    Scenario(
        "DEMO2026A14",
        "jiuting",
        110,
        "建议市里协调地铁9号线早高峰加密班次，九亭站拥挤严重。",
        "交通出行",
        (
            V,
            (
                "route",
                {"level": "city", "public_note": "已转交区人大常委会人事代表工作室，转市人大代表反映。"},
            ),
        ),
    ),
    Scenario(
        "DEMO2026A15",
        "chedun",
        40,
        "来信反映：华阳村河道有垃圾漂浮，希望有关部门清理。",
        "环境保护",
        (("route", {"level": "letters", "public_note": "已转送区人大常委会办公室信访科。"}),),
        to_deputy=False,
        channel=Channel.LETTER,
    ),
    Scenario(
        "DEMO2026A16",
        "yueyang",
        250,
        "人乐新村楼道堆物严重，存在消防隐患。",
        "公共安全",
        (V, S, A, R, RL, FB, ("rate", {"rating": "dissatisfied", "comment": "楼道堆物又出现了。"})),
    ),
    Scenario(
        "DEMO2026A17",
        "sheshan",
        300,
        "佘山镇天马村道路破损，村民出行困难，希望尽快修复。",
        "市政设施",
        (V, T, A, R, RL, FB, ("close", {})),
        channel=Channel.RECEPTION,
    ),
]


# Demo opinions whose submitters agreed to publication, approved by the staff (the public archive).
PUBLISHED = {"DEMO2026A03", "DEMO2026A09", "DEMO2026A10", "DEMO2026A17"}


class _Seeder:
    def __init__(self, *, today: datetime.date, stdout: TextIO):
        self.today = today
        self.stdout = stdout
        self.system = workflow.Actor(user=None, role=Role.ADMIN, is_admin=True)
        self.created = 0

    def moment(self, days_ago: float) -> datetime.datetime:
        """`days_ago` days before 17:00 on the demo day, to the minute (later steps, later times)."""
        tz = timezone.get_default_timezone()
        end = datetime.datetime.combine(self.today, datetime.time(17, 0), tzinfo=tz)
        return end - datetime.timedelta(minutes=round(days_ago * 24 * 60))

    def area(self, code: str) -> Region | None:
        return Region.objects.filter(code=code).first()

    def deputy_for(self, area: Region) -> Deputy | None:
        return (
            Deputy.objects.serving(self.today)
            .filter(constituency__region=area)
            .order_by("congress__level", "id")
            .select_related("congress", "person")
            .first()
        )

    def staff_of(self, organization: Organization | None, role: str):
        if organization is None:
            return None
        return (
            User.objects.filter(organization=organization, role=role, is_active=True).order_by("id").first()
        )

    def unit_for(self, area: Region, which: str) -> Organization | None:
        units = Organization.objects.handling_units()
        if which == "local":
            local = units.filter(region=area).order_by("id").first()
            if local is not None:
                return local
        return units.filter(Q(region__kind="district")).order_by("id").first()

    def actor_for(self, action: str, opinion: Opinion, unit: Organization | None):
        if action == "rate":
            return None
        if action in ("answer", "verify", "feedback") and opinion.deputy_id:
            user = opinion.deputy.person.user
            if user is not None and user.is_active:
                return user
        if action == "reply":
            return self.staff_of(unit, Role.UNIT_STAFF) or self.system
        if action in ("assign", "relay", "close", "reject", "merge", "route"):
            return self.staff_of(opinion.organization, Role.LIAISON_STAFF) or self.system
        return self.system

    def approve_publication(self, opinion: Opinion) -> None:
        """The street or town staff approve the redacted drafts, as they would on the detail page."""
        reviewer = self.staff_of(opinion.organization, Role.LIAISON_STAFF)
        reviewer = reviewer or User.objects.filter(role=Role.ADMIN, is_active=True).order_by("id").first()
        if reviewer is not None:
            archive.approve(opinion=opinion, user=reviewer, **archive.suggested_texts(opinion))

    def submit_and_assign(self, opinion: Opinion, unit: Organization, now: datetime.datetime) -> None:
        """The draft that routing left the district deputy, submitted and assigned (§四(三))."""
        from .suggestions import permissions as suggestion_permissions
        from .suggestions import workflow as suggestion_workflow

        suggestion = opinion.source_of_suggestions.filter(state="draft").first()
        if suggestion is None:
            return
        system = suggestion_permissions.SuggestionActor(
            user=None, role=Role.ADMIN, is_admin=True, deputy_ids=frozenset({suggestion.deputy_id})
        )
        suggestion = suggestion_workflow.apply_action(
            suggestion=suggestion, action="submit", actor=system, now=now
        )
        suggestion_workflow.apply_action(
            suggestion=suggestion, action="assign", actor=system, data={"lead_unit": unit.pk}, now=now
        )

    def run(self, scenario: Scenario) -> None:
        if Opinion.objects.filter(tracking_code=scenario.code).exists():
            return
        area = self.area(scenario.area)
        if area is None:
            self.stdout.write(f"跳过 {scenario.code}：缺少区域 {scenario.area} / skipped, region missing")
            return
        with transaction.atomic():
            opinion = self.receive(scenario, area)
            opinion = self.play(opinion, scenario, area)
            if opinion.publish:
                self.approve_publication(opinion)
        self.created += 1

    def receive(self, scenario: Scenario, area) -> Opinion:
        """Take the scenario's opinion in, dated back to when it was received, with its own code."""
        place = area.children.order_by("id").first() or area
        received = self.moment(scenario.days_ago)
        opinion = services.submit_opinion(
            content=scenario.content,
            region=place,
            deputy=self.deputy_for(area) if scenario.to_deputy else None,
            category=scenario.category,
            channel=scenario.channel,
            now=received,
            publish=scenario.code in PUBLISHED,
            **_contact(scenario, place),
        )
        Opinion.objects.filter(pk=opinion.pk).update(tracking_code=scenario.code)
        opinion.refresh_from_db()
        OpinionEvent.objects.filter(opinion=opinion).update(created_at=received)
        return opinion

    def play(self, opinion: Opinion, scenario: Scenario, area) -> Opinion:
        """The scenario's workflow steps, sharing the time between receipt and (nearly) today."""
        unit = None
        count = len(scenario.steps)
        for index, (action, data) in enumerate(scenario.steps, start=1):
            step_at = self.moment(scenario.days_ago * (1 - index / (count + 1)))
            data = dict(data)
            if action in ("suggestion", "assign"):
                unit = self.unit_for(area, data["units"])
                if unit is None:
                    break
            if action == "suggestion":
                self.submit_and_assign(opinion, unit, step_at)
                opinion.refresh_from_db()
                continue
            if action == "assign":
                data["units"] = [unit.pk]
            if action == "reply" and unit is not None:
                data["unit"] = unit.pk
            if action == "merge":
                target = Opinion.objects.filter(tracking_code=data["target"]).first()
                if target is None:
                    break
                data["target"] = target.pk
            actor = self.actor_for(action, opinion, unit)
            opinion = workflow.apply_action(
                opinion=opinion, action=action, actor=actor, data=data, now=step_at
            )
            OpinionEvent.objects.filter(opinion=opinion, action=action, created_at__gt=step_at).update(
                created_at=step_at
            )
        return opinion


def _contact(scenario: Scenario, place) -> dict:
    """A made-up submitter for the scenarios that leave contact details (reserved 1380000 numbers)."""
    if not scenario.contact:
        return {}
    number = int(scenario.code[-2:])
    return {
        "submitter_name": "王" + "小明晓红建国秀英志强丽华"[number % 12],
        "submitter_phone": f"1380000{number:04d}",
        "submitter_address": f"{place.name}{number}号",
        "consent": True,
    }


def seed(*, today: datetime.date, stdout: TextIO | None = None) -> int:
    """Seed the demo opinions (idempotent); returns how many were created now."""
    stdout = stdout or sys.stdout
    if not Organization.objects.filter(kind=OrganizationKind.STREET_COMMITTEE).exists():
        stdout.write("跳过社情民意演示数据：登记册为空 / Skipped demo opinions: the registry is empty")
        return 0
    seeder = _Seeder(today=today, stdout=stdout)
    for scenario in SCENARIOS:
        seeder.run(scenario)
    stdout.write(
        f"社情民意演示数据：新建 {seeder.created} 条 / Demo opinions: {seeder.created} created "
        f"({Opinion.objects.filter(tracking_code__startswith='DEMO').count()} in total)"
    )
    return seeder.created
