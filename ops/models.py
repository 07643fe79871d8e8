"""The outbox of Celery tasks and the delivery claims (see `ops.outbox` and `ops.claims`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxTask(models.Model):
    """A Celery task to send, written in the same transaction as the change that calls for it.

    `sent_at` is set once the broker accepted it; a row still unsent is sent by the beat sweep
    (`ops.tasks.dispatch_outbox`), so nothing is lost while Redis is down.
    """

    task_name = models.CharField(_("任务"), max_length=200)
    args = models.JSONField(_("参数"), default=list, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("发送尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("待发送任务")
        verbose_name_plural = _("待发送任务")
        ordering = ["pk"]
        indexes = [
            models.Index(
                fields=["created_at"], name="ops_outbox_unsent", condition=models.Q(sent_at__isnull=True)
            )
        ]

    def __str__(self):
        return f"{self.task_name}{tuple(self.args)}"


class DeliveryClaim(models.Model):
    """One outbound message (e-mail, SMS) claimed before it is sent: its key is unique, so a task run
    twice (redelivered after a killed worker, retried, duplicated) never sends it twice.

    `sent_at` empty on an old claim means the sender died mid-send: the message may or may not have
    left; it is never sent again automatically (at most once), and the admin lists it.
    """

    key = models.CharField(_("消息键"), max_length=200, unique=True)
    claimed_at = models.DateTimeField(_("认领时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息发送记录")
        verbose_name_plural = _("消息发送记录")

    def __str__(self):
        return self.key


class Heartbeat(models.Model):
    """When a background part last showed it was alive (`ops.health`): "worker" is stamped each time a
    worker runs the beat's outbox sweep."""

    name = models.CharField(_("名称"), max_length=50, primary_key=True)
    seen_at = models.DateTimeField(_("最近一次"))

    class Meta:
        verbose_name = _("心跳")
        verbose_name_plural = _("心跳")

    def __str__(self):
        return f"{self.name} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"
