""" "Overdue" means one thing everywhere (issue 17): open and past the current step's due date, counted
per stage (routing, the unit's reply, the feedback to the citizen). The dashboard, the handling report
and the queue's stage filter give the same numbers; the queue sorts overdue items first, or by the
date received."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback import deadlines
from feedback.models import Opinion, OpinionState
from reports import dashboards, handling
from tests.feedback.factories import OpinionFactory

pytestmark = pytest.mark.django_db

S = OpinionState


@pytest.fixture
def queue(yueyang_community, yueyang_committee):
    now = timezone.now()
    days = datetime.timedelta(days=1)

    def make(name, state, due_kind, due_in_days, received_days_ago):
        return OpinionFactory(
            content=f"{name}：小区门口的路灯坏了很久，希望尽快修好。",
            region=yueyang_community,
            organization=yueyang_committee,
            state=state,
            due_kind=due_kind,
            due_at=None if due_in_days is None else now + due_in_days * days,
            received_at=now - received_days_ago * days,
        )

    return {
        "route_late": make("route_late", S.RECEIVED, "route", -3, 20),
        "reply_late": make("reply_late", S.ASSIGNED, "reply", -10, 40),
        "reply_late_2": make("reply_late_2", S.ASSIGNED, "reply", -1, 30),
        "feedback_late": make("feedback_late", S.REPLIED, "feedback", -2, 50),
        "due_soon": make("due_soon", S.ASSIGNED, "reply", 2, 1),
        "due_later": make("due_later", S.RECEIVED, "route", 5, 2),
        "no_deadline": make("no_deadline", S.ANSWERED, "", None, 3),
        "closed_late": make("closed_late", S.CLOSED, "reply", -9, 60),  # final: never overdue
    }


EXPECTED = {"route": 1, "reply": 2, "feedback": 1}


def test_the_dashboard_and_the_handling_report_count_overdue_by_stage_alike(street_staff, queue):
    now = timezone.now()
    assert deadlines.overdue_by_stage(Opinion.objects.all(), now) == EXPECTED
    board = dashboards.dashboard_for(street_staff, now=now)
    stats = handling.handling_stats(user=street_staff, year=timezone.localdate().year, now=now)
    assert board.queue.by_stage == stats.overdue_by_stage == EXPECTED
    assert board.queue.overdue == stats.overdue == 4


def _stage_counts(html: str) -> dict[str, int]:
    found = re.findall(r'data-overdue-stage="(\w+)">.*?<span[^>]*data-count>(\d+)</span>', html)
    return {stage: int(n) for stage, n in found}


def test_the_pages_show_the_same_numbers_and_the_queue_filter_agrees(login, street_staff, queue):
    client = login(street_staff)
    assert _stage_counts(client.get("/").content.decode()) == EXPECTED
    assert _stage_counts(client.get(reverse("reports:handling")).content.decode()) == EXPECTED
    for stage, n in EXPECTED.items():
        page = client.get(reverse("feedback:queue"), {"stage": stage}).context["page"]
        assert page.paginator.count == n


def _order(client, **params) -> list[str]:
    rows = client.get(reverse("feedback:queue"), params).context["rows"]
    return [opinion.content.split("：")[0] for opinion, _status in rows]


def test_the_queue_puts_overdue_first_then_the_nearest_deadline(login, street_staff, queue):
    order = _order(login(street_staff))
    assert order == [
        "reply_late",
        "route_late",
        "feedback_late",
        "reply_late_2",
        "due_soon",
        "due_later",
        "no_deadline",
    ]


def test_the_queue_can_sort_by_date_received(login, street_staff, queue):
    order = _order(login(street_staff), sort="received")
    assert order == [
        "due_soon",
        "due_later",
        "no_deadline",
        "route_late",
        "reply_late_2",
        "reply_late",
        "feedback_late",
    ]
