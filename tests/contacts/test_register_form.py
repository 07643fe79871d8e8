"""Registering an activity for many deputies (issue 17): the form starts at a constituency of the
body's own street or town, and each deputy's box carries its group so that choosing the group ticks
its members on screen (static/js/group-register.js)."""

import re

import pytest
from django.urls import reverse

from deputies.models import RegionKind
from tests import factories as f

pytestmark = pytest.mark.django_db


def register_page(client):
    response = client.get(reverse("contacts:register"))
    assert response.status_code == 200
    return response


def test_the_form_starts_at_a_constituency_of_the_body(
    login, street_staff, deputy, yueyang, yueyang_constituency, district_congress, district
):
    # A constituency elsewhere comes first in the list, but not in the body's street.
    elsewhere = f.RegionFactory(name="方松街道", kind=RegionKind.STREET, code="fangsong", parent=district)
    f.ConstituencyFactory(congress=district_congress, region=elsewhere, name="方松第1选区", number=1)
    yueyang_constituency.number = 7
    yueyang_constituency.save()
    form = register_page(login(street_staff)).context["form"]
    assert form["constituency"].value() == yueyang_constituency.pk


def test_each_deputy_box_names_its_group_and_the_group_list_ticks_them(
    login, street_staff, deputy, yueyang_constituency
):
    colleague = f.DeputyFactory(congress=deputy.congress, constituency=yueyang_constituency)
    html = register_page(login(street_staff)).content.decode()
    for member in (deputy, colleague):
        box = re.search(rf'<input[^>]*name="deputies" value="{member.pk}"[^>]*>', html).group(0)
        assert f'data-group="{member.group_id}"' in box
    assert re.search(r'<select[^>]*name="group"[^>]*data-ticks-group', html)
    assert "js/group-register.js" in html
