"""One status per deputy and year, with the same label on every page (issue 17): 已免除, 已达标, and
for the rest 未达标 once the year is over, 进度落后 or 进度正常 while it runs; one legend explains
the last three."""

import datetime
import re

import pytest
from django.urls import reverse

from contacts.quotas import Progress, status_label

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 7, 1)


def progress(*, year=2026, done=(1, 0, 10, 1), exempt=False, compliant=False, behind=False):
    return Progress(1, "艾丽丝", year, done, (2, 1, 20, 2), exempt, "", compliant, behind)


@pytest.mark.parametrize(
    ("kwargs", "label"),
    [
        ({"exempt": True, "compliant": True}, "已免除"),
        ({"compliant": True}, "已达标"),
        ({"year": 2025, "behind": True}, "未达标"),
        ({"year": 2025}, "未达标"),
        ({"behind": True}, "进度落后"),
        ({}, "进度正常"),
    ],
)
def test_each_status_has_one_label(kwargs, label):
    assert status_label(progress(**kwargs), today=TODAY) == label


def _statuses(html: str) -> list[str]:
    return re.findall(r'data-status="(\w+)">([^<]+)<', html)


def test_the_same_deputy_has_the_same_label_on_every_page(login, deputy, street_staff):
    year = datetime.date.today().year
    mine = _statuses(login(deputy.person.user).get(reverse("contacts:my_year")).content.decode())
    home = _statuses(login(deputy.person.user).get("/").content.decode())
    staff = login(street_staff)
    report = staff.get(reverse("reports:compliance"), {"year": year}).content.decode()
    overview = staff.get(reverse("contacts:overview"), {"year": year}).content.decode()
    assert len(mine) == 1
    assert home == mine and _statuses(report) == mine and _statuses(overview) == mine
    for page in (report, overview):
        assert 'data-testid="status-legend"' in page
        assert all(word in page for word in ("未达标", "进度落后", "进度正常"))
