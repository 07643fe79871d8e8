"""Closing a year stores its compliance report as submitted (§三(六)).

`contacts.services.close_year` (another app's service) does not call the reports app, and the
reports app does not edit it; so the snapshot follows the ClosedYear row being created, after the
transaction commits, through the `reports.tasks.snapshot_closed_year` task. The snapshot service is
idempotent, so a re-delivered task or a second save changes nothing.
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from contacts.models import ClosedYear


@receiver(post_save, sender=ClosedYear, dispatch_uid="reports.snapshot_on_close")
def snapshot_when_a_year_is_closed(sender, instance: ClosedYear, created: bool, **kwargs):
    if not created:
        return
    from .tasks import snapshot_closed_year

    year, pk = instance.year, instance.pk
    transaction.on_commit(lambda: snapshot_closed_year.delay(year, pk))
