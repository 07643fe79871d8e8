"""The home page and the menu (issue 17): one menu item is current at a time, the login link says
登录, there is a favicon, the home page's task cards each have a line of description with 反映意见
first, and a signed-in user sees their dashboard instead of the public front page."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def current_items(response) -> list[str]:
    return [item["label"] for item in response.context["nav_items"] if item["active"]]


@pytest.mark.parametrize(
    ("url_name", "label"),
    [
        ("feedback:archive", "意见公开"),
        ("feedback:submit", "反映意见"),
        ("feedback:suggestions", "建议办理"),
        ("reports:response_times", "办理时效"),
        ("deputies:directory", "代表名录"),
    ],
)
def test_exactly_one_menu_item_is_current(client, url_name, label):
    response = client.get(reverse(url_name))
    assert [str(x) for x in current_items(response)] == [label]
    assert response.content.decode().count('aria-current="page"') == 1


def test_the_home_page_has_no_current_menu_item(client):
    assert current_items(client.get("/")) == []


def test_the_login_link_says_login_and_the_page_names_its_icon(client):
    html = client.get("/").content.decode()
    assert "工作人员登录" not in html
    assert re.search(r'<a class="portal-tool" href="/accounts/login/[^"]*">登录</a>', html)
    assert re.search(r'<link rel="icon" href="[^"]*favicon\.svg"', html)
    icon = client.get("/favicon.ico")
    assert icon.status_code == 301 and icon["Location"].endswith("favicon.svg")


def test_every_home_card_has_a_description_and_the_first_is_reflecting_an_opinion(client):
    html = client.get("/").content.decode()
    cards = re.findall(
        r'data-testid="home-card">\s*<span class="home-tile-title">([^<]+)</span>\s*'
        r'<span[^>]*data-testid="home-card-description">([^<]*)</span>',
        html,
    )
    assert len(cards) >= 6
    assert cards[0][0] == "反映意见"
    assert all(description.strip() for _title, description in cards)


def test_a_signed_in_deputy_sees_the_dashboard_not_the_public_front_page(client, deputy):
    client.force_login(deputy.person.user)
    html = client.get("/").content.decode()
    assert 'data-dashboard="deputy"' in html
    assert "怎样联系代表" not in html and 'id="home-q"' not in html
    assert 'data-testid="home-card"' in html
    client.logout()
    public = client.get("/").content.decode()
    assert "怎样联系代表" in public and "data-dashboard" not in public
