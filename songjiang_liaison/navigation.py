"""The main menu, built from the same rules the pages enforce (`deputies.permissions`).

`PAGES` maps each menu page's URL name to its label and to the predicate its view checks
(None: everyone). A page is listed for a user exactly when the predicate lets them open it;
tests/test_navigation.py checks, for every persona and page, that the menu and the page agree.
The predicates ask no query, so the menu costs none per page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from django.contrib.auth.models import AnonymousUser
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from deputies import permissions as access


class Page(NamedTuple):
    url_name: str
    label: str
    may_open: Callable[[object], bool] | None  # None: everyone, signed in or not
    description: str = ""  # the line under the page's card on the home page


PAGES: tuple[Page, ...] = (
    Page("deputies:directory", _("代表名录"), None, _("按姓名、层级、街镇、选区和代表小组查找代表。")),
    Page(
        "deputies:find_my_deputy",
        _("找代表"),
        None,
        _("按居住的居委会、村委会，查看您所在选区的区、镇人大代表。"),
    ),
    Page(
        "deputies:offices",
        _("联络机构与站点"),
        None,
        _("代表之家、联络站、联系点的地址、开放时间和接待代表。"),
    ),
    Page("calendar:page", _("活动日历"), None, _("近期的接待日、走访和座谈，可以订阅到手机日历。")),
    Page(
        "feedback:submit",
        _("反映意见"),
        None,
        _("在网上向人大代表反映社情民意，提交后凭查询码查询办理进度。"),
    ),
    Page(
        "feedback:track_lookup",
        _("查询办理进度"),
        None,
        _("输入查询码，查看意见的办理进度、答复，并评价办理结果。"),
    ),
    Page(
        "contacts:my_year",
        _("我的履职"),
        access.may_open_my_year,
        _("登记本人的联系活动，查看本年度的履职进度。"),
    ),
    Page(
        "contacts:overview",
        _("代表履职"),
        access.may_view_progress_overview,
        _("辖区代表本年度联系群众的进度和需要关注的代表。"),
    ),
    Page(
        "deputies:accounts", _("代表账户"), access.may_invite_deputies, _("邀请代表开通账户，查看账户状态。")
    ),
    Page(
        "contacts:committee",
        _("联系代表"),
        access.may_record_committee_contacts,
        _("登记常委会组成人员联系代表的情况。"),
    ),
    Page(
        "feedback:queue",
        _("工作队列"),
        access.may_use_opinion_queue,
        _("待处理的社情民意，按期限排序，超期的在前。"),
    ),
    Page(
        "reports:compliance",
        _("履职报表"),
        access.may_view_compliance,
        _("代表年度履职情况统计，可以导出表格。"),
    ),
    Page(
        "reports:handling",
        _("办理统计"),
        access.may_view_handling,
        _("社情民意的转交、答复、反馈和超期情况。"),
    ),
    Page("reports:funds", _("工作经费"), access.may_view_funds, _("代表履职工作经费的安排和使用。")),
    Page("reports:public", _("公开数据"), None, _("代表联系群众的公开统计数据。")),
    Page("feedback:suggestions", _("建议办理"), None, _("代表议案建议及其办理答复。")),
    Page("feedback:archive", _("意见公开"), None, _("经群众同意、审核后公开的意见和答复。")),
    Page("reports:response_times", _("办理时效"), None, _("各联络机构、承办单位按期转交、答复的情况。")),
    Page(
        "feedback:suggestion_work",
        _("议案建议工作"),
        access.may_work_on_suggestions,
        _("起草、提交和跟踪代表议案建议。"),
    ),
    Page("reports:articles", _("履职风采"), None, _("代表履职的工作动态和风采展示。")),
)


def pages_for(user) -> list[Page]:
    """The menu pages this user may open, in menu order."""
    return [page for page in PAGES if page.may_open is None or page.may_open(user)]


# The home page's task cards: what most visitors come for first, then the rest of the menu.
HOME_FIRST = ("feedback:submit", "deputies:find_my_deputy", "feedback:track_lookup")


def home_cards(items: list[dict]) -> list[dict]:
    """The menu as the home page's cards, 反映意见 first."""
    rank = {name: position for position, name in enumerate(HOME_FIRST)}
    return sorted(items, key=lambda item: rank.get(item["name"], len(HOME_FIRST)))


def current_item(items: list[dict], path: str) -> dict | None:
    """The one menu item the page belongs to: the longest menu address the path starts with (so
    /opinions/archive/ is 意见公开, not also 反映意见 at /opinions/). None for the home page."""
    matches = [item for item in items if item["url"] != "/" and path.startswith(item["url"])]
    return max(matches, key=lambda item: len(item["url"]), default=None)


def menu_items(request, user) -> list[dict]:
    """The menu of this user, the page's own item marked active."""
    items = []
    for page in pages_for(user):
        try:
            url = reverse(page.url_name)
        except NoReverseMatch:  # the feature is not installed
            continue
        items.append(
            {
                "name": page.url_name,
                "url": url,
                "label": page.label,
                "description": page.description,
                "active": False,
            }
        )
    current = current_item(items, request.path)
    if current is not None:
        current["active"] = True
    return items


def navigation(request):
    """Context processor: the menu, the user's role and their unread notifications."""
    # A request refused before AuthenticationMiddleware ran (a disallowed Host, a NUL in the path) has
    # no user yet: its error page shows the public menu.
    user = getattr(request, "user", None) or AnonymousUser()
    items = menu_items(request, user)
    unread = 0
    if user.is_authenticated:
        from songjiang_liaison.pagecache import unread_notifications

        unread = unread_notifications(user)  # memoised until a notification is written
    return {"nav_items": items, "user_role": access.role_of(user), "unread_notifications": unread}
