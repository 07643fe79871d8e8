"""Deadline and feedback-owed reminders (§四(二)–(三), §五(一), R-SUP-1), run by Celery beat.

Deadlines: one sweep over the stored, indexed `due_at` columns of every registered *deadline source*
(opinions at their route/reply/feedback step, handling units' assignments, suggestions raised
directly by deputies). Each open item due within `DEADLINE_DUE_SOON_DAYS` or overdue is classified
with `feedback.deadlines.status_for` (the one place "long overdue" is defined) and reported:

- due soon      → whoever must act (the handling unit's staff, the deputy, or the responsible body);
- overdue       → them and the liaison body of the place concerned (street committee / town office);
- long overdue  → escalated: also the personnel and deputy work office and the administrators.

A new kind of deadline-bearing record plugs in with `@deadline_source("name")`: a function
`(now, horizon) -> Iterable[DeadlineItem]` returning the open items due before `horizon`.

Feedback owed (§四(二) "代表…向人民群众反馈"): an opinion replied or relayed to the deputy more than
`FEEDBACK_OWED_AFTER_DAYS` ago and not yet fed back to the citizen → the deputy (or, without a serving
deputy with an active login, the responsible body's staff).

Every message is written in its recipient's language (`User.language`), recipients grouped by language.

Every message is keyed by kind, item, due date (or reply date) and recipient, so each is sent once;
an extended deadline is a new period. Tasks are named `feedback.reminders.*` (CELERY_IMPORTS).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import NotificationKind, Role, User
from accounts.notify import Message, by_language, notify_many, recipient_language
from accounts.tasks import SWEEP_OPTIONS, parse_moment
from deputies.models import Organization, OrganizationKind

from . import deadlines
from .models import DeadlineKind, Opinion, OpinionState, SuggestionState
from .notifications import opinion_url

DUE_SOON = "due_soon"
KIND_BY_STATUS = {
    DUE_SOON: NotificationKind.DEADLINE_DUE_SOON,
    deadlines.OVERDUE: NotificationKind.DEADLINE_OVERDUE,
    deadlines.LONG_OVERDUE: NotificationKind.DEADLINE_ESCALATED,
}


@dataclass(frozen=True)
class DeadlineItem:
    """One open, deadline-bearing thing, with who answers for it."""

    source: str
    pk: int
    due_at: datetime.datetime
    label: Callable[[], str]  # called inside the recipient's language
    url: str = ""
    responsible_orgs: tuple[int, ...] = ()
    responsible_users: tuple[User, ...] = ()
    region: object = None  # deputies.Region, for the liaison body of the place concerned


DEADLINE_SOURCES: dict[str, Callable[[datetime.datetime, datetime.datetime], Iterable[DeadlineItem]]] = {}


def deadline_source(name: str):
    """Register a function `(now, horizon) -> Iterable[DeadlineItem]` as a source of deadlines."""

    def register(func):
        DEADLINE_SOURCES[name] = func
        return func

    return register


def _serving_user(deputy, today: datetime.date) -> User | None:
    """The active login of a deputy whose mandate is current on `today`, or None: an ended mandate or
    a deactivated login gets no reminders, so the item falls back to the responsible body."""
    if deputy is None or not deputy.is_serving(today):
        return None
    user = deputy.person.user
    return user if user is not None and user.is_active else None


def _opinion_label(opinion: Opinion) -> str:
    """The label, e.g. 社情民意 #12（转交期限）, in the active language: the step too is translated here,
    inside the recipient's language, not once for the whole sweep."""
    step = opinion.get_due_kind_display() or _("办理期限")
    return _("社情民意 #%(id)s（%(step)s）") % {"id": opinion.pk, "step": step}


@deadline_source("opinion")
def opinion_deadlines(now: datetime.datetime, horizon: datetime.datetime) -> Iterable[DeadlineItem]:
    """An opinion's own step: routing (deputy or liaison body), the responsible body's reply before it
    is assigned, feedback to the citizen. Assigned opinions are reported per assignment instead."""
    today = timezone.localdate(now)
    opinions = (
        deadlines.open_deadlines(horizon)["opinion"]
        .exclude(state=OpinionState.ASSIGNED)
        .select_related(
            "region__parent", "organization", "deputy__person__user", "origin_deputy__person__user"
        )
        .order_by("due_at", "pk")
    )
    for opinion in opinions:
        users = tuple(u for u in (_serving_user(opinion.deputy, today),) if u is not None)
        if opinion.due_kind == DeadlineKind.REPLY or not users:
            users = ()
            orgs = (opinion.organization_id,) if opinion.organization_id else ()
        else:
            orgs = ()
        yield DeadlineItem(
            source="opinion",
            pk=opinion.pk,
            due_at=opinion.due_at,
            label=lambda o=opinion: _opinion_label(o),
            url=opinion_url(opinion),
            responsible_orgs=orgs,
            responsible_users=users,
            region=opinion.region,
        )


@deadline_source("assignment")
def assignment_deadlines(now: datetime.datetime, horizon: datetime.datetime) -> Iterable[DeadlineItem]:
    """A handling unit's reply to an opinion assigned to it (§四(二))."""
    assignments = (
        deadlines.open_deadlines(horizon)["assignment"]
        .select_related("opinion__region__parent", "organization")
        .order_by("due_at", "pk")
    )
    for assignment in assignments:
        yield DeadlineItem(
            source="assignment",
            pk=assignment.pk,
            due_at=assignment.due_at,
            label=lambda a=assignment: (
                _("社情民意 #%(id)s 交办%(unit)s答复") % {"id": a.opinion_id, "unit": a.organization.name}
            ),
            url=opinion_url(assignment.opinion),
            responsible_orgs=(assignment.organization_id,),
            region=assignment.opinion.region,
        )


@deadline_source("suggestion")
def suggestion_deadlines(now: datetime.datetime, horizon: datetime.datetime) -> Iterable[DeadlineItem]:
    """Suggestions (§四(三)): a submitted one is the assigning office's to assign within 5 working
    days; one being handled is its lead unit's (3 or 6 months, a promised date, or re-handling within
    a month). The supervising leader of a key suggestion hears of it too."""
    from .suggestions.notifications import suggestion_url

    suggestions = (
        deadlines.open_deadlines(horizon)["suggestion"]
        .select_related("deputy__constituency__region__parent", "supervisor")
        .order_by("due_at", "pk")
    )
    for suggestion in suggestions:
        region = suggestion.deputy.constituency.region if suggestion.deputy.constituency_id else None
        if suggestion.state == SuggestionState.SUBMITTED:
            orgs = (suggestion.office_id,) if suggestion.office_id else ()
        else:
            orgs = (suggestion.lead_unit_id,) if suggestion.lead_unit_id else ()
        supervisor = suggestion.supervisor
        yield DeadlineItem(
            source="suggestion",
            pk=suggestion.pk,
            due_at=suggestion.due_at,
            label=lambda s=suggestion: _("代表建议《%(title)s》") % {"title": s.title},
            url=suggestion_url(suggestion),
            responsible_orgs=orgs,
            responsible_users=(supervisor,) if supervisor is not None and supervisor.is_active else (),
            region=region,
        )


# --- Recipients ------------------------------------------------------------------------------------


@dataclass
class _Directory:
    """Staff by organization, liaison bodies by street/town, supervisors: loaded once per sweep."""

    staff: dict[int, list[User]] = field(default_factory=lambda: defaultdict(list))
    body_by_area: dict[int, int] = field(default_factory=dict)
    supervisors: list[User] = field(default_factory=list)

    @classmethod
    def load(cls) -> _Directory:
        directory = cls()
        personnel = set(
            Organization.objects.filter(kind=OrganizationKind.PERSONNEL_OFFICE).values_list("pk", flat=True)
        )
        users = User.objects.filter(is_active=True).filter(
            Q(role__in=(Role.LIAISON_STAFF, Role.UNIT_STAFF), organization__isnull=False)
            | Q(role=Role.ADMIN)
            | Q(is_superuser=True)
        )
        for user in users.order_by("pk"):
            if user.is_superuser or user.role == Role.ADMIN:
                directory.supervisors.append(user)
            elif user.organization_id:
                directory.staff[user.organization_id].append(user)
                if user.organization_id in personnel and user.role == Role.LIAISON_STAFF:
                    directory.supervisors.append(user)
        bodies = Organization.objects.local_liaison_bodies().values_list("region_id", "pk")
        directory.body_by_area = dict(bodies)
        return directory

    def liaison_body(self, region) -> int | None:
        """The street working committee or town office of the place (as `Organization.objects.serving`)."""
        area = region.street_or_town() if region is not None else None
        return self.body_by_area.get(area.pk) if area is not None else None

    def recipients(self, item: DeadlineItem, status: str) -> list[User]:
        users = list(item.responsible_users)
        for org_id in item.responsible_orgs:
            users += self.staff.get(org_id, [])
        if status in (deadlines.OVERDUE, deadlines.LONG_OVERDUE):
            body = self.liaison_body(item.region)
            if body is not None:
                users += self.staff.get(body, [])
        if status == deadlines.LONG_OVERDUE:
            users += self.supervisors
        unique = {}
        for user in users:
            unique.setdefault(user.pk, user)
        return list(unique.values())


# --- The deadline sweep ----------------------------------------------------------------------------


def _format_due(due_at: datetime.datetime) -> str:
    return date_format(timezone.localtime(due_at).date(), "DATE_FORMAT")


def _text(status: str, item: DeadlineItem, now: datetime.datetime) -> tuple[str, str]:
    label, due = item.label(), _format_due(item.due_at)
    days = abs((timezone.localtime(item.due_at).date() - timezone.localdate(now)).days)
    if status == DUE_SOON:
        return (
            _("办理期限临近：%(label)s") % {"label": label},
            _("%(label)s的办理期限为%(due)s，还有%(days)d天，请按时办理。")
            % {"label": label, "due": due, "days": days},
        )
    if status == deadlines.OVERDUE:
        return (
            _("已逾期：%(label)s") % {"label": label},
            _("%(label)s的办理期限为%(due)s，已逾期%(days)d天，请尽快办理。")
            % {"label": label, "due": due, "days": days},
        )
    return (
        _("逾期督办：%(label)s") % {"label": label},
        _("%(label)s的办理期限为%(due)s，已逾期%(days)d天，请督促承办单位办理并说明情况。")
        % {"label": label, "due": due, "days": days},
    )


def classify(due_at: datetime.datetime, now: datetime.datetime) -> str | None:
    """due_soon, overdue, long_overdue (per `feedback.deadlines`), or None when not yet due soon."""
    status = deadlines.status_for(due_at, now)
    if status != deadlines.ON_TIME:
        return status
    if due_at <= now + datetime.timedelta(days=settings.DEADLINE_DUE_SOON_DAYS):
        return DUE_SOON
    return None


def send_deadline_reminders(*, now: datetime.datetime, sources: Iterable[str] | None = None) -> dict:
    """Remind whoever must act about items due soon or overdue, escalating long-overdue ones."""
    horizon = now + datetime.timedelta(days=settings.DEADLINE_DUE_SOON_DAYS)
    directory = _Directory.load()
    messages, counts = [], defaultdict(int)
    for name in sources or DEADLINE_SOURCES:
        for item in DEADLINE_SOURCES[name](now, horizon):
            status = classify(item.due_at, now)
            if status is None:
                continue
            counts[status] += 1
            kind = KIND_BY_STATUS[status]
            due_day = timezone.localtime(item.due_at).date().isoformat()
            # Grouped by language: the text is written once per language, in the recipient's.
            for language, users in by_language(directory.recipients(item, status)).items():
                with translation.override(language):
                    title, body = _text(status, item, now)
                messages += [
                    Message(
                        recipient=user,
                        kind=kind,
                        title=title,
                        body=body,
                        url=item.url,
                        key=f"{kind}:{item.source}:{item.pk}:{due_day}:user:{user.pk}",
                    )
                    for user in users
                ]
    return {"items": dict(counts), "messages": notify_many(messages)}


# --- Feedback owed -----------------------------------------------------------------------------------


def send_feedback_owed_reminders(*, now: datetime.datetime) -> dict:
    """Opinions replied or relayed long enough ago and not yet fed back to the citizen (§四(二))."""
    cutoff = now - datetime.timedelta(days=settings.FEEDBACK_OWED_AFTER_DAYS)
    today = timezone.localdate(now)
    opinions = (
        Opinion.objects.filter(
            state__in=(OpinionState.REPLIED, OpinionState.RELAYED),
            replied_at__lte=cutoff,
            fed_back_at__isnull=True,
        )
        .select_related("deputy__person__user", "origin_deputy__person__user")
        .order_by("replied_at", "pk")
    )
    directory = _Directory.load()
    messages, owed = [], set()
    for opinion in opinions:
        users = [
            u
            for u in (_serving_user(opinion.deputy, today), _serving_user(opinion.origin_deputy, today))
            if u is not None
        ]
        if not users:
            users = directory.staff.get(opinion.organization_id, [])
        replied_day = timezone.localtime(opinion.replied_at).date()
        owed.add(opinion.pk)
        for user in {u.pk: u for u in users}.values():
            with translation.override(recipient_language(user)):
                days = (today - replied_day).days
                messages.append(
                    Message(
                        recipient=user,
                        kind=NotificationKind.FEEDBACK_OWED,
                        title=_("请向群众反馈办理结果：社情民意 #%(id)s") % {"id": opinion.pk},
                        body=_("承办单位已于%(days)d天前答复，请及时向反映人反馈办理结果。") % {"days": days},
                        url=opinion_url(opinion),
                        key=f"{NotificationKind.FEEDBACK_OWED}:opinion:{opinion.pk}:"
                        f"{replied_day.isoformat()}:user:{user.pk}",
                    )
                )
    return {"opinions": len(owed), "messages": notify_many(messages)}


# --- Tasks (stable names; `as_of` an ISO date = the start of that day in Asia/Shanghai) ----------


@shared_task(name="feedback.reminders.send_deadline_reminders", **SWEEP_OPTIONS)
def send_deadline_reminders_task(as_of: str | None = None, sources: list[str] | None = None) -> dict:
    return send_deadline_reminders(now=parse_moment(as_of), sources=sources)


@shared_task(name="feedback.reminders.send_feedback_owed_reminders", **SWEEP_OPTIONS)
def send_feedback_owed_reminders_task(as_of: str | None = None) -> dict:
    return send_feedback_owed_reminders(now=parse_moment(as_of))
