"""Writes of the reports app: background exports and the snapshot of a closed year."""

from __future__ import annotations

import dataclasses
import logging

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts import quotas

from . import exports
from .models import ComplianceSnapshot, Export, ExportState
from .selectors import ReportFilters, compliance_report, may_view_reports

logger = logging.getLogger(__name__)

# How often a running export writes its progress (every this many rows, and at least 20 times).
PROGRESS_EVERY = 500


def request_export(*, user, year: int, filters: ReportFilters, fmt: str) -> Export:
    """Queue an export of the compliance report as this user sees it; the task builds the file."""
    if not may_view_reports(user):
        raise PermissionDenied(_("您没有查看履职报表的权限。"))
    if fmt not in exports.FORMATS:
        raise ValueError(fmt)
    export = Export.objects.create(
        format=fmt, year=year, params=dataclasses.asdict(filters), requested_by=user
    )
    from .tasks import build_export

    transaction.on_commit(lambda: build_export.delay(export.pk))
    return export


def build_export(*, export_id: int) -> Export:
    """Build the file of a queued export. Only the first delivery of the task claims it
    (pending → running, a conditional update); the report is scoped to the requester."""
    claimed = Export.objects.filter(pk=export_id, state=ExportState.PENDING).update(
        state=ExportState.RUNNING, progress=0
    )
    export = Export.objects.select_related("requested_by").get(pk=export_id)
    if not claimed:
        return export
    try:
        report = compliance_report(
            user=export.requested_by, year=export.year, filters=ReportFilters(**export.params)
        )
        total = max(len(report.rows), 1)
        step = max(1, min(PROGRESS_EVERY, total // 20))

        def on_row(done: int) -> None:
            if done % step == 0:
                Export.objects.filter(pk=export_id).update(progress=min(99, done * 100 // total))

        data = exports.render(report, export.format, on_row=on_row)
        export.file.save(exports.filename(report, export.format), ContentFile(data), save=False)
        export.rows = len(report.rows)
        export.state = ExportState.DONE
        export.progress = 100
    except Exception as exc:  # a failed export says so on the page instead of spinning for ever
        logger.exception("export %s failed", export_id)
        export.state = ExportState.FAILED
        export.error = str(exc)[:500]
    export.finished_at = timezone.now()
    export.save(update_fields=["file", "rows", "state", "progress", "error", "finished_at"])
    return export


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
