"""Writes of the reports app: background exports and the snapshot of a closed year."""

from __future__ import annotations

import dataclasses
import datetime
import logging
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts import quotas
from deputies import permissions as access
from deputies.images import WHOLE_PHOTO, normalize_image
from ops.outbox import enqueue

from . import exports
from .models import (
    Article,
    ArticlePhoto,
    ArticleStatus,
    ComplianceSnapshot,
    Export,
    ExportState,
    FundSpending,
    WorkFund,
    stale_after,
)
from .selectors import ReportFilters, compliance_report

logger = logging.getLogger(__name__)

# How often a running export writes its progress (every this many rows, and at least 20 times).
PROGRESS_EVERY = 500


def request_export(*, user, year: int, filters: ReportFilters, fmt: str) -> Export:
    """Queue an export of the compliance report as this user sees it; the task builds the file."""
    if not access.may_view_compliance(user):
        raise PermissionDenied(_("您没有查看履职报表的权限。"))
    if fmt not in exports.FORMATS:
        raise ValueError(fmt)
    with transaction.atomic():
        export = Export.objects.create(
            format=fmt, year=year, params=dataclasses.asdict(filters), requested_by=user
        )
        # Sent after commit; kept in the outbox for the beat sweep if Redis is down.
        enqueue("reports.tasks.build_export", export.pk)
    return export


def build_export(*, export_id: int) -> Export:
    """Build the file of a queued export, scoped to the requester. Only one delivery of the task
    builds it: the one that claims it (see `_claim`); its result is written only if no other
    delivery took the export over meanwhile, so a re-delivered task never leaves two files."""
    attempt = _claim(export_id)
    export = Export.objects.select_related("requested_by").get(pk=export_id)
    if attempt is None:
        return export
    try:
        report = compliance_report(
            user=export.requested_by, year=export.year, filters=ReportFilters(**export.params)
        )
        total = max(len(report.rows), 1)
        step = max(1, min(PROGRESS_EVERY, total // 20))

        def on_row(done: int) -> None:
            if done % step == 0:
                Export.objects.filter(pk=export_id, attempts=attempt).update(
                    progress=min(99, done * 100 // total), updated_at=timezone.now()
                )

        data = exports.render(report, export.format, on_row=on_row)
        export.file.save(exports.filename(report, export.format), ContentFile(data), save=False)
        result = {
            "file": export.file.name,
            "rows": len(report.rows),
            "state": ExportState.DONE,
            "progress": 100,
        }
    except Exception as exc:  # a failed export says so on the page instead of spinning for ever
        logger.exception("export %s failed", export_id)
        result = {"state": ExportState.FAILED, "error": str(exc)[:500]}
    now = timezone.now()
    finished = Export.objects.filter(pk=export_id, state=ExportState.RUNNING, attempts=attempt).update(
        **result, finished_at=now, updated_at=now
    )
    if not finished:  # another delivery took it over: its result stands, this one's file goes
        logger.warning("export %s was taken over; attempt %s discarded", export_id, attempt)
        if result.get("file"):
            export.file.storage.delete(result["file"])
    export.refresh_from_db()
    return export


def _claim(export_id: int) -> int | None:
    """Claim an export for this delivery of the task; return the attempt number, or None when it is
    not this delivery's to build. A conditional update on the state (and the last update), so two
    deliveries never both win: a pending export is claimed once; a running one only when its worker
    died (not updated for longer than the task's time limit, `stale_after()`), since a task that
    was still alive would have been killed by then. Done and failed exports are left as they are."""
    now = timezone.now()
    claimable = Q(state=ExportState.PENDING) | Q(
        state=ExportState.RUNNING, updated_at__lt=now - stale_after()
    )
    with transaction.atomic():
        claimed = Export.objects.filter(claimable, pk=export_id).update(
            state=ExportState.RUNNING, progress=0, attempts=F("attempts") + 1, updated_at=now
        )
        if not claimed:
            return None
        # The updated row stays locked until commit: this reads this delivery's own attempt.
        return Export.objects.filter(pk=export_id).values_list("attempts", flat=True).get()


def snapshot_closed_year(*, year: int, closed_year=None, actor=None) -> ComplianceSnapshot:
    """Store the district's compliance report of a closed year as submitted (§三(六)).

    Idempotent: a year's snapshot is written once and never rewritten; corrections made later are
    amendments (contacts.Amendment), listed beside it."""
    existing = ComplianceSnapshot.objects.filter(year=year).first()
    if existing:
        return existing
    report = compliance_report(user=actor, year=year, deputies=quotas.deputies_serving_in_year(year))
    snapshot, _created = ComplianceSnapshot.objects.get_or_create(
        year=year,
        defaults={
            "closed_year": closed_year,
            "rows": [row.as_dict() for row in report.rows],
            "total": report.total.as_dict(),
            "created_by": actor,
        },
    )
    return snapshot


# --- Work funds (§五(七)) and publicity articles (§五(八)) -----------------------------------------


def _require_liaison_body_staff(actor, organization) -> None:
    if (
        organization is None
        or not organization.is_liaison_body
        or not access.user_can_act_for(actor, organization)
    ):
        raise PermissionDenied(_("只有本联络机构的工作人员可以填报。"))


def set_fund_plan(*, actor, organization, year: int, planned: Decimal, notes: str = "") -> WorkFund:
    """A liaison body's yearly plan for contact-work funds, entered by its own staff (§五(七))."""
    _require_liaison_body_staff(actor, organization)
    if planned < 0:
        raise ValidationError({"planned": _("金额不能为负数。")})
    fund, _created = WorkFund.objects.update_or_create(
        organization=organization,
        year=year,
        defaults={"planned": planned, "notes": notes, "updated_by": actor},
    )
    return fund


def record_spending(
    *, actor, fund: WorkFund, date: datetime.date, amount: Decimal, purpose: str
) -> FundSpending:
    _require_liaison_body_staff(actor, fund.organization)
    errors = {}
    if date.year != fund.year:
        errors["date"] = _("支出日期必须在计划年度内。")
    if amount <= 0:
        errors["amount"] = _("金额必须大于零。")
    if not purpose.strip():
        errors["purpose"] = _("请填写用途。")
    if errors:
        raise ValidationError(errors)
    return FundSpending.objects.create(
        fund=fund, date=date, amount=amount, purpose=purpose.strip(), created_by=actor
    )


def articles_editable_by(user):
    if access.is_admin(user):
        return Article.objects.all()
    if access.may_write_articles(user):
        return Article.objects.filter(organization_id=user.organization_id)
    return Article.objects.none()


def save_article(
    *,
    actor,
    title: str,
    body: str,
    deputies=(),
    photos=(),
    article: Article | None = None,
) -> Article:
    """Write or change an article (a draft until published). Related deputies must be within the
    writer's jurisdiction; photos are checked and re-encoded like every upload (`_article_photo`)."""
    if not access.may_write_articles(actor):
        raise PermissionDenied(_("只有联络机构工作人员可以撰写宣传文章。"))
    if article is not None and not articles_editable_by(actor).filter(pk=article.pk).exists():
        raise PermissionDenied(_("不能修改其他机构的文章。"))
    deputies = list(deputies)
    allowed = set(
        access.deputies_in_jurisdiction(actor)
        .filter(pk__in=[d.pk for d in deputies])
        .values_list("pk", flat=True)
    )
    errors = {}
    if not title.strip():
        errors["title"] = _("请填写标题。")
    if not body.strip():
        errors["body"] = _("请填写正文。")
    if any(d.pk not in allowed for d in deputies):
        errors["deputies"] = _("只能关联本辖区的代表。")
    images = []
    for photo in photos:
        try:
            images.append(_article_photo(photo))
        except ValidationError as exc:
            errors.setdefault("photos", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if article is None:
            article = Article(
                author=actor, organization=actor.organization if not access.is_admin(actor) else None
            )
        article.title, article.body = title.strip(), body
        article.save()
        article.deputies.set(deputies)
        for image in images:
            ArticlePhoto.objects.create(article=article, image=image)
    return article


def _article_photo(upload):
    """Articles are public: a photo is accepted only as a real JPEG, PNG or WebP image within
    MAX_PHOTO_BYTES, and stored re-encoded (no EXIF: no GPS position, no camera) under a random name
    (the original file name may hold a phone number), fitted inside WHOLE_PHOTO's box (1600 px)."""
    return normalize_image(upload, spec=WHOLE_PHOTO)


def publish_article(*, actor, article: Article, publish: bool = True) -> Article:
    """Publish (or take back to draft) an article; only published articles are public."""
    if not articles_editable_by(actor).filter(pk=article.pk).exists():
        raise PermissionDenied(_("不能修改其他机构的文章。"))
    if publish:
        Article.objects.filter(pk=article.pk).update(
            status=ArticleStatus.PUBLISHED, published_at=timezone.now()
        )
    else:
        Article.objects.filter(pk=article.pk).update(status=ArticleStatus.DRAFT, published_at=None)
    article.refresh_from_db()
    return article
