"""Public registry pages: the deputy directory, a deputy's profile, "find my deputy" and the liaison
bodies and venues directory. Anonymous, public fields only, a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from deputies.models import (
    ContactPointKind,
    Deputy,
    DeputyStatus,
    Level,
    OrganizationKind,
    Person,
    ReceptionDuty,
)
from tests import factories as f

PRIVATE_PHONE = "13900001111"
STAFF_NOTE = "内部备注：不得公开"


@pytest.fixture
def venue(yueyang):
    return f.ContactPointFactory(
        name="岳阳街道代表之家",
        kind=ContactPointKind.HOME,
        region=yueyang,
        address="中山中路100号",
        opening_hours="周一至周五 9:00-17:00",
        reception_schedule="每月第一个周三",
    )


@pytest.fixture
def alice(deputy, venue):
    """Alice with public contact details, a venue and private details that must never show."""
    deputy.work_unit = "松江区人民医院"
    deputy.position = "主任医师"
    deputy.public_email = "alice@example.cn"
    deputy.private_phone = PRIVATE_PHONE
    deputy.staff_notes = STAFF_NOTE
    deputy.contact_point = venue
    deputy.save()
    return deputy


@pytest.fixture
def town_deputy(town_congress, sijing):
    constituency = f.ConstituencyFactory(congress=town_congress, region=sijing, name="泗泾第3选区")
    return f.DeputyFactory(
        person=f.PersonFactory(name="泗泾镇代表甲"), congress=town_congress, constituency=constituency
    )


@pytest.fixture
def ended_deputy(district_congress, yueyang_constituency):
    return f.DeputyFactory(
        person=f.PersonFactory(name="已离任代表"),
        congress=district_congress,
        constituency=yueyang_constituency,
        status=DeputyStatus.ENDED,
        end_date=datetime.date(2023, 6, 30),
    )


def _names(response):
    return [d.person.name for d in response.context["deputies"]]


# --- Directory ----------------------------------------------------------------------------------


def test_directory_lists_serving_deputies_with_their_public_details(citizen, alice, other_deputy):
    response = citizen.get(reverse("deputies:directory"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "艾丽丝" in html
    assert "鲍勃" in html
    assert "松江区人民医院" in html
    assert "主任医师" in html
    assert "区级代表" in html


def test_directory_hides_ended_mandates_unless_asked(citizen, alice, ended_deputy):
    assert "已离任代表" not in _names(citizen.get(reverse("deputies:directory")))
    response = citizen.get(reverse("deputies:directory"), {"include_ended": "on"})
    assert "已离任代表" in _names(response)


def test_directory_searches_by_part_of_a_name(citizen, alice, other_deputy):
    response = citizen.get(reverse("deputies:directory"), {"q": "丽"})
    assert _names(response) == ["艾丽丝"]


@pytest.mark.parametrize(
    ("param", "expected"),
    [
        ("level=town", ["泗泾镇代表甲"]),
        ("level=district", ["艾丽丝", "鲍勃"]),
        ("region=yongfeng", ["鲍勃"]),
        ("region=sijing", ["泗泾镇代表甲"]),
        ("constituency=yueyang", ["艾丽丝"]),
        ("group=yongfeng", ["鲍勃"]),
    ],
)
def test_directory_filters_by_level_street_constituency_and_group(
    citizen, alice, other_deputy, town_deputy, yongfeng, sijing, yueyang_constituency, param, expected
):
    name, value = param.split("=")
    lookup = {
        "region": {"yongfeng": yongfeng.pk, "sijing": sijing.pk},
        "constituency": {"yueyang": yueyang_constituency.pk},
        "group": {"yongfeng": other_deputy.group_id},
    }
    query = {name: lookup.get(name, {}).get(value, value)}
    assert sorted(_names(citizen.get(reverse("deputies:directory"), query))) == sorted(expected)


def test_directory_ignores_an_unknown_filter_value_but_keeps_the_search(citizen, alice, other_deputy):
    response = citizen.get(reverse("deputies:directory"), {"q": "鲍", "group": "999999"})
    assert response.status_code == 200
    assert _names(response) == ["鲍勃"]


def test_directory_is_paginated_and_keeps_the_filters_in_page_links(citizen, district_congress, yueyang):
    constituency = f.ConstituencyFactory(congress=district_congress, region=yueyang)
    for i in range(25):
        f.DeputyFactory(
            person=f.PersonFactory(name=f"代表{i:02d}"), congress=district_congress, constituency=constituency
        )
    first = citizen.get(reverse("deputies:directory"), {"level": "district"})
    assert len(first.context["deputies"]) == 20
    assert "level=district&amp;page=2" in first.content.decode()
    second = citizen.get(reverse("deputies:directory"), {"level": "district", "page": 2})
    assert len(second.context["deputies"]) == 5


def test_a_name_with_a_script_tag_is_shown_as_text(citizen, district_congress, yueyang_constituency):
    f.DeputyFactory(
        person=f.PersonFactory(name="<script>alert(1)</script>"),
        congress=district_congress,
        constituency=yueyang_constituency,
    )
    deputy = Deputy.objects.get(person__name__startswith="<script>")
    for url in (reverse("deputies:directory"), reverse("deputies:profile", args=[deputy.pk])):
        html = citizen.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- Profile ------------------------------------------------------------------------------------


def test_profile_shows_public_details_venue_and_constituency(citizen, alice, yueyang_community):
    response = citizen.get(reverse("deputies:profile", args=[alice.pk]))
    html = response.content.decode()
    for text in (
        "艾丽丝",
        "女",
        "松江区人民医院",
        "主任医师",
        "021-57771234",
        "alice@example.cn",
        "岳阳第1选区",
        "人乐居委会",
        alice.group.name,
        "松江区第六届人民代表大会",
        "岳阳街道代表之家",
        "中山中路100号",
        "周一至周五 9:00-17:00",
    ):
        assert text in html, text


def test_profile_lists_the_persons_other_mandate(citizen, alice, town_congress, sijing):
    constituency = f.ConstituencyFactory(congress=town_congress, region=sijing)
    town_mandate = f.DeputyFactory(person=alice.person, congress=town_congress, constituency=constituency)
    html = citizen.get(reverse("deputies:profile", args=[alice.pk])).content.decode()
    assert reverse("deputies:profile", args=[town_mandate.pk]) in html


def test_profile_shows_upcoming_reception_duty(citizen, alice, venue):
    day = timezone.localdate() + datetime.timedelta(days=3)
    ReceptionDuty.objects.create(contact_point=venue, deputy=alice, date=day)
    html = citizen.get(reverse("deputies:profile", args=[alice.pk])).content.decode()
    assert f"{day.year}年{day.month}月{day.day}日" in html


def test_profile_of_an_unknown_deputy_is_not_found(citizen, db):
    assert citizen.get(reverse("deputies:profile", args=[424242])).status_code == 404


# --- Find my deputy -----------------------------------------------------------------------------


@pytest.fixture
def sijing_village(sijing):
    return f.RegionFactory(name="新南村委会", kind="village", code="sijing-xinnan", parent=sijing)


@pytest.fixture
def sijing_world(district_congress, town_congress, sijing, sijing_village):
    """A village covered by a district constituency and a town constituency, one deputy each."""
    district_constituency = f.ConstituencyFactory(
        congress=district_congress, region=sijing, name="泗泾区级选区"
    )
    town_constituency = f.ConstituencyFactory(congress=town_congress, region=sijing, name="泗泾镇级选区")
    district_constituency.areas.add(sijing_village)
    town_constituency.areas.add(sijing_village)
    f.DeputyFactory(
        person=f.PersonFactory(name="区代表乙"),
        congress=district_congress,
        constituency=district_constituency,
    )
    f.DeputyFactory(
        person=f.PersonFactory(name="镇代表丙"), congress=town_congress, constituency=town_constituency
    )


def test_find_my_deputy_starts_with_a_choice_of_streets_and_towns(citizen, yueyang, sijing):
    html = citizen.get(reverse("deputies:find_my_deputy")).content.decode()
    assert "岳阳街道" in html
    assert "泗泾镇" in html


def test_find_my_deputy_offers_the_committees_of_the_chosen_town(citizen, sijing_village, yueyang_community):
    response = citizen.get(reverse("deputies:find_my_deputy"), {"region": sijing_village.parent_id})
    assert list(response.context["areas"]) == [sijing_village]


def test_find_my_deputy_answers_htmx_with_only_the_committee_select(citizen, sijing_village):
    response = citizen.get(
        reverse("deputies:find_my_deputy"),
        {"region": sijing_village.parent_id, "partial": "areas"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "新南村委会" in html
    assert "<html" not in html


def test_find_my_deputy_shows_district_and_town_deputies_of_the_village(
    citizen, sijing_world, sijing_village
):
    response = citizen.get(
        reverse("deputies:find_my_deputy"), {"region": sijing_village.parent_id, "area": sijing_village.pk}
    )
    html = response.content.decode()
    assert "区代表乙" in html
    assert "镇代表丙" in html
    assert "泗泾区级选区" in html
    assert "泗泾镇级选区" in html


def test_find_my_deputy_ignores_a_committee_of_another_street(citizen, sijing_world, sijing_village, yueyang):
    response = citizen.get(
        reverse("deputies:find_my_deputy"), {"region": yueyang.pk, "area": sijing_village.pk}
    )
    assert response.context["constituencies"] == []
    assert "区代表乙" not in response.content.decode()


# --- Offices and venues -------------------------------------------------------------------------


def test_offices_show_liaison_bodies_with_contact_details(
    citizen, yueyang_committee, sijing_office, handling_unit, district
):
    yueyang_committee.email = "yueyang@example.cn"
    yueyang_committee.address = "岳阳街道办事处三楼"
    yueyang_committee.wechat_qr = "organizations/qr/yueyang.png"
    yueyang_committee.save()
    f.OrganizationFactory(name="区人大常委会信访科", kind=OrganizationKind.LETTERS_SECTION, region=district)
    html = citizen.get(reverse("deputies:offices")).content.decode()
    assert "岳阳街道人大工委" in html
    assert "泗泾镇人大办公室" in html
    assert "区人大常委会信访科" in html
    assert "yueyang@example.cn" in html
    assert "岳阳街道办事处三楼" in html
    assert "/media/organizations/qr/yueyang.png" in html
    assert handling_unit.name not in html  # handling units are not liaison bodies


def test_offices_show_venues_and_who_is_on_duty_in_the_coming_days(citizen, alice, venue):
    soon = timezone.localdate() + datetime.timedelta(days=2)
    long_ago = timezone.localdate() - datetime.timedelta(days=10)
    ReceptionDuty.objects.create(contact_point=venue, deputy=alice, date=soon)
    ReceptionDuty.objects.create(contact_point=venue, deputy=alice, date=long_ago)
    html = citizen.get(reverse("deputies:offices")).content.decode()
    assert "岳阳街道代表之家" in html
    assert "中山中路100号" in html
    assert "每月第一个周三" in html
    assert f"{soon.year}年{soon.month}月{soon.day}日" in html
    assert f"{long_ago.year}年{long_ago.month}月{long_ago.day}日" not in html
    assert "艾丽丝" in html


def test_offices_filter_by_street_keeps_district_wide_bodies(
    citizen, venue, yueyang, yongfeng, yueyang_committee, yongfeng_committee, district
):
    f.ContactPointFactory(name="永丰联络站", region=yongfeng)
    f.OrganizationFactory(name="人事代表工作室", kind=OrganizationKind.PERSONNEL_OFFICE, region=district)
    html = citizen.get(reverse("deputies:offices"), {"region": yongfeng.pk}).content.decode()
    assert "永丰街道人大工委" in html
    assert "永丰联络站" in html
    assert "人事代表工作室" in html
    assert "岳阳街道人大工委" not in html
    assert "岳阳街道代表之家" not in html


# --- Never a private field ----------------------------------------------------------------------


def test_no_public_page_shows_a_deputys_private_phone_or_staff_notes(
    citizen, alice, venue, yueyang_community
):
    ReceptionDuty.objects.create(contact_point=venue, deputy=alice, date=timezone.localdate())
    urls = [
        reverse("home"),
        reverse("deputies:directory"),
        reverse("deputies:directory") + "?q=艾",
        reverse("deputies:profile", args=[alice.pk]),
        reverse("deputies:find_my_deputy")
        + f"?region={yueyang_community.parent_id}&area={yueyang_community.pk}",
        reverse("deputies:offices"),
    ]
    for url in urls:
        response = citizen.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert PRIVATE_PHONE not in html, url
        assert STAFF_NOTE not in html, url
    # and the find page did show Alice, so the check above looked at a page with her on it
    assert "艾丽丝" in citizen.get(urls[4]).content.decode()


def test_home_page_is_a_portal_with_a_search_box(citizen, db):
    html = citizen.get(reverse("home")).content.decode()
    assert 'name="q"' in html
    assert reverse("deputies:find_my_deputy") in html
    assert reverse("deputies:offices") in html


# --- Query counts: the same for 10 and for 500 deputies -----------------------------------------


def _add_deputies(count, *, congress, constituency, group, venue, start):
    """Bulk-create `count` serving deputies, each on reception duty at the venue tomorrow."""
    persons = Person.objects.bulk_create(
        [Person(name=f"批量代表{start + i:04d}", gender="male") for i in range(count)]
    )
    deputies = Deputy.objects.bulk_create(
        [
            Deputy(
                person=person,
                congress=congress,
                constituency=constituency,
                group=group,
                contact_point=venue,
                work_unit="某单位",
                position="职员",
                private_phone=PRIVATE_PHONE,
                start_date=datetime.date(2022, 1, 1),
            )
            for person in persons
        ]
    )
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    ReceptionDuty.objects.bulk_create(
        [ReceptionDuty(contact_point=venue, deputy=deputy, date=tomorrow) for deputy in deputies]
    )
    return deputies


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["directory", "profile", "find_my_deputy", "offices"])
def test_page_runs_the_same_number_of_queries_for_10_and_500_deputies(
    citizen, page, district_congress, yueyang, yueyang_community, yueyang_constituency, venue
):
    group = f.DeputyGroupFactory(congress=district_congress, region=yueyang)
    extra_venue = f.ContactPointFactory(region=yueyang)
    first = _add_deputies(
        10, congress=district_congress, constituency=yueyang_constituency, group=group, venue=venue, start=0
    )
    urls = {
        "directory": reverse("deputies:directory") + f"?region={yueyang.pk}&level={Level.DISTRICT}",
        "profile": reverse("deputies:profile", args=[first[0].pk]),
        "find_my_deputy": reverse("deputies:find_my_deputy")
        + f"?region={yueyang.pk}&area={yueyang_community.pk}",
        "offices": reverse("deputies:offices") + f"?region={yueyang.pk}",
    }
    few = _count_queries(citizen, urls[page])
    _add_deputies(
        490,
        congress=district_congress,
        constituency=yueyang_constituency,
        group=group,
        venue=extra_venue,
        start=10,
    )
    many = _count_queries(citizen, urls[page])
    assert Deputy.objects.count() == 500
    assert few == many
    assert many <= 10


def test_find_my_deputy_keeps_the_chosen_town_when_the_committee_is_unknown(citizen, sijing_village):
    response = citizen.get(
        reverse("deputies:find_my_deputy"), {"region": sijing_village.parent_id, "area": "999999"}
    )
    assert response.status_code == 200
    assert list(response.context["areas"]) == [sijing_village]
    assert response.context["constituencies"] == []
