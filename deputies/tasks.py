"""Delivery tasks of the registry: invitations and reminder texts, each sent once (deputies.invitations,
deputies.reach)."""

from celery import shared_task

from accounts.tasks import DELIVERY_OPTIONS

from . import invitations, reach


@shared_task(name="deputies.tasks.send_invitation", **DELIVERY_OPTIONS)
def send_invitation(invitation_id: int) -> bool:
    return invitations.deliver(invitation_id)


@shared_task(name="deputies.tasks.send_reminder_text", **DELIVERY_OPTIONS)
def send_reminder_text(reach_id: int) -> bool:
    return reach.deliver(reach_id)
