"""Celery tasks of the contacts app: they parse their arguments and call `contacts.reminders`.

Names are stable (beat schedules and other systems refer to them). Every task takes an optional
`as_of` (ISO date) so it can be run for any day, and optional `deputy_ids` to limit the sweep.
"""

from celery import shared_task

from accounts.tasks import SWEEP_OPTIONS, parse_day

from . import notices, reminders


@shared_task(name="contacts.tasks.send_quota_reminders", **SWEEP_OPTIONS)
def send_quota_reminders(as_of: str | None = None, deputy_ids: list[int] | None = None) -> dict:
    """At the quota checkpoints: reminders to deputies behind, digests to liaison bodies (§三(六))."""
    return reminders.send_quota_reminders(as_of=parse_day(as_of), deputy_ids=deputy_ids).as_dict()


@shared_task(name="contacts.tasks.send_term_report_reminders", **SWEEP_OPTIONS)
def send_term_report_reminders(as_of: str | None = None, deputy_ids: list[int] | None = None) -> dict:
    """Deputies in the last year of their term who have not reported to the voters (§三(七))."""
    return reminders.send_term_report_reminders(as_of=parse_day(as_of), deputy_ids=deputy_ids).as_dict()


@shared_task(name="contacts.tasks.send_duty_notices", **SWEEP_OPTIONS)
def send_duty_notices(as_of: str | None = None) -> dict:
    """Deputies on reception duty at a 家/站/点 tomorrow (`contacts.notices`)."""
    return notices.send_duty_notices(as_of=parse_day(as_of)).as_dict()


@shared_task(name="contacts.tasks.send_training_notices", **SWEEP_OPTIONS)
def send_training_notices(as_of: str | None = None) -> dict:
    """Deputies enrolled in a training session a week from now or tomorrow (`contacts.notices`)."""
    return notices.send_training_notices(as_of=parse_day(as_of)).as_dict()
