"""A Celery task that failed for good (after its last retry) is reported to the administrators once.

`task_failure` fires only when a task gives up (a retry raises `Retry`, which is not a failure). The
report is an e-mail to `settings.ADMINS` (`mail_admins`), claimed with `ops.claims` under the key
``task-failure:<task id>``, so a task redelivered and failing again is reported once. It names the
task, its id and the exception class, never the arguments' contents beyond ids (they are ids by
convention) and never the exception's text (it may quote personal data).
"""

from __future__ import annotations

import logging

from celery.signals import task_failure

logger = logging.getLogger(__name__)


@task_failure.connect(dispatch_uid="ops.report_task_failure")
def report_task_failure(sender=None, task_id=None, exception=None, args=None, **_kwargs):
    from django.core.mail import mail_admins

    from ops.claims import deliver_once

    name = getattr(sender, "name", str(sender))
    error = exception.__class__.__name__ if exception is not None else "unknown"
    ids = ", ".join(str(a) for a in (args or ()) if isinstance(a, int | str) and len(str(a)) <= 40)
    logger.error("Task %s[%s] failed for good: %s", name, task_id, error)
    try:
        deliver_once(
            f"task-failure:{task_id}",
            lambda: mail_admins(
                f"任务失败 / Task failed: {name}",
                f"Task {name} [{task_id}] failed after its last retry: {error}.\nArguments: {ids or '-'}\n"
                "See the worker's log for the traceback (search the task id).",
            ),
        )
    except Exception:  # reporting must never hide the failure itself
        logger.exception("Could not report the failure of task %s[%s].", name, task_id)
