"""Property: "who sees this opinion" is one rule. The SQL (`opinions_visible_to`, lists and 404s) and
the Python predicate (`sees_opinion`, one opinion in hand) agree for any opinion and any persona, and
whoever may see the submitter's contact details also sees the opinion."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedback import permissions
from feedback.models import Assignment

from .factories import OpinionFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["alice", "bob", "carol", "dave", "erin", "frank", "judy", "ivan", "grace", "heidi", "public"]


class _Rollback(Exception):
    pass


@pytest.fixture
def cast(
    deputy_user,
    other_deputy_user,
    street_staff,
    other_street_staff,
    town_staff,
    handling_unit_staff,
    other_unit_staff,
    personnel_staff,
    admin_user,
    committee_member,
):
    return {
        "alice": deputy_user,
        "bob": other_deputy_user,
        "carol": street_staff,
        "dave": other_street_staff,
        "erin": town_staff,
        "frank": handling_unit_staff,
        "judy": other_unit_staff,
        "ivan": personnel_staff,
        "grace": admin_user,
        "heidi": committee_member,
        "public": None,
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_query_and_the_predicate_agree(
    data,
    cast,
    deputy,
    other_deputy,
    district,
    yueyang,
    yongfeng,
    sijing,
    yueyang_community,
    bodies,
    handling_unit,
    other_unit,
):
    deputies = [None, deputy, other_deputy]
    regions = [district, yueyang, yongfeng, sijing, yueyang_community]
    organizations = [None, *{b.pk: b for b in bodies.values()}.values()]
    try:
        with transaction.atomic():
            opinion = OpinionFactory(
                deputy=data.draw(st.sampled_from(deputies), label="deputy"),
                origin_deputy=data.draw(st.sampled_from(deputies), label="origin deputy"),
                region=data.draw(st.sampled_from(regions), label="region"),
                organization=data.draw(st.sampled_from(organizations), label="organization"),
                consent=data.draw(st.booleans(), label="consent"),
            )
            now = timezone.now()
            for unit in data.draw(st.sets(st.sampled_from([handling_unit, other_unit])), label="units"):
                Assignment.objects.create(
                    opinion=opinion,
                    organization=unit,
                    assigned_at=now,
                    due_at=now + datetime.timedelta(days=15),
                    replied_at=now if data.draw(st.booleans(), label="replied") else None,
                )
            for persona in PERSONAS:
                user = cast[persona]
                in_query = permissions.opinions_visible_to(user).filter(pk=opinion.pk).exists()
                assert permissions.sees_opinion(user, opinion) is in_query, persona
                if permissions.may_see_contact(user, opinion):
                    assert in_query, persona
            raise _Rollback
    except _Rollback:
        pass


def test_each_persona_sees_what_the_rule_says(
    cast, deputy, yueyang_community, yueyang_committee, handling_unit
):
    """A fixed example, so the property above cannot pass by both sides being always False."""
    opinion = OpinionFactory(deputy=deputy, region=yueyang_community, organization=yueyang_committee)
    now = timezone.now()
    Assignment.objects.create(
        opinion=opinion, organization=handling_unit, assigned_at=now, due_at=now + datetime.timedelta(days=15)
    )
    seeing = {p for p in PERSONAS if permissions.opinions_visible_to(cast[p]).filter(pk=opinion.pk).exists()}
    assert seeing == {"alice", "carol", "frank", "ivan", "grace"}
    assert {p for p in PERSONAS if permissions.sees_opinion(cast[p], opinion)} == seeing
