"""How the report pages and dashboards read: "no data" rather than 0 for rates of nothing, a styled
400 page that names the years accepted, names and dates that read right in both languages."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from feedback.models import Assignment, OpinionState, Rating
from reports import services
from tests import factories as f
from tests.feedback.factories import OpinionFactory

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 6, 30, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def figure(content: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">(.*?)</div>\s*</div>', content, re.S)
    assert match, f"no {name} figure on the page"
    return match.group(1)


def step_row(content: str, key: str) -> str:
    match = re.search(rf'<tr data-step="{key}">(.*?)</tr>', content, re.S)
    assert match, f"no {key} row on the page"
    return match.group(1)


# --- Rates of nothing are "no data", not 0 ----------------------------------------------------------


def test_the_public_page_of_a_year_without_opinions_shows_no_data_instead_of_zero_rates(citizen, district):
    content = citizen.get("/reports/public/", {"year": 2024}).content.decode()

    assert "暂无数据" in figure(content, "satisfaction")
    assert "0.0%" not in content
    for step in ("route", "reply", "feedback"):
        row = step_row(content, step)
        assert "—" in row and "0.0" not in row
    assert "“—”表示暂无数据" in content


def test_the_handling_report_of_a_year_without_opinions_shows_no_data_instead_of_zero_rates(
    login, admin_user
):
    content = login(admin_user).get("/reports/handling/", {"year": 2024}).content.decode()

    assert "暂无数据" in figure(content, "satisfaction")
    assert "0.0%" not in content
    assert "0.0" not in step_row(content, "reply")


def test_a_rate_with_data_is_still_shown_as_a_number(citizen, yueyang_community, deputy):
    OpinionFactory(
        region=yueyang_community, deputy=deputy, state=OpinionState.CLOSED, rating=Rating.SATISFIED
    )

    content = citizen.get("/reports/public/", {"year": 2026}).content.decode()

    assert "100.0%" in figure(content, "satisfaction")
    assert "暂无数据" not in figure(content, "satisfaction")


def test_the_compliance_report_without_deputies_has_no_compliance_rate(login, admin_user, district):
    content = login(admin_user).get("/reports/compliance/", {"year": 2024}).content.decode()

    assert "暂无数据" in content
    assert "0.0%" not in content


def test_the_admin_dashboard_without_deputies_has_no_compliance_rate(login, admin_user, district):
    content = login(admin_user).get("/").content.decode()

    match = re.search(
        r'data-stat="compliant"><span class="dash-stat-value">(.*?)</span></span>', content, re.S
    )
    assert match and "—" in match.group(1) and "%" not in match.group(1)


def test_the_handling_api_keeps_its_numbers_for_a_year_without_opinions(login, admin_user):
    data = login(admin_user).get("/reports/handling/", {"year": 2024, "format": "json"}).json()

    assert data["satisfaction_rate"] == 0.0
    assert data["steps"]["reply"]["done"] == 0


# --- A bad year gets a styled 400 page that names the years accepted --------------------------------

YEAR_PAGES = [
    ("/reports/public/", None),
    ("/reports/compliance/", "admin_user"),
    ("/reports/handling/", "admin_user"),
    ("/reports/funds/", "street_staff"),
]


@pytest.mark.parametrize("year", ["abc", "1800", "2028"])
@pytest.mark.parametrize(("url", "persona"), YEAR_PAGES)
def test_a_year_out_of_range_gets_a_page_naming_the_years_accepted(
    request, client, login, url, persona, year
):
    if persona:
        client = login(request.getfixturevalue(persona))

    response = client.get(url, {"year": year})

    assert response.status_code == 400
    content = response.content.decode()
    assert '<html lang="zh-CN">' in content
    assert "年度应为2000年至2027年之间的年份。" in content
    assert "四位数字" not in content
    assert f'href="{url}"' in content  # back to the current year


def test_the_bad_year_page_speaks_english_to_an_english_visitor(client):
    response = in_english(client).get("/reports/public/", {"year": "1800"})

    assert response.status_code == 400
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "2000" in content and "2027" in content
    assert "Back to the home page" in content


def test_a_bad_year_in_a_background_export_request_gets_the_styled_page(login, admin_user):
    response = login(admin_user).post("/reports/exports/", {"year": "abc", "format": "csv"})

    assert response.status_code == 400
    content = response.content.decode()
    assert "年度应为2000年至2027年之间的年份。" in content
    assert 'href="/reports/compliance/"' in content


# --- Dashboards and articles ------------------------------------------------------------------------


def test_the_english_deputy_dashboard_names_the_congress_with_a_space(login, deputy_user, deputy):
    content = in_english(login(deputy_user)).get("/").content.decode()

    assert "Deputy to the 松江区第六届人民代表大会" in content
    assert "人民代表大会Deputy" not in content


def test_the_chinese_deputy_dashboard_names_the_congress_as_before(login, deputy_user, deputy):
    assert "松江区第六届人民代表大会代表" in login(deputy_user).get("/").content.decode()


@pytest.fixture
def overdue_for_unit(deputy, yueyang_community, handling_unit):
    now = timezone.now()
    opinion = OpinionFactory(
        deputy=deputy,
        region=yueyang_community,
        state=OpinionState.ASSIGNED,
        due_at=now - datetime.timedelta(days=5),
        category="交通出行",
    )
    Assignment.objects.create(
        opinion=opinion,
        organization=handling_unit,
        assigned_at=now - datetime.timedelta(days=20),
        due_at=now - datetime.timedelta(days=5),
    )
    return opinion


def test_the_english_unit_dashboard_shows_the_category_and_deadline_in_english(
    login, handling_unit_staff, overdue_for_unit
):
    content = in_english(login(handling_unit_staff)).get("/").content.decode()

    assert "Transport · 人乐居委会" in content
    assert "交通出行" not in content
    assert "2026-06-25" in content  # ISO in English (design.md)


def test_the_chinese_unit_dashboard_shows_the_category_and_a_chinese_date(
    login, handling_unit_staff, overdue_for_unit
):
    content = login(handling_unit_staff).get("/").content.decode()

    assert "交通出行 · 人乐居委会" in content
    assert "2026年6月25日" in content


@pytest.fixture
def article(street_staff, deputy, district_congress, yueyang_constituency):
    zhao = f.DeputyFactory(
        person=f.PersonFactory(name="赵伟民"), congress=district_congress, constituency=yueyang_constituency
    )
    article = services.save_article(
        actor=street_staff, title="夜间接待", body="正文", deputies=[deputy, zhao]
    )
    return services.publish_article(actor=street_staff, article=article)


def test_the_english_article_lists_deputies_with_english_brackets_and_commas(client, article, deputy):
    content = in_english(client).get(f"/reports/articles/{article.pk}/").content.decode()

    assert f"{deputy.person.name} (District)" in content
    assert "赵伟民 (District)" in content
    assert "(District), " in content
    assert "（District）" not in content and "、" not in content
    assert "Published: 2026-06-30" in content


def test_the_chinese_article_lists_deputies_with_chinese_brackets_and_separators(client, article, deputy):
    content = client.get(f"/reports/articles/{article.pk}/").content.decode()

    assert f"{deputy.person.name}（区级）" in content
    assert "赵伟民（区级）" in content
    assert "（区级）、" in content
    assert "发布时间：2026年6月30日" in content
