"""Delivery tasks of the registry: invitations and reminder texts, each sent once (deputies.invitations,
deputies.reach).

A failure worth retrying (a timeout, throttling: an OSError) is retried with backoff
(`accounts.tasks.DELIVERY_OPTIONS`); when the last try fails too, the failure is recorded on the row
(`failed_at`, `failure`) like a gateway's permanent refusal, so the liaison staff see the deputy was not
reached (代表账户 page), and the exception propagates (the admins are told once, `ops.signals`).
"""

from celery import shared_task

from accounts.tasks import DELIVERY_OPTIONS, last_try

from . import invitations, reach
from .models import Invitation, Reach


@shared_task(name="deputies.tasks.send_invitation", bind=True, **DELIVERY_OPTIONS)
def send_invitation(self, invitation_id: int) -> bool:
    try:
        return invitations.deliver(invitation_id)
    except OSError as error:
        if last_try(self):
            reach.give_up(Invitation.objects.filter(pk=invitation_id), error)
        raise


@shared_task(name="deputies.tasks.send_reminder_text", bind=True, **DELIVERY_OPTIONS)
def send_reminder_text(self, reach_id: int) -> bool:
    try:
        return reach.deliver(reach_id)
    except OSError as error:
        if last_try(self):
            reach.give_up(Reach.objects.filter(pk=reach_id), error)
        raise
