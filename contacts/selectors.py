"""Reads of contact activities and the performance record, filtered by who is asking.

Jurisdiction comes from `deputies.permissions` (§五(二)); nothing here re-derives it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    CharField,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, NullIf, TruncDate

from deputies import permissions as access
from songjiang_liaison import pagecache

from .badges import with_counts
from .models import (
    Amendment,
    ClosedYear,
    ContactActivity,
    MeetingRequest,
    Participation,
    ResearchReport,
    TrainingAttendance,
    VoterQuestion,
    VoterQuestionState,
    VoterReport,
)

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def activities_visible_to(user) -> QuerySet:
    """Activities whose full record the user may see: the deputy's own, staff's within their
    jurisdiction (plus those their organization organized), a committee member's linked deputies'."""
    activities = ContactActivity.objects.all()
    if access.is_anonymous(user):
        return activities.none()
    if access.is_district_wide(user):
        return activities
    deputies = access.deputies_in_jurisdiction(user)
    visible = Q(pk__in=Participation.objects.filter(deputy__in=deputies).values("activity_id"))
    visible |= Q(created_by=user)
    org = access.staff_organization(user)
    if org is not None:
        visible |= Q(organized_by=org)
    return activities.filter(visible)


def activity_pages_visible_to(user) -> QuerySet:
    """Activities visible to the user, ready for the activity's page in a fixed number of queries.
    Of the linked opinions, `visible_opinions` holds only those the user may see
    (`feedback.selectors.opinions_visible_to`): seeing an activity does not open its opinions, e.g.
    a confidential one to a committee member or to another deputy of a joint activity."""
    from feedback.selectors import opinions_visible_to

    return (
        activities_visible_to(user)
        .select_related("constituency", "venue", "group", "organized_by", "created_by", "confirmed_by")
        .prefetch_related(
            # The participants with their 进选区 badge's condition (`badges.participant_badges`).
            Prefetch(
                "participations",
                queryset=with_counts(Participation.objects.select_related("deputy__person").order_by("id")),
            ),
            "photos",
            Prefetch("amendments", queryset=Amendment.objects.select_related("made_by")),
            Prefetch(
                "opinions",
                queryset=opinions_visible_to(user).order_by("received_at", "id"),
                to_attr="visible_opinions",
            ),
        )
    )


def activities_changeable_by(user) -> QuerySet:
    """Activities the user may change (while their year is open).

    - administrators: all;
    - liaison staff: those their organization organized, and those whose every participant is in
      their jurisdiction;
    - a deputy: those they logged themselves (not those a liaison body registered);
    - everyone else: none.
    """

    activities = ContactActivity.objects.all()
    if access.is_anonymous(user):
        return activities.none()
    if access.is_admin(user):
        return activities
    if access.is_liaison_staff(user):
        outside = Participation.objects.filter(activity_id=OuterRef("pk")).exclude(
            deputy__in=access.deputies_in_jurisdiction(user)
        )
        return activities.filter(
            Q(organized_by_id=user.organization_id)
            | (Q(pk__in=activities_visible_to(user).values("pk")) & ~Exists(outside))
        )
    if access.is_deputy(user):
        own = access.own_deputy_ids(user)
        mine = Participation.objects.filter(deputy_id__in=own).values("activity_id")
        return activities.filter(created_by=user, organized_by__isnull=True, pk__in=mine)
    return activities.none()


def record_activities_of_deputy(deputy) -> QuerySet:
    """The activities listed on a deputy's performance record, in ONE query: each row carries
    ``own_people_met`` (this deputy's participation: the join of the filter), ``opinion_count`` and
    ``has_amendments`` instead of prefetched lists."""
    opinion_links = ContactActivity.opinions.through.objects.filter(contactactivity_id=OuterRef("pk"))
    return (
        ContactActivity.objects.filter(participations__deputy=deputy, date__gte=deputy.start_date)
        .annotate(
            own_people_met=F("participations__people_met"),
            opinion_count=Coalesce(
                Subquery(
                    opinion_links.order_by().values("contactactivity_id").annotate(n=Count("pk")).values("n")
                ),
                0,
            ),
            has_amendments=Exists(Amendment.objects.filter(activity_id=OuterRef("pk"))),
        )
        .only("kind", "date", "is_centralized", "is_constituency_contact", "confirmed_at", "planned")
        .order_by("-date", "-id")
    )


def public_activities_of_deputy(deputy) -> QuerySet:
    """What the public profile shows: held activities marked public, without opinions or submitters
    (plans announced ahead are on the calendar, contacts/calendar.py)."""
    return (
        ContactActivity.objects.filter(participations__deputy=deputy, is_public=True, planned=False)
        .select_related("constituency", "venue")
        .order_by("-date", "-id")
    )


def is_year_closed(year: int) -> bool:
    """For pages (whether to offer editing): memoised. The writes check `year_closed_for_writes`."""
    return year in closed_years()


def year_closed_for_writes(year: int) -> bool:
    """The database's answer, inside the writer's transaction (under the year's lock, see
    `checks.close_year_lock`): what every change of a record checks."""
    return ClosedYear.objects.filter(year=year).exists()


def closed_years() -> set[int]:
    """The closed years, read once per data version (asked on every activity page and form)."""
    return pagecache.memo("closed-years", lambda: set(ClosedYear.objects.values_list("year", flat=True)))


def voter_reports_of_deputy(deputy) -> QuerySet:
    return VoterReport.objects.held().filter(deputy=deputy).select_related("constituency").order_by("-date")


def with_voter_report_done(deputies: QuerySet) -> QuerySet:
    """Annotate deputies with ``voter_report_done``: reported to voters at least once this term (§三(七))."""
    return deputies.annotate(
        voter_report_done=Exists(
            VoterReport.objects.held().filter(
                deputy_id=OuterRef("pk"),
                date__gte=OuterRef("start_date"),
            )
        )
    )


def research_reports_visible_to(user) -> QuerySet:
    reports = ResearchReport.objects.all()
    if access.is_district_wide(user):
        return reports
    if access.is_anonymous(user):
        return reports.none()
    deputies = access.deputies_in_jurisdiction(user)
    return reports.filter(
        Q(
            pk__in=ResearchReport.deputies.through.objects.filter(deputy__in=deputies).values(
                "researchreport_id"
            )
        )
        | Q(created_by=user)
    )


def meeting_requests_visible_to(user) -> QuerySet:
    requests = MeetingRequest.objects.select_related("deputy__person", "organ", "liaison_body")
    if access.is_district_wide(user):
        return requests
    if access.is_anonymous(user):
        return requests.none()
    return requests.filter(deputy__in=access.deputies_in_jurisdiction(user))


def committee_contacts_of_seats(seats, year: int) -> QuerySet:
    from .models import CommitteeContact

    return (
        CommitteeContact.objects.filter(member__in=seats, date__year=year)
        .select_related("committee", "member__person")
        .prefetch_related("deputies__person")
        .order_by("-date", "-id")
    )


def committee_member_rows(year: int, *, members=None) -> list[dict]:
    """The members' page of the compliance report (§三(三)): each Standing Committee member, their
    3–5 fixed-contact deputies with the contacts of the year with each, and the year's total. Three
    queries however many members: the members, their deputies, the counts per (member, deputy)."""
    from django.db.models import Count, Prefetch

    from deputies.models import CommitteeKind, CommitteeMember, Deputy

    from .models import CommitteeContact

    if members is None:
        members = CommitteeMember.objects.filter(committee__kind=CommitteeKind.STANDING)
    members = list(
        members.select_related("person", "committee")
        .prefetch_related(
            Prefetch(
                "fixed_contacts", queryset=Deputy.objects.select_related("person").order_by("person__name")
            )
        )
        .annotate(
            year_contacts=Count("contacts", filter=Q(contacts__date__year=year), distinct=True),
        )
        .order_by("committee_id", "person__name", "pk")
    )
    pairs = {
        (row["committeecontact__member_id"], row["deputy_id"]): row["n"]
        for row in CommitteeContact.deputies.through.objects.filter(
            committeecontact__member__in=[m.pk for m in members], committeecontact__date__year=year
        )
        .values("committeecontact__member_id", "deputy_id")
        .annotate(n=Count("pk"))
        .order_by()
    }
    rows = []
    for member in members:
        deputies = [
            {"deputy": d, "contacts": pairs.get((member.pk, d.pk), 0)} for d in member.fixed_contacts.all()
        ]
        rows.append(
            {
                "member": member,
                "deputies": deputies,
                "contacts": member.year_contacts,
                "deputies_without_contact": sum(1 for d in deputies if not d["contacts"]),
            }
        )
    return rows


# --- Voters' views and questions (§二(五)) -----------------------------------------------------------


def voter_questions_to_moderate(user) -> QuerySet:
    """Views and questions the user moderates: liaison staff, for deputies in their jurisdiction."""
    if not access.may_moderate_voter_questions(user):
        return VoterQuestion.objects.none()
    return VoterQuestion.objects.filter(deputy__in=access.deputies_in_jurisdiction(user))


def voter_questions_to_answer(user) -> QuerySet:
    """Views and questions addressed to the user's own mandates (the deputy answers them)."""
    return VoterQuestion.objects.filter(deputy_id__in=access.own_deputy_ids(user))


def voter_questions_visible_to(user) -> QuerySet:
    """Everything of a view or question (the submitter's name and phone included): its moderators
    and the deputy it is addressed to."""
    return VoterQuestion.objects.filter(
        Q(pk__in=voter_questions_to_moderate(user).values("pk"))
        | Q(pk__in=voter_questions_to_answer(user).values("pk"))
    )


# What the public sees of a view or question: never who sent it.
PUBLIC_QUESTION_FIELDS = (
    "id",
    "deputy_id",
    "report_id",
    "kind",
    "channel",
    "content",
    "answer",
    "created_at",
)


def public_voter_questions(*, deputy=None, report=None) -> QuerySet:
    """Approved views and questions with the deputy's answers, without the submitter's details."""
    questions = VoterQuestion.objects.filter(state=VoterQuestionState.APPROVED).only(*PUBLIC_QUESTION_FIELDS)
    if deputy is not None:
        questions = questions.filter(deputy=deputy)
    if report is not None:
        questions = questions.filter(report=report)
    return questions.order_by("created_at", "id")


# --- The performance record's side lists, in one query ----------------------------------------------

RECORD_SECTIONS = ("committee_contacts", "research_reports", "trainings", "meetings", "exemptions")


@dataclass(frozen=True)
class RecordEntry:
    """One line of a side list of the performance record: a committee contact, a research report, a
    training, a request to meet an official, or an exemption (``year`` set, ``day`` None)."""

    pk: int
    day: datetime.date | None
    year: int | None
    title: str
    detail: str
    label: str


_TEXT = CharField()


def _record_rows(queryset, section: str, day, year, title, detail, code):
    """One side list as rows of the same columns: section, pk, day, year, title, detail, choice code."""
    return (
        queryset.order_by()
        .annotate(
            r_section=Value(section, output_field=_TEXT),
            r_day=day,
            r_year=year,
            r_title=Cast(title, _TEXT),
            r_detail=Cast(detail, _TEXT),
            r_code=Cast(code, _TEXT),
        )
        .values_list("r_section", "pk", "r_day", "r_year", "r_title", "r_detail", "r_code")
    )


def _record_parts(deputy) -> list:
    """The five side lists of the record, in the order of RECORD_SECTIONS."""
    from .models import CommitteeContact, MeetingRequest, QuotaExemption, TrainingAttendance

    # Typed NULLs: PostgreSQL takes a bare NULL in the first SELECT of a UNION for text.
    no_day, no_year = Cast(Value(None), DateField()), Cast(Value(None), IntegerField())
    organ = Coalesce(NullIf("organ_name", Value("")), "organ__name")
    return [
        _record_rows(
            CommitteeContact.objects.filter(deputies=deputy),
            "committee_contacts",
            F("date"),
            no_year,
            Coalesce("member__person__name", "committee__name"),
            F("subject"),
            F("kind"),
        ),
        _record_rows(
            deputy.research_reports.all(),
            "research_reports",
            F("date"),
            no_year,
            F("title"),
            Value(""),
            F("kind"),
        ),
        _record_rows(
            TrainingAttendance.objects.filter(deputy=deputy),
            "trainings",
            F("session__date"),
            no_year,
            F("session__title"),
            Value(""),
            F("status"),
        ),
        _record_rows(
            MeetingRequest.objects.filter(deputy=deputy),
            "meetings",
            TruncDate("requested_at", tzinfo=SHANGHAI),
            no_year,
            organ,
            Value(""),
            F("state"),
        ),
        _record_rows(
            QuotaExemption.objects.filter(deputy=deputy),
            "exemptions",
            no_day,
            F("year"),
            F("reason"),
            Value(""),
            Value(""),
        ),
    ]


def _record_labels() -> dict[str, dict]:
    """Per side list, the labels of its choice codes."""
    from .models import CommitteeContact

    return {
        "committee_contacts": dict(CommitteeContact._meta.get_field("kind").flatchoices),
        "research_reports": dict(ResearchReport._meta.get_field("kind").flatchoices),
        "trainings": dict(TrainingAttendance._meta.get_field("status").flatchoices),
        "meetings": dict(MeetingRequest._meta.get_field("state").flatchoices),
        "exemptions": {},
    }


def record_entries(deputy) -> dict[str, list[RecordEntry]]:
    """The side lists of a deputy's performance record, newest first, in ONE query (UNION ALL of five
    small lists with the same columns; choice labels are looked up here)."""
    parts = _record_parts(deputy)
    labels = _record_labels()
    found: dict[str, list[RecordEntry]] = {section: [] for section in RECORD_SECTIONS}
    for section, pk, day, year, title, detail, code in parts[0].union(*parts[1:], all=True):
        label = str(labels[section].get(code, code or ""))
        found[section].append(RecordEntry(pk, day, year, title or "", detail or "", label))
    for entries in found.values():
        entries.sort(key=lambda e: (e.day or datetime.date.min, e.year or 0, e.pk), reverse=True)
    return found
