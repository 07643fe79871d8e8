"""Demo data of the reports app: work-fund plans and spending of a few liaison bodies, and publicity
articles (published and a draft). Idempotent. `seed_demo` runs it once `reports.demo` is in its
APP_SEEDERS."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TextIO

from django.utils import timezone

from deputies.models import Deputy, Organization, OrganizationKind

from .models import Article, ArticleStatus, FundSpending, WorkFund

ARTICLES = [
    (
        "岳阳街道代表之家开设“夜间接待日”",
        "为方便上班族反映意见，岳阳街道代表之家每月第二个周三晚上开放，区、镇人大代表轮流接待居民。"
        "今年以来共接待群众120余人次，收集意见建议36件，已办结31件。",
        True,
    ),
    (
        "泗泾镇代表小组推动老旧小区加装电梯",
        "泗泾镇代表小组走访12个老旧小区，听取居民意见，形成专题调研报告，推动7台电梯开工建设。",
        True,
    ),
    ("（草稿）永丰街道代表进网格工作总结", "草稿，尚未发布。", False),
]


def seed(*, today: datetime.date, stdout: TextIO | None = None) -> int:
    created = 0
    bodies = list(
        Organization.objects.filter(
            kind__in=[OrganizationKind.STREET_COMMITTEE, OrganizationKind.TOWN_OFFICE]
        ).order_by("kind", "region_id")[:4]
    )
    for index, body in enumerate(bodies):
        fund, made = WorkFund.objects.get_or_create(
            organization=body,
            year=today.year,
            defaults={"planned": Decimal(60000 + 10000 * index), "notes": "代表之家、联络站活动经费"},
        )
        created += made
        if made:
            for month, amount, purpose in ((3, "3200.00", "代表接待日物资"), (6, "8600.00", "代表履职培训")):
                day = datetime.date(today.year, month, 15)
                if day <= today:
                    FundSpending.objects.create(fund=fund, date=day, amount=Decimal(amount), purpose=purpose)
    deputies = list(Deputy.objects.order_by("pk")[:2])
    for title, body, published in ARTICLES:
        article, made = Article.objects.get_or_create(
            title=title,
            defaults={
                "body": body,
                "status": ArticleStatus.PUBLISHED if published else ArticleStatus.DRAFT,
                "published_at": timezone.now() if published else None,
                "organization": bodies[0] if bodies else None,
            },
        )
        if made:
            article.deputies.set(deputies)
            created += 1
    if stdout:
        stdout.write(f"reports demo: {created} rows created\n")
    return created
