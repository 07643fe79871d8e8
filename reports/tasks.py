"""Celery tasks of the reports app: they take ids and call a service."""

from celery import shared_task

from . import services


@shared_task(name="reports.tasks.build_export")
def build_export(export_id: int) -> str:
    export = services.build_export(export_id=export_id)
    return export.state


@shared_task(name="reports.tasks.snapshot_closed_year")
def snapshot_closed_year(year: int, closed_year_id: int | None = None) -> int:
    from contacts.models import ClosedYear

    closed = ClosedYear.objects.filter(pk=closed_year_id).select_related("closed_by").first()
    snapshot = services.snapshot_closed_year(
        year=year, closed_year=closed, actor=closed.closed_by if closed else None
    )
    return snapshot.pk
