"""The directory's filters narrow each other on the server (issue 17): a chosen street or town limits
the constituencies and groups offered, and streets and towns are listed in the official order."""

import pytest
from django.urls import reverse

from deputies.models import Region, RegionKind
from tests import factories as f

pytestmark = pytest.mark.django_db


def choices(response, name) -> list[str]:
    return [str(label) for value, label in response.context["form"].fields[name].choices if value]


def test_choosing_a_street_limits_constituencies_and_groups(client, deputy, other_deputy, yueyang):
    everything = client.get(reverse("deputies:directory"))
    assert {"岳阳第1选区", "永丰第1选区"} <= set(choices(everything, "constituency"))

    narrowed = client.get(reverse("deputies:directory"), {"region": yueyang.pk})
    assert choices(narrowed, "constituency") == ["岳阳第1选区"]
    groups = narrowed.context["form"].fields["group"].queryset
    assert set(groups) == {deputy.group}
    assert "永丰第1选区" not in narrowed.content.decode()


def test_a_constituency_from_another_street_is_dropped_not_an_error(client, deputy, other_deputy, yueyang):
    response = client.get(
        reverse("deputies:directory"), {"region": yueyang.pk, "constituency": other_deputy.constituency_id}
    )
    assert response.status_code == 200
    assert list(response.context["deputies"]) == [deputy]


def test_streets_and_towns_are_in_the_official_order(client, district):
    # Created out of order; the official order is 岳阳、永丰、方松… then 泗泾、佘山…
    for name, code, kind in (
        ("佘山镇", "sheshan", RegionKind.TOWN),
        ("方松街道", "fangsong", RegionKind.STREET),
        ("泗泾镇", "sijing", RegionKind.TOWN),
        ("永丰街道", "yongfeng", RegionKind.STREET),
        ("岳阳街道", "yueyang", RegionKind.STREET),
    ):
        f.RegionFactory(name=name, code=code, kind=kind, parent=district)
    official = ["岳阳街道", "永丰街道", "方松街道", "泗泾镇", "佘山镇"]
    assert [r.name for r in Region.objects.streets_and_towns()] == official
    assert choices(client.get(reverse("deputies:directory")), "region") == official
    assert choices(client.get(reverse("feedback:submit")), "street") == official
