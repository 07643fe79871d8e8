from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts import scoping
from accounts.models import Role

# (url name, label, roles that see it; None = everyone). Later features add their entries here.
NAV_ITEMS = [
    ("deputies:directory", _("代表名录"), None),
    ("deputies:find_my_deputy", _("找代表"), None),
    ("deputies:offices", _("联络机构与站点"), None),
    ("calendar:page", _("活动日历"), None),
    ("feedback:submit", _("反映意见"), None),
    ("feedback:track_lookup", _("查询办理进度"), None),
    ("contacts:my_year", _("我的履职"), {Role.DEPUTY}),
    ("contacts:overview", _("代表履职"), {Role.LIAISON_STAFF, Role.ADMIN}),
    ("deputies:accounts", _("代表账户"), {Role.LIAISON_STAFF, Role.ADMIN}),
    ("contacts:committee", _("联系代表"), {Role.COMMITTEE_MEMBER}),
    ("feedback:queue", _("工作队列"), {Role.DEPUTY, Role.LIAISON_STAFF, Role.UNIT_STAFF, Role.ADMIN}),
    ("reports:compliance", _("履职报表"), {Role.LIAISON_STAFF, Role.COMMITTEE_MEMBER, Role.ADMIN}),
    ("reports:handling", _("办理统计"), {Role.LIAISON_STAFF, Role.ADMIN}),
    ("reports:funds", _("工作经费"), {Role.LIAISON_STAFF, Role.ADMIN}),
    ("reports:public", _("公开数据"), None),
    ("feedback:suggestions", _("建议办理"), None),
    ("feedback:archive", _("意见公开"), None),
    ("reports:response_times", _("办理时效"), None),
    (
        "feedback:suggestion_work",
        _("议案建议工作"),
        {Role.DEPUTY, Role.LIAISON_STAFF, Role.UNIT_STAFF, Role.COMMITTEE_MEMBER, Role.ADMIN},
    ),
    ("reports:articles", _("履职风采"), None),
]


def navigation(request):
    role = scoping.role_of(request.user)
    items = []
    for name, label, roles in NAV_ITEMS:
        if roles is not None and role not in roles:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:  # the feature is not installed yet
            continue
        items.append({"url": url, "label": label, "active": request.path.startswith(url) and url != "/"})
    unread = 0
    if request.user.is_authenticated:
        from songjiang_liaison.pagecache import unread_notifications

        unread = unread_notifications(request.user)  # memoised until a notification is written
    return {"nav_items": items, "user_role": role, "unread_notifications": unread}
