"""Liaison bodies prompt deputies to do their contact work (§五(一), R-SUP-1): the quota and the
term-report reminders.

- Quota reminders (§三(六)): at each checkpoint of the year (`QUOTA_REMINDER_CHECKPOINTS`, default
  1 April, 1 July, 1 October, 1 December) every serving, non-exempt deputy who is behind the pace —
  at the last checkpoint of the year: everyone still short of any quota — gets ONE message saying what
  is missing before 31 December (`contacts.quotas`, the one place the rule lives), and every street
  working committee and town office gets ONE digest of its deputies who are behind (jurisdiction from
  `deputies.permissions`). Deputies without a login still appear in the digest.
- Term-report reminders (§三(七)): a deputy in the last year of the congress term who has not yet
  reported to the voters in this term is reminded once a quarter.

Exactly once: every message carries a key naming recipient, kind and period; `accounts.notify`
inserts against the unique column, so a task that runs twice, concurrently or again after a retry
adds nothing. The whole sweep is a constant number of queries, whatever the number of deputies.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Value
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import NotificationKind, Role, User
from accounts.notify import Message, notify_many, recipient_language
from deputies import invitations
from deputies import permissions as access
from deputies.models import LOCAL_LIAISON_BODY_KINDS, Deputy, Invitation, Organization, OrganizationKind
from deputies.reach import Text, fits, reach

from .quotas import annotate_progress, progress_from_row

# The liaison bodies that receive digests of "their" deputies (§五(二)).
DIGEST_BODY_KINDS = LOCAL_LIAISON_BODY_KINDS


@dataclass(frozen=True)
class Checkpoint:
    day: datetime.date
    is_last: bool  # the last checkpoint of the year: remind everyone still short of a quota


@dataclass
class SweepResult:
    period: str = ""
    deputies: list[int] = field(default_factory=list)  # the deputies found wanting
    messages: int = 0  # new in-app messages to deputies
    texts: int = 0  # new SMS to deputies without an active account
    unreachable: int = 0  # deputies with neither an account nor a mobile on file
    digests: int = 0  # new digests to liaison staff

    def as_dict(self) -> dict:
        return {
            "period": self.period,
            "deputies": self.deputies,
            "messages": self.messages,
            "texts": self.texts,
            "unreachable": self.unreachable,
            "digests": self.digests,
        }


# --- Checkpoints --------------------------------------------------------------------------------


def _month_day(value: str, year: int) -> datetime.date:
    """ "MM-DD" in `year`; a day the month lacks (29 February in a common year) is its last day."""
    month, day = (int(part) for part in value.split("-"))
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def quota_checkpoints(year: int) -> list[datetime.date]:
    return sorted({_month_day(value, year) for value in settings.QUOTA_REMINDER_CHECKPOINTS})


def checkpoint_on(as_of: datetime.date) -> Checkpoint | None:
    """The checkpoint whose reminders are due on `as_of`: the latest one on or before it, if it was
    at most `QUOTA_REMINDER_GRACE_DAYS` ago (a daily run catches up after a missed day)."""
    days = quota_checkpoints(as_of.year)
    passed = [day for day in days if day <= as_of]
    if not passed or (as_of - passed[-1]).days > settings.QUOTA_REMINDER_GRACE_DAYS:
        return None
    return Checkpoint(day=passed[-1], is_last=passed[-1] == days[-1])


# --- Formatting in the recipient's language -----------------------------------------------------


def format_day(day: datetime.date) -> str:
    """2026年4月1日 in Chinese, ISO in English (design.md; the portal's date formats)."""
    return date_format(day, "DATE_FORMAT")


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # that page is not installed
        return ""


def _by_language(deputies: Iterable[Deputy]) -> dict[str, list[Deputy]]:
    """Deputies with a login, grouped by their language; those without a login are left out (the
    liaison body's digest still lists them)."""
    groups: dict[str, list[Deputy]] = defaultdict(list)
    for deputy in deputies:
        if deputy.person.user is not None:
            groups[recipient_language(deputy.person.user)].append(deputy)
    return groups


# --- Digests to the liaison bodies ----------------------------------------------------------------


def _liaison_staff_by_body() -> dict[int, list[User]]:
    staff = User.objects.filter(
        is_active=True, role=Role.LIAISON_STAFF, organization__kind__in=DIGEST_BODY_KINDS
    ).select_related("organization")
    by_body: dict[int, list[User]] = defaultdict(list)
    for user in staff.order_by("organization_id", "pk"):
        by_body[user.organization_id].append(user)
    return by_body


def _stand_ins() -> list[User]:
    """Who reads the digest of a liaison body without staff accounts: the staff of the district
    personnel and deputy work office (人事代表工作室), or, when it has none either, the portal's
    administrators, so that no body's deputies drop out of sight."""
    office = list(
        User.objects.filter(
            is_active=True, role=Role.LIAISON_STAFF, organization__kind=OrganizationKind.PERSONNEL_OFFICE
        ).order_by("pk")
    )
    if office:
        return office
    return list(
        User.objects.filter(is_active=True).filter(Q(role=Role.ADMIN) | Q(is_superuser=True)).order_by("pk")
    )


def _jurisdictions(bodies: list[Organization]) -> dict[int, set[int]]:
    """Deputy ids per liaison body, by `deputies.permissions`, in ONE query (a UNION of each body's)."""
    queries = [
        access.deputies_in_jurisdiction(User(role=Role.LIAISON_STAFF, organization=body))
        .order_by()
        .annotate(body=Value(body.pk))
        .values_list("pk", "body")
        for body in bodies
    ]
    if not queries:
        return {}
    result: dict[int, set[int]] = defaultdict(set)
    for deputy_id, body_id in queries[0].union(*queries[1:], all=True):
        result[body_id].add(deputy_id)
    return result


def _digests(
    *,
    kind: str,
    period: str,
    wanting: dict[int, Callable[[], str]],
    title: Callable[[int], str],
    url: str,
) -> list[Message]:
    """One digest per liaison staff member listing the wanting deputies in the body's jurisdiction.
    A body without staff accounts: its digest goes to the stand-ins (`_stand_ins`), titled with the
    body's name, one per body.

    `wanting` maps deputy id → a function giving that deputy's line in the active language.
    """
    if not wanting:
        return []
    by_body = _liaison_staff_by_body()
    bodies = list(Organization.objects.filter(kind__in=DIGEST_BODY_KINDS).order_by("pk"))
    stand_ins = _stand_ins() if any(body.pk not in by_body for body in bodies) else []
    names = {body.pk: body.name for body in bodies}
    messages = []
    for body_id, deputy_ids in _jurisdictions(bodies).items():
        mine = [pk for pk in wanting if pk in deputy_ids]
        if not mine:
            continue
        forwarded = body_id not in by_body
        for user in by_body.get(body_id) or stand_ins:
            with translation.override(recipient_language(user)):
                lines = "\n".join(wanting[pk]() for pk in mine)
                heading = title(len(mine))
                if forwarded:
                    heading = _("【%(body)s无工作人员账户，代转】%(title)s") % {
                        "body": names[body_id],
                        "title": heading,
                    }
                messages.append(
                    Message(
                        recipient=user,
                        kind=kind,
                        title=heading[:200],
                        body=lines,
                        url=url,
                        key=f"{kind}:{period}:org:{body_id}:user:{user.pk}",
                    )
                )
    return messages


# --- Deputies without an account: texts --------------------------------------------------------------


def _absolute(path: str) -> str:
    return invitations.base_url() + path if path else ""


def _links(deputies: Iterable[Deputy], default: str) -> dict[int, str]:
    """The link in each text: the deputy's open invitation (so they can open their account and see
    their page), else `default` (their page, behind the login)."""
    persons = {deputy.person_id for deputy in deputies}
    open_links = {
        invitation.person_id: invitations.invitation_url(invitation)
        for invitation in Invitation.objects.open().filter(person_id__in=persons).order_by("pk")
    }
    return {deputy.pk: open_links.get(deputy.person_id, default) for deputy in deputies}


def _texts(deputies: list[Deputy], write: Callable[[Deputy, bool], str], default_url: str) -> dict[int, Text]:
    """SMS for the deputies without an active account, in the portal's language (Chinese): the full
    text, or the short one when the full one would not fit in two segments."""
    without = [d for d in deputies if d.person.user is None or not d.person.user.is_active]
    links = _links(without, _absolute(default_url))
    texts = {}
    with translation.override(settings.LANGUAGE_CODE):
        for deputy in without:
            text = Text(write(deputy, False), links[deputy.pk])
            texts[deputy.pk] = text if fits(text) else Text(write(deputy, True), links[deputy.pk])
    return texts


# --- Quota reminders (§三(六)) ---------------------------------------------------------------------


def _wanting_quota(deputies, year: int, as_of: datetime.date, checkpoint: Checkpoint) -> dict[int, tuple]:
    """The deputies to remind, with their progress: behind pace, or, at the year's last checkpoint,
    not compliant; never the exempt."""
    wanting = {}
    for row in annotate_progress(deputies, year, as_of=as_of).order_by("person__name", "pk"):
        progress = progress_from_row(row, year, as_of=as_of)
        if progress.exempt:
            continue
        if (not progress.compliant) if checkpoint.is_last else progress.behind_pace:
            wanting[row.pk] = (row, progress)
    return wanting


def _missing_texts(wanting: dict[int, tuple]) -> Callable[[int], str]:
    """What a deputy still lacks, in the active language (computed once per deputy and language)."""
    texts: dict[tuple[int, str], str] = {}

    def missing(deputy_id: int) -> str:
        key = (deputy_id, translation.get_language())
        if key not in texts:
            texts[key] = wanting[deputy_id][1].missing_text()
        return texts[key]

    return missing


def _quota_messages(wanting: dict, missing, *, year: int, as_of: datetime.date, period: str, url: str):
    """The in-app reminders, grouped by language: the fixed parts are translated once per language."""
    messages: dict[int, Message] = {}
    for language, group in _by_language(deputy for deputy, _progress in wanting.values()).items():
        with translation.override(language):
            title = _("%(year)s年度联系人民群众工作提醒") % {"year": year}
            body = _("截至%(day)s，您作为%(congress)s代表，%(missing)s，请在%(deadline)s前完成。")
            day, deadline = format_day(as_of), format_day(datetime.date(year, 12, 31))
            for deputy in group:
                messages[deputy.pk] = Message(
                    recipient=deputy.person.user,
                    kind=NotificationKind.QUOTA_REMINDER,
                    title=title,
                    body=body
                    % {
                        "day": day,
                        "congress": deputy.congress.name,
                        "missing": missing(deputy.pk),
                        "deadline": deadline,
                    },
                    url=url,
                    key=f"{NotificationKind.QUOTA_REMINDER}:{period}:deputy:{deputy.pk}",
                )
    return messages


def _quota_text(missing, *, year: int, as_of: datetime.date) -> Callable[[Deputy, bool], str]:
    """The text message of a quota reminder (short: without the list of what is missing)."""

    def text(deputy, short: bool) -> str:
        if short:
            return _(
                "%(name)s代表（%(level)s）：您%(year)s年度联系群众工作进度落后，请于%(deadline)s前完成。"
            ) % {
                "name": deputy.person.name,
                "level": deputy.congress.get_level_display(),
                "year": year,
                "deadline": format_day(datetime.date(year, 12, 31)),
            }
        return _("%(name)s代表（%(level)s）：截至%(day)s，您%(missing)s，请于%(deadline)s前完成。") % {
            "name": deputy.person.name,
            "level": deputy.congress.get_level_display(),
            "day": format_day(as_of),
            "missing": missing(deputy.pk),
            "deadline": format_day(datetime.date(year, 12, 31)),
        }

    return text


def _quota_line(deputy, missing) -> Callable[[], str]:
    """The deputy's line in the liaison body's digest (translated when the digest is written)."""
    return lambda: (
        _("%(name)s（%(congress)s）：%(missing)s")
        % {"name": deputy.person.name, "congress": deputy.congress.name, "missing": missing(deputy.pk)}
    )


def send_quota_reminders(*, as_of: datetime.date, deputy_ids: Iterable[int] | None = None) -> SweepResult:
    """Remind the deputies behind on the yearly quota at a checkpoint, and their liaison bodies."""
    checkpoint = checkpoint_on(as_of)
    if checkpoint is None:
        return SweepResult()
    period = checkpoint.day.isoformat()
    year = as_of.year
    deputies = Deputy.objects.serving(on=as_of).select_related("person__user", "congress")
    if deputy_ids is not None:
        deputies = deputies.filter(pk__in=list(deputy_ids))
    wanting = _wanting_quota(deputies, year, as_of, checkpoint)
    missing = _missing_texts(wanting)
    url = _url("contacts:my_year")
    deputies_wanting = [deputy for deputy, _progress in wanting.values()]
    reached = reach(
        kind=NotificationKind.QUOTA_REMINDER,
        period=period,
        deputies=deputies_wanting,
        messages=_quota_messages(wanting, missing, year=year, as_of=as_of, period=period, url=url),
        texts=_texts(deputies_wanting, _quota_text(missing, year=year, as_of=as_of), url),
    )
    digests = _digests(
        kind=NotificationKind.QUOTA_DIGEST,
        period=period,
        wanting={pk: _quota_line(deputy, missing) for pk, (deputy, _progress) in wanting.items()},
        title=lambda n: _("%(year)s年度联系人民群众工作：%(n)d名代表进度落后") % {"year": year, "n": n},
        url=_url("reports:compliance"),
    )
    return SweepResult(
        period=period,
        deputies=list(wanting),
        messages=reached.in_app,
        texts=reached.texts,
        unreachable=reached.unreachable,
        digests=notify_many(digests),
    )


# --- Term-report reminders (§三(七)) ---------------------------------------------------------------


def _one_year_later(day: datetime.date) -> datetime.date:
    return _month_day(f"{day.month:02d}-{day.day:02d}", day.year + 1)


def deputies_owing_term_report(as_of: datetime.date):
    """Serving deputies in the last year of their congress term with no report to the voters in
    this term yet (§三(七): at least once per term)."""
    from .models import VoterReport

    reported = VoterReport.objects.held().filter(
        deputy_id=OuterRef("pk"), date__gte=OuterRef("congress__start_date"), date__lte=as_of
    )
    return (
        Deputy.objects.serving(on=as_of)
        .filter(congress__end_date__gte=as_of, congress__end_date__lt=_one_year_later(as_of))
        .exclude(Exists(reported))
        .select_related("person__user", "congress")
        .order_by("person__name", "pk")
    )


def _term_report_messages(deputies: list[Deputy], *, period: str, url: str) -> dict[int, Message]:
    """The in-app reminders, each in its recipient's language (deputies without an account: none)."""
    messages: dict[int, Message] = {}
    for deputy in deputies:
        user = deputy.person.user
        if user is None:
            continue
        with translation.override(recipient_language(user)):
            messages[deputy.pk] = Message(
                recipient=user,
                kind=NotificationKind.TERM_REPORT_REMINDER,
                title=_("请在任期内向原选区选民报告履职情况"),
                body=_(
                    "%(congress)s任期将于%(end)s届满。按规定，代表每届任期内至少向原选区选民"
                    "报告一次履职情况，您本届尚未报告，请与联络机构商定报告时间。"
                )
                % {"congress": deputy.congress.name, "end": format_day(deputy.congress.end_date)},
                url=url,
                key=f"{NotificationKind.TERM_REPORT_REMINDER}:{period}:deputy:{deputy.pk}",
            )
    return messages


def _term_report_text(deputy, short: bool) -> str:
    """The text message of a term-report reminder (short: without the term's end)."""
    if short:
        return _("%(name)s代表：您本届尚未向原选区选民报告履职情况，请与联络机构商定报告时间。") % {
            "name": deputy.person.name
        }
    return _(
        "%(name)s代表：本届任期将于%(end)s届满，您尚未向原选区选民报告履职情况，请与联络机构商定报告时间。"
    ) % {"name": deputy.person.name, "end": format_day(deputy.congress.end_date)}


def _term_report_line(deputy) -> Callable[[], str]:
    """The deputy's line in the liaison body's digest (translated when the digest is written)."""
    return lambda: (
        _("%(name)s（%(congress)s，任期至%(end)s）尚未向选民报告履职情况")
        % {
            "name": deputy.person.name,
            "congress": deputy.congress.name,
            "end": format_day(deputy.congress.end_date),
        }
    )


def send_term_report_reminders(
    *, as_of: datetime.date, deputy_ids: Iterable[int] | None = None
) -> SweepResult:
    """Remind deputies who still owe their term report, once a quarter, and their liaison bodies."""
    period = f"{as_of.year}Q{(as_of.month - 1) // 3 + 1}"
    deputies = deputies_owing_term_report(as_of)
    if deputy_ids is not None:
        deputies = deputies.filter(pk__in=list(deputy_ids))
    deputies = list(deputies)
    url = _url("contacts:my_year")
    reached = reach(
        kind=NotificationKind.TERM_REPORT_REMINDER,
        period=period,
        deputies=deputies,
        messages=_term_report_messages(deputies, period=period, url=url),
        texts=_texts(deputies, _term_report_text, url),
    )
    digests = _digests(
        kind=NotificationKind.TERM_REPORT_REMINDER,
        period=period,
        wanting={deputy.pk: _term_report_line(deputy) for deputy in deputies},
        title=lambda n: _("%(n)d名代表本届尚未向选民报告履职情况") % {"n": n},
        url=_url("reports:compliance"),
    )
    return SweepResult(
        period=period,
        deputies=[deputy.pk for deputy in deputies],
        messages=reached.in_app,
        texts=reached.texts,
        unreachable=reached.unreachable,
        digests=notify_many(digests),
    )
