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


PAGES: tuple[Page, ...] = (
    Page("deputies:directory", _("代表名录"), None),
    Page("deputies:find_my_deputy", _("找代表"), None),
    Page("deputies:offices", _("联络机构与站点"), None),
    Page("calendar:page", _("活动日历"), None),
    Page("feedback:submit", _("反映意见"), None),
    Page("feedback:track_lookup", _("查询办理进度"), None),
    Page("contacts:my_year", _("我的履职"), access.may_open_my_year),
    Page("contacts:overview", _("代表履职"), access.may_view_progress_overview),
    Page("deputies:accounts", _("代表账户"), access.may_invite_deputies),
    Page("contacts:committee", _("联系代表"), access.may_record_committee_contacts),
    Page("feedback:queue", _("工作队列"), access.may_use_opinion_queue),
    Page("reports:compliance", _("履职报表"), access.may_view_compliance),
    Page("reports:handling", _("办理统计"), access.may_view_handling),
    Page("reports:funds", _("工作经费"), access.may_view_funds),
    Page("reports:public", _("公开数据"), None),
    Page("feedback:suggestions", _("建议办理"), None),
    Page("feedback:archive", _("意见公开"), None),
    Page("reports:response_times", _("办理时效"), None),
    Page("feedback:suggestion_work", _("议案建议工作"), access.may_work_on_suggestions),
    Page("reports:articles", _("履职风采"), None),
)


def pages_for(user) -> list[Page]:
    """The menu pages this user may open, in menu order."""
    return [page for page in PAGES if page.may_open is None or page.may_open(user)]


def navigation(request):
    """Context processor: the menu, the user's role and their unread notifications."""
    # A request refused before AuthenticationMiddleware ran (a disallowed Host, a NUL in the path) has
    # no user yet: its error page shows the public menu.
    user = getattr(request, "user", None) or AnonymousUser()
    items = []
    for page in pages_for(user):
        try:
            url = reverse(page.url_name)
        except NoReverseMatch:  # the feature is not installed
            continue
        items.append({"url": url, "label": page.label, "active": request.path.startswith(url) and url != "/"})
    unread = 0
    if user.is_authenticated:
        unread = user.notifications.unread().count()
    return {"nav_items": items, "user_role": access.role_of(user), "unread_notifications": unread}
