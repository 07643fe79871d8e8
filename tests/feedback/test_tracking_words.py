"""The tracking page tells the citizen the next step and by when, in words that fit who handles the
opinion (no deputy is named when none relayed it), and shows their own rating back."""

import datetime

import pytest
from django.urls import reverse

from feedback import tracking
from feedback.models import OpinionState

from .factories import OpinionFactory

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
DUE = datetime.datetime(2026, 3, 9, 23, 59, tzinfo=SHANGHAI)


def page(client, opinion):
    response = client.get(reverse("feedback:track", args=[opinion.tracking_code]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_next_step_names_who_acts_and_by_when(citizen, deputy, yueyang):
    to_deputy = OpinionFactory(region=yueyang, deputy=deputy, due_at=DUE)
    to_body = OpinionFactory(region=yueyang, due_at=DUE)

    assert (
        tracking.next_step(to_deputy)
        == "下一步：代表核实情况，直接答复您或转交有关机构，最迟在2026年3月9日前。"
    )
    assert "联络机构核实情况" in tracking.next_step(to_body)
    html = page(citizen, to_body)
    assert "下一步：联络机构核实情况" in html and "2026年3月9日" in html


@pytest.mark.parametrize(
    ("state", "with_deputy", "without_deputy"),
    [
        (OpinionState.FED_BACK, "代表已向您反馈办理结果", "联络机构已向您反馈办理结果"),
        (OpinionState.REPLIED, "代表将向您反馈", "联络机构将向您反馈"),
        (OpinionState.ANSWERED, "代表已直接答复", "联络机构已直接答复"),
    ],
)
def test_no_deputy_is_named_when_none_handles_it(
    citizen, deputy, yueyang, state, with_deputy, without_deputy
):
    assert with_deputy in page(citizen, OpinionFactory(region=yueyang, deputy=deputy, state=state))
    html = page(citizen, OpinionFactory(region=yueyang, state=state))
    assert without_deputy in html and "代表已" not in html.split('data-testid="explanation"')[1][:80]


def test_the_citizens_rating_and_comment_are_shown_back(citizen, yueyang):
    opinion = OpinionFactory(
        region=yueyang, state=OpinionState.CLOSED, rating="basic", rating_comment="修得很快，但还有一盏没亮。"
    )
    html = page(citizen, opinion)
    assert "基本满意" in html and "修得很快，但还有一盏没亮。" in html
    assert "已办结，您无需再做什么" in html
