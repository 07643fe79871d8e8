"""The work queue filters to the opinions awaiting the staff's publication review (issue 17)."""

import pytest
from django.urls import reverse

from feedback.models import OpinionState, Publication

from .factories import OpinionFactory

pytestmark = pytest.mark.django_db


def test_the_queue_shows_only_opinions_awaiting_publication_review(
    login, street_staff, yueyang_community, yueyang_committee
):
    def make(name, **fields):
        return OpinionFactory(
            content=f"{name}：小区门口的路灯坏了很久，希望尽快修好。",
            region=yueyang_community,
            organization=yueyang_committee,
            **fields,
        )

    make("waiting", publish=True)
    make("waiting_closed", publish=True, state=OpinionState.CLOSED)
    make("not_agreed", publish=False)
    make("approved", publish=True, publication=Publication.APPROVED)
    make("withheld", publish=True, publication=Publication.WITHHELD, withheld_reason="涉及个人隐私")
    make("in_moderation", publish=True, state=OpinionState.MODERATION)
    client = login(street_staff)
    response = client.get(reverse("feedback:queue"), {"awaiting_publication": "on", "state": "all"})
    shown = {opinion.content.split("：")[0] for opinion, _status in response.context["rows"]}
    assert shown == {"waiting", "waiting_closed"}
    assert 'name="awaiting_publication"' in response.content.decode()
    everything = client.get(reverse("feedback:queue"), {"state": "all"}).context["page"].paginator.count
    assert everything == 6
