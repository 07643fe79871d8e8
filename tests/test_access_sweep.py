"""The access sweep (issue 12, item 7): every route × every persona × objects it must not reach.

The route list is built from the URL configuration (`get_resolver()`, the pages, the API router and
the admin), not written by hand: `RULES` gives each URL name its rule, and a route without a rule
fails `test_every_route_has_an_access_rule` with a message saying where to add it.

The world is the demo data (`seed_demo`, seeded once per module) plus a few objects made for the
sweep. Two sides: 岳阳 (the `demo-deputy`, the street staff) and 永丰 (`demo-deputy-2`). For each
persona, `foreign` names the objects it must not reach (`demo-deputy-2` gets 岳阳's, the others
永丰's; personal objects such as notifications and exports belong to one user only). Every request
with a foreign object, and every request by a persona outside a page's roles, must be refused:
403/404 (405 for a method the route does not take), 401 or a redirect to the login page for the
public, never a 200 with the object's data, never a 500. Write methods (POST, and PUT/PATCH/DELETE on
the API) must also leave the database untouched: no INSERT, UPDATE or DELETE is run. Lists must
not show the other side's objects. Personas that may reach an object (district-wide staff, the
administrator) still open it, and must not get a 500.

Run with `-s` (or look at the terminal summary) for the figures: routes × personas × requests.
"""

from __future__ import annotations

import datetime
import io
import json
import re
import time
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Notification, Role, User
from contacts.models import (
    CommitteeContact,
    ContactActivity,
    MeetingRequest,
    TrainingSession,
    VoterQuestion,
    VoterReport,
)
from deputies.models import CommitteeMember, Deputy, Organization, OrganizationKind
from feedback.models import Opinion
from feedback.suggestions.models import Suggestion
from reports.models import Article, Export

TODAY = datetime.date(2026, 11, 28)
PERSONAS = ("public", "deputy", "deputy2", "district", "street", "town", "unit", "committee", "admin")
USERNAMES = {
    "deputy": "demo-deputy",
    "deputy2": "demo-deputy-2",
    "street": "demo-street-staff",
    "town": "demo-town-staff",
    "unit": "demo-unit-staff",
    "committee": "demo-committee",
    "admin": "demo-admin",
    "district": "sweep-district-staff",
}
WRITE_SQL = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
# Writes a refused request may make: the session (a login redirect keeps `next`).
HARMLESS_WRITES = re.compile(r'"django_session"', re.IGNORECASE)
MARK = "SWEEP-SECRET"  # in the text of every object made for the sweep


# --- rules --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """How a route may be reached.

    kind: "public" (anyone; only no 500 asserted), "object" (kwargs name foreign objects),
    "roles" (a page without an object: only `roles` may open it), "list" (a page listing objects:
    only `roles` may open it, and the persona's foreign objects of `shows` are absent).
    """

    kind: str
    target: str = ""  # the kind of object named by the URL ("activity", "opinion", ...)
    arg: str = "pk"  # the URL keyword that carries the object's id
    extra: tuple[tuple[str, tuple[str, ...]], ...] = ()  # other keywords and the values to try
    roles: frozenset[str] = frozenset(PERSONAS)  # who may open it at all
    shows: tuple[str, ...] = ()  # lists: the kinds of object it lists
    write: bool = True  # try the write methods on refusals
    elsewhere: str = ""  # a page the refused are sent to instead (the URL name)
    note: str = ""


def public(note: str = "") -> Rule:
    return Rule("public", write=False, note=note)


def obj(target: str, arg: str = "pk", roles=PERSONAS, **extra: tuple[str, ...]) -> Rule:
    return Rule("object", target=target, arg=arg, roles=frozenset(roles), extra=tuple(extra.items()))


def roles(*who: str, write: bool = True) -> Rule:
    return Rule("roles", roles=frozenset(who), write=write)


def listing(*shows: str, who=PERSONAS, elsewhere: str = "") -> Rule:
    return Rule("list", roles=frozenset(who), shows=shows, write=False, elsewhere=elsewhere)


SIGNED_IN = tuple(p for p in PERSONAS if p != "public")
DEPUTIES = ("deputy", "deputy2")
LIAISON = ("district", "street", "town")
STAFF = (*LIAISON, "admin")  # liaison staff and administrators
RECORDERS = (*DEPUTIES, *STAFF)
QUEUE = (*DEPUTIES, *STAFF, "unit")
DISTRICT_WIDE = ("district", "admin")
OPINION_ACTIONS = ("answer", "verify", "route", "assign", "reply", "relay", "feedback", "close", "reject")
OPINION_ACTIONS += ("merge", "reopen")
SUGGESTION_ACTIONS = ("submit", "confirm", "assign", "consult", "co_report", "reply", "rate", "extend")
SUGGESTION_ACTIONS += ("mark_key",)

RULES: dict[str, Rule] = {
    # The site's plumbing and public pages.
    "home": public(),
    "healthz": public(),
    "favicon": public(),
    "set_language": public("changes the visitor's own language cookie"),
    "accounts:login": public(),
    "accounts:sms_login": public(),
    "accounts:logout": public("ends the caller's own session"),
    "deputies:directory": public(),
    "deputies:profile": public("public fields only: tests/test_privacy_crawl.py"),
    "deputies:find_my_deputy": public(),
    "deputies:offices": public(),
    "deputies:accept_invitation": public("the token is the secret"),
    "calendar:page": public(),
    "calendar:district_feed": public(),
    "calendar:deputy_feed": public("public events only"),
    "contacts:deputy_feed": public("a deputy's public activities only"),
    "calendar:venue_feed": public("public events only"),
    "voters:ask": public("anyone may ask a deputy"),
    "voters:report": public("announced reports only"),
    "feedback:index": public(),
    "feedback:submit": public(),
    "feedback:committee_options": public(),
    "feedback:submitted": public("the tracking code is the secret"),
    "feedback:deputy_qr_svg": public(),
    "feedback:deputy_qr_png": public(),
    "feedback:deputy_qr": public(),
    "feedback:suggestions": listing("suggestion"),
    "feedback:suggestions_feed": listing("suggestion"),
    "feedback:archive": listing("opinion"),
    "feedback:archive_feed": listing("opinion"),
    "feedback:archive_detail": obj("opinion"),
    "feedback:track_lookup": public(),
    "feedback:track": public("the tracking code is the secret"),
    "track_short": public("the tracking code is the secret"),
    "reports:index": public(),
    "reports:public": public(),
    "reports:response_times": public(),
    "reports:response_times_json": public(),
    "reports:response_times_csv": public(),
    "reports:articles": listing("article"),
    "reports:article_detail": obj("article"),
    "api-schema": public(),
    "api-docs": public(),
    "api-root": public(),
    "api-auth-token": public("signs in"),
    "api-auth-sms-code": public("signs in"),
    "api-auth-sms-token": public("signs in"),
    "api-auth-me": public("the caller's own account"),
    "api-popolo": public(),
    "opinion-track": public("the tracking code is the secret"),
    "opinion-track-rate": public("the tracking code is the secret"),
    "public-opinion-list": listing("opinion"),
    "public-opinion-detail": obj("opinion"),
    "public-response-times": public(),
    "region-list": public(),
    "region-detail": public(),
    "congress-list": public(),
    "congress-detail": public(),
    "constituency-list": public(),
    "constituency-detail": public(),
    "deputy-group-list": public(),
    "deputy-group-detail": public(),
    "deputy-list": public("public fields only: tests/deputies/test_api.py"),
    "deputy-detail": public("public fields only: tests/deputies/test_api.py"),
    "organization-list": public(),
    "organization-detail": public(),
    "contact-point-list": public(),
    "contact-point-detail": public(),
    "public-voter-question-list": listing("voter_question"),
    "public-suggestion-list": listing("suggestion"),
    "public-suggestion-detail": obj("suggestion"),
    "media": public("private prefixes need a login: tests/ops/test_media_and_logs.py"),
    # A user's own inbox.
    "accounts:inbox": listing("notification", who=SIGNED_IN),
    "accounts:mark_read": obj("notification"),
    "accounts:mark_all_read": roles(*SIGNED_IN, write=False),
    "accounts:preferences": roles(*SIGNED_IN, write=False),
    "notification-list": listing("notification", who=SIGNED_IN),
    "notification-read-all": roles(*SIGNED_IN, write=False),
    "notification-read": obj("notification"),
    # The registry's work pages.
    "deputies:accounts": listing("deputy", who=STAFF),
    "deputies:invite": roles(*STAFF),
    "deputies:resend_invitation": obj("deputy", arg="deputy_id"),
    # Activities.
    "contacts:list": listing("activity", who=SIGNED_IN),
    "contacts:my_year": listing("activity", who=DEPUTIES, elsewhere="contacts:overview"),
    "contacts:create": roles(*RECORDERS),
    "contacts:plan": roles(*RECORDERS),
    "contacts:committee": listing("committee_contact", who=("committee",)),
    "contacts:committee_create": roles("committee"),
    "contacts:held": obj("activity"),
    "contacts:detail": obj("activity"),
    "contacts:edit": obj("activity"),
    "contacts:amend": obj("activity"),
    "contacts:confirm": obj("activity"),
    "contacts:register": roles(*STAFF),
    "contacts:confirm_queue": listing("activity", who=STAFF),
    "contacts:overview": listing("deputy", who=(*STAFF, "committee")),
    "contacts:record": obj("deputy", arg="deputy_id"),
    "contacts:exemption_create": roles(*STAFF),
    "contacts:close_year": roles(*DISTRICT_WIDE),
    "contacts:voter_reports": listing("voter_report", who=SIGNED_IN),
    "contacts:voter_report_create": roles(*RECORDERS),
    "contacts:voter_report_plan": roles(*RECORDERS),
    "contacts:voter_report_held": obj("voter_report"),
    "contacts:voter_question_record": obj("voter_report", arg="report_id"),
    "contacts:voter_questions": listing("voter_question", who=(*DEPUTIES, *STAFF)),
    "contacts:voter_question_answer": obj("voter_question"),
    "contacts:voter_question_moderate": obj("voter_question", action=("approve", "reject")),
    "contacts:research": listing(who=SIGNED_IN),
    "contacts:research_create": roles(*RECORDERS),
    "contacts:training": listing(who=SIGNED_IN),
    "contacts:training_plan_create": roles(*STAFF),
    "contacts:training_session_create": roles(*STAFF),
    "contacts:training_attendance": obj("training_session", arg="session_id"),
    "contacts:meetings": listing("meeting", who=SIGNED_IN),
    "contacts:meeting_create": roles(*DEPUTIES, *STAFF),
    "contacts:meeting_action": obj("meeting", action=("arrange", "decline", "record")),
    "api-deputy-progress": obj("deputy"),
    "activity-list": listing("activity", who=SIGNED_IN),
    "activity-detail": obj("activity"),
    "activity-amend": obj("activity"),
    "activity-confirm": obj("activity"),
    "activity-held": obj("activity"),
    "voter-report-list": listing("voter_report", who=SIGNED_IN),
    "voter-report-detail": obj("voter_report"),
    "voter-report-held": obj("voter_report"),
    "voter-report-questions": obj("voter_report"),
    "meeting-request-list": listing("meeting", who=SIGNED_IN),
    "meeting-request-detail": obj("meeting"),
    "meeting-request-arrange": obj("meeting"),
    "meeting-request-decline": obj("meeting"),
    "meeting-request-record": obj("meeting"),
    "voter-question-list": listing("voter_question", who=SIGNED_IN),
    "voter-question-detail": obj("voter_question"),
    "voter-question-answer": obj("voter_question"),
    "voter-question-approve": obj("voter_question"),
    "voter-question-reject": obj("voter_question"),
    "committee-contact-list": listing("committee_contact", who=SIGNED_IN),
    "committee-contact-detail": obj("committee_contact"),
    # Opinions and suggestions.
    "feedback:record": roles(*RECORDERS),
    "feedback:queue": listing("opinion", who=QUEUE),
    "feedback:detail": obj("opinion"),
    "feedback:show_contact": obj("opinion"),
    "feedback:act": obj("opinion", action=OPINION_ACTIONS),
    "feedback:publication": obj("opinion"),
    "feedback:suggestion_work": listing("suggestion", who=SIGNED_IN),
    "feedback:suggestion_new": roles(*DEPUTIES, *STAFF),
    "feedback:suggestion_detail": obj("suggestion"),
    "feedback:suggestion_edit": obj("suggestion"),
    "feedback:suggestion_act": obj("suggestion", action=SUGGESTION_ACTIONS),
    "feedback:suggestion_file": obj("suggestion", file_pk=("1",)),
    "opinion-list": listing("opinion", who=SIGNED_IN),
    "opinion-workflow-table": public("the workflow's rules, no data"),
    "opinion-detail": obj("opinion"),
    "opinion-act": obj("opinion", workflow_action=OPINION_ACTIONS),
    "opinion-publication": obj("opinion"),
    "suggestion-list": listing("suggestion"),  # the public: published ones
    "suggestion-detail": obj("suggestion"),
    "suggestion-act": obj("suggestion", workflow_action=SUGGESTION_ACTIONS),
    # Reports.
    "reports:compliance": roles(*STAFF, "committee", write=False),
    "reports:snapshot": roles(*STAFF, "committee"),
    "reports:committee_members": roles(*DISTRICT_WIDE, "committee", write=False),
    "reports:handling": roles(*STAFF, "committee", "unit", write=False),
    "reports:funds": roles(*STAFF, write=False),
    "reports:article_create": roles(*STAFF),
    "reports:article_edit": obj("article"),
    "reports:article_publish": obj("article"),
    "reports:export_create": roles(*STAFF, "committee"),
    "reports:export_detail": obj("export"),
    "reports:export_status": obj("export"),
    "reports:export_download": obj("export"),
    "api-handling-stats": roles(*STAFF, "committee", "unit", write=False),
    "api-compliance-report": roles(*STAFF, "committee", write=False),
}
ONCE = {"api-schema", "api-docs"}  # the same for everyone and slow to build: swept as the public only
URL_DEFAULTS = {"code": "NOSUCHCODE", "token": "no-such-token", "year": "2026", "table": "bodies"}
URL_DEFAULTS |= {"path": "private/none.txt"}


# --- the routes, from the URL configuration -------------------------------------------------------------


@dataclass
class Route:
    name: str  # the URL name, namespaced; "media" for the unnamed media pattern
    pattern: str
    keywords: tuple[str, ...]
    api: bool
    admin: bool
    variants: list[str] = field(default_factory=list)


def discover_routes() -> dict[str, Route]:
    """Every route of the site by name (format-suffix variants of an API route share its name)."""
    routes: dict[str, Route] = {}

    def walk(patterns, prefix: str, namespace: str) -> None:
        for entry in patterns:
            text = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, text, inner)
                continue
            assert isinstance(entry, URLPattern)
            name = namespace + entry.name if entry.name else ("media" if "media" in text else text)
            keywords = tuple(k for k in entry.pattern.regex.groupindex if k != "format")
            route = routes.setdefault(
                name,
                Route(name, text, keywords, text.startswith("api/"), text.startswith("admin/")),
            )
            route.variants.append(text)

    walk(get_resolver().url_patterns, "", "")
    return routes


ROUTES = discover_routes()


def test_every_route_has_an_access_rule():
    missing = sorted(name for name, route in ROUTES.items() if not route.admin and name not in RULES)
    assert not missing, (
        "These routes have no rule in tests/test_access_sweep.py RULES; add one saying who may reach "
        f"what (public(), obj(kind), roles(...), listing(...)): {missing}"
    )
    stale = sorted(set(RULES) - set(ROUTES))
    assert not stale, f"RULES names routes that no longer exist; remove them: {stale}"


# --- the world ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo data and the sweep's own cross-scope objects, made once and rolled back afterwards."""
    with django_db_blocker.unblock(), override_settings(ALLOW_DEMO_ACCOUNTS=True):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", today=TODAY, stdout=io.StringIO(), stderr=io.StringIO())
            yield _make_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _only_for(deputy: Deputy, queryset):
    """An object of `queryset` whose deputies are exactly this one (not shared with the other side)."""
    for candidate in queryset.filter(deputies=deputy).prefetch_related("deputies").order_by("pk"):
        if [d.pk for d in candidate.deputies.all()] == [deputy.pk]:
            return candidate
    raise AssertionError(f"the demo data has no object for {deputy} alone")


def _mark(deputy: Deputy) -> str:
    """Text only this deputy's objects made for the sweep carry (lists must not show the other's)."""
    return f"{MARK}-{deputy.pk}-"


def _make_world() -> dict:
    users = {p: User.objects.filter(username=u).first() for p, u in USERNAMES.items()}
    office = Organization.objects.filter(kind=OrganizationKind.PERSONNEL_OFFICE).first()
    users["district"] = User.objects.create(
        username=USERNAMES["district"], role=Role.LIAISON_STAFF, organization=office, is_staff=True
    )
    a = Deputy.objects.get(person__user=users["deputy"])  # 岳阳
    b = Deputy.objects.get(person__user=users["deputy2"])  # 永丰
    committee = CommitteeMember.objects.get(person__user=users["committee"])
    assert not committee.fixed_contacts.filter(pk=b.pk).exists(), "永丰's deputy is not the member's"
    street_b = Organization.objects.get(kind=OrganizationKind.STREET_COMMITTEE, region=b.constituency.region)
    street_a = users["street"].organization
    other_member = CommitteeMember.objects.exclude(pk=committee.pk).filter(person__user__isnull=True).first()

    def meeting(deputy, body):
        return MeetingRequest.objects.create(
            deputy=deputy, organ_name="区交通委", subject=f"{_mark(deputy)} 约见", liaison_body=body
        )

    def question(deputy):
        return VoterQuestion.objects.create(deputy=deputy, channel="online", content=f"{_mark(deputy)} 问题")

    def suggestion(deputy):
        return Suggestion.objects.create(kind="suggestion", title=f"{_mark(deputy)} 建议", deputy=deputy)

    def report(deputy):
        found = VoterReport.objects.filter(deputy=deputy).first()
        return found or VoterReport.objects.create(deputy=deputy, date=TODAY, content=MARK)

    def opinion(deputy, body):
        return Opinion.objects.filter(deputy=deputy, organization=body, assignments__isnull=True).first()

    contact = CommitteeContact.objects.create(
        committee=other_member.committee, member=other_member, kind="forum", date=TODAY, subject=MARK
    )
    contact.deputies.add(b)
    draft_a = Article.objects.create(title=MARK, body=MARK, status="draft", organization=street_a)
    draft_b = Article.objects.create(title=MARK, body=MARK, status="draft", organization=street_b)
    export_admin = Export.objects.create(format="csv", year=2026, requested_by=users["admin"])
    export_other = Export.objects.create(format="csv", year=2026, requested_by=users["district"])

    def note(user):
        return Notification.objects.create(recipient=user, kind="sweep", title=MARK)

    sides = {
        "activity": (_only_for(a, ContactActivity.objects), _only_for(b, ContactActivity.objects)),
        "deputy": (a, b),
        "meeting": (meeting(a, street_a), meeting(b, street_b)),
        "voter_report": (report(a), report(b)),
        "voter_question": (question(a), question(b)),
        "opinion": (opinion(a, street_a), opinion(b, street_b)),
        "suggestion": (suggestion(a), suggestion(b)),
        "article": (draft_a, draft_b),
        "committee_contact": (None, contact),
        "training_session": (None, TrainingSession.objects.order_by("pk").first()),
    }
    foreign: dict[str, dict[str, object]] = {}
    for persona in PERSONAS:
        side = 0 if persona == "deputy2" else 1
        foreign[persona] = {kind: pair[side] for kind, pair in sides.items() if pair[side] is not None}
        # Personal objects: another user's.
        other = users["deputy2"] if persona != "deputy2" else users["deputy"]
        foreign[persona]["notification"] = note(other)
        foreign[persona]["export"] = export_other if persona == "admin" else export_admin
    # Who may reach the other side's objects after all (they are tested for no 500, not refusal).
    reach = {
        "district": {"activity", "deputy", "meeting", "voter_report", "voter_question", "opinion"},
        "admin": {"activity", "deputy", "meeting", "voter_report", "voter_question", "opinion"},
    }
    reach["district"] |= {"suggestion", "committee_contact", "training_session"}
    reach["admin"] |= {"suggestion", "committee_contact", "training_session", "article"}
    # The district's training plans: every liaison body records its own deputies' attendance.
    reach["street"] = reach["town"] = {"training_session"}
    missing = [(p, k) for p in PERSONAS for k, v in foreign[p].items() if v is None]
    assert not missing, f"the world lacks objects: {missing}"
    return {"users": users, "foreign": foreign, "reach": reach}


# --- the sweep ----------------------------------------------------------------------------------------


@dataclass
class Tally:
    routes: set = field(default_factory=set)
    requests: int = 0
    refusals: int = 0
    writes: int = 0
    reached: int = 0  # requests by a persona allowed to reach (no 500 asserted)
    failures: list = field(default_factory=list)
    seconds: dict = field(default_factory=dict)


def _marker(kind: str, target) -> list[str]:
    """Text that shows the object in a page or a JSON list."""
    markers = {
        "activity": [f"/activities/{target.pk}/"],
        "opinion": [f"/opinions/{target.pk}/", str(getattr(target, "tracking_code", ""))],
        "suggestion": [f"/opinions/suggestions/{target.pk}/"],
        "meeting": [f"/activities/meetings/{target.pk}/"],
        "voter_question": [f"/activities/voter-questions/{target.pk}/"],
        "notification": [f"/accounts/notifications/{target.pk}/read/"],
        "article": [f"/reports/articles/{target.pk}/"],
        "voter_report": [f"/activities/voter-reports/{target.pk}/"],
    }.get(kind, [])
    if kind in ("meeting", "voter_question", "suggestion"):
        markers.append(_mark(target.deputy))
    return [m for m in markers if m]


def _api_ids(response) -> set[int]:
    try:
        data = json.loads(response.content)
    except ValueError:
        return set()
    items = data.get("results", data) if isinstance(data, dict) else data
    return {item.get("id") for item in items if isinstance(item, dict)} if isinstance(items, list) else set()


def _refused(persona: str, route: Route, response) -> bool:
    status = response.status_code
    if status in (403, 404, 405):
        return True
    if status == 401 and route.api:
        return True
    if status == 302:
        location = response["Location"]
        elsewhere = RULES.get(route.name, public()).elsewhere
        if elsewhere and location == reverse(elsewhere):
            return True
        return location.startswith(reverse("accounts:login")) or location.startswith("/admin/login/")
    return False


def _urls(route: Route, kwargs: dict) -> list[str]:
    rule = RULES[route.name]
    if route.name == "media":  # the one unnamed route
        return ["/media/private/none.txt"]
    combos = [dict(kwargs)]
    for key, values in rule.extra:
        combos = [{**c, key: v} for c in combos for v in values]
    urls = []
    for combo in combos:
        for key in route.keywords:
            combo.setdefault(key, URL_DEFAULTS.get(key, "1"))
        urls.append(reverse(route.name, kwargs={k: combo[k] for k in route.keywords}))
    return urls


WRITE_BODY = {
    "note": MARK,
    "reason": MARK,
    "text": MARK,
    "content": MARK,
    "answer": MARK,
    "subject": MARK,
    "title": MARK,
    "body": MARK,
    "reply_text": MARK,
}


class Sweeper:
    def __init__(self, client: Client, persona: str, world: dict, tally: Tally):
        self.client, self.persona, self.world, self.tally = client, persona, world, tally

    def fail(self, route: Route, method: str, url: str, response, why: str) -> None:
        status = response.status_code
        self.tally.failures.append(f"{self.persona} {method} {url} ({route.name}) → {status}: {why}")

    def request(self, method: str, route: Route, url: str):
        self.tally.requests += 1
        self.tally.routes.add(route.name)
        with CaptureQueriesContext(connection) as queries:
            if method == "GET":
                response = self.client.get(url)
            elif route.api:
                response = self.client.generic(
                    method, url, json.dumps(WRITE_BODY), content_type="application/json"
                )
            else:
                response = self.client.post(url, WRITE_BODY)
        writes = [
            q["sql"][:120]
            for q in queries.captured_queries
            if WRITE_SQL.match(q["sql"]) and not HARMLESS_WRITES.search(q["sql"])
        ]
        return response, writes

    def refuse(self, route: Route, url: str, write: bool) -> None:
        methods = ["GET"]
        if write:
            methods += ["POST", "PUT", "PATCH", "DELETE"] if route.api else ["POST"]
        for method in methods:
            response, writes = self.request(method, route, url)
            self.tally.refusals += 1
            self.tally.writes += method != "GET"
            if not _refused(self.persona, route, response):
                self.fail(route, method, url, response, "not refused")
            if writes:
                self.fail(route, method, url, response, f"wrote to the database: {writes}")

    def reach(self, route: Route, url: str) -> None:
        response, _writes = self.request("GET", route, url)
        self.tally.reached += 1
        if response.status_code >= 500:
            self.fail(route, "GET", url, response, "server error")
        return response

    def sweep(self, route: Route) -> None:
        rule = RULES[route.name]
        foreign = self.world["foreign"][self.persona]
        allowed = self.persona in rule.roles
        if rule.kind == "public":
            if route.name in ONCE and self.persona != "public":
                return
            self.reach(route, _urls(route, {})[0])
        elif rule.kind == "roles":
            for url in _urls(route, {}):
                self.reach(route, url) if allowed else self.refuse(route, url, rule.write)
        elif rule.kind == "object":
            target = foreign.get(rule.target)
            pk = str(target.pk) if target is not None else "1"
            may = rule.target in self.world["reach"].get(self.persona, set())
            for url in _urls(route, {rule.arg: pk}):
                if may or target is None:
                    self.reach(route, url)
                else:
                    self.refuse(route, url, rule.write)
        elif rule.kind == "list":
            for url in _urls(route, {}):
                if not allowed:
                    self.refuse(route, url, rule.write)
                    continue
                response = self.reach(route, url)
                self.check_listing(route, url, response, rule)

    def check_listing(self, route: Route, url: str, response, rule: Rule) -> None:
        foreign = self.world["foreign"][self.persona]
        reach = self.world["reach"].get(self.persona, set())
        content = response.content.decode("utf-8", "replace")
        for kind in rule.shows:
            target = foreign.get(kind)
            if target is None or kind in reach:
                continue
            if route.api:
                shown = target.pk in _api_ids(response)
            else:
                shown = any(marker in content for marker in _marker(kind, target))
            if shown:
                self.fail(route, "GET", url, response, f"lists a foreign {kind} #{target.pk}")


FIGURES: dict[str, Tally] = {}


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_persona_reaches_what_it_must_not(world, db, persona, record_property):
    client = Client(raise_request_exception=False)
    if persona != "public":
        client.force_login(world["users"][persona])
    tally = Tally()
    sweeper = Sweeper(client, persona, world, tally)
    started = time.monotonic()
    for route in ROUTES.values():
        if route.admin:
            continue
        before = time.monotonic()
        sweeper.sweep(route)
        tally.seconds[route.name] = time.monotonic() - before
    slowest = sorted(tally.seconds.items(), key=lambda item: -item[1])[:3]
    FIGURES[persona] = tally
    summary = (
        f"access sweep, {persona}: {len(tally.routes)} routes, {tally.requests} requests "
        f"({tally.refusals} that must be refused, {tally.writes} of them writes; {tally.reached} allowed), "
        f"{len(tally.failures)} failures; {time.monotonic() - started:.0f} s, slowest {slowest}"
    )
    print(summary)
    record_property("access_sweep", [len(tally.routes), tally.requests, tally.refusals, tally.writes])
    assert not tally.failures, summary + "\n" + "\n".join(tally.failures)


# --- the admin, as a group ----------------------------------------------------------------------------

# The admin's object pages of the models that hold scoped objects; every other admin route follows the
# group rule: only `is_staff` users get past the admin's login, and what they see is their scope
# (tests/*/test_admin.py check each model's queryset).
ADMIN_TARGETS = {
    ContactActivity: "activity",
    MeetingRequest: "meeting",
    VoterQuestion: "voter_question",
    VoterReport: "voter_report",
    CommitteeContact: "committee_contact",
    Opinion: "opinion",
    Suggestion: "suggestion",
    Article: "article",
    Export: "export",
    Notification: "notification",
}
ADMIN_STAFF = ("district", "street", "town", "admin")  # `is_staff`: they reach the admin's pages


def _admin_refused(response, url: str) -> bool:
    if response.status_code in (403, 404, 405):
        return True
    # The admin answers an object outside the user's queryset with a redirect to its index.
    return response.status_code == 302 and response["Location"] != url


def _admin_urls(target_pk: dict) -> list[tuple[str, str]]:
    """(url, kind) of the change, delete and history pages of the foreign objects."""
    urls = []
    for model, kind in ADMIN_TARGETS.items():
        if model not in admin.site._registry or kind not in target_pk:
            continue
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        for page in ("change", "delete", "history"):
            urls.append((reverse(f"{info}_{page}", args=[target_pk[kind]]), kind))
    return urls


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_admin_lets_no_persona_reach_what_it_must_not(world, db, persona, record_property):
    client = Client(raise_request_exception=False)
    if persona != "public":
        client.force_login(world["users"][persona])
    tally = Tally()
    sweeper = Sweeper(client, persona, world, tally)
    admin_routes = [route for route in ROUTES.values() if route.admin]
    if persona not in ADMIN_STAFF:
        # Every admin route, with an id where it takes one: the admin's login page.
        for route in admin_routes:
            if route.name in ("admin:login", "admin:logout"):
                continue  # the admin's own door
            url = "/" + re.sub(r"<[^>]+>|\(\?P<[^>]+>[^)]*\)", "1", route.pattern).replace("^", "")
            url = url.replace("$", "")
            for method in ("GET", "POST"):
                response, writes = sweeper.request(method, route, url)
                tally.refusals += 1
                tally.writes += method == "POST"
                if not _refused(persona, route, response) or writes:
                    sweeper.fail(route, method, url, response, f"admin reached {writes or ''}")
    else:
        reach = world["reach"].get(persona, set())
        foreign = {kind: target.pk for kind, target in world["foreign"][persona].items()}
        route = ROUTES["admin:index"]
        for url, kind in _admin_urls(foreign):
            if kind in reach or persona == "admin":  # the administrator manages everything here
                response, _writes = sweeper.request("GET", route, url)
                tally.reached += 1
                if response.status_code >= 500:
                    sweeper.fail(route, "GET", url, response, "server error")
                continue
            for method in ("GET", "POST"):
                response, writes = sweeper.request(method, route, url)
                tally.refusals += 1
                tally.writes += method == "POST"
                if not _admin_refused(response, url) or writes:
                    sweeper.fail(route, method, url, response, f"admin object reached {writes or ''}")
    summary = f"admin sweep, {persona}: {tally.requests} requests, {len(tally.failures)} failures"
    print(summary)
    record_property("access_sweep_admin", [len(admin_routes), tally.requests, tally.refusals, tally.writes])
    assert not tally.failures, summary + "\n" + "\n".join(tally.failures[:50])
