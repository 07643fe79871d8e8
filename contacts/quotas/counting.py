"""What counts toward the quota (§三(三)(五)(六)): which activities are constituency contacts for which
deputy, the boxes a kind decides, and which opinions count as reflected."""

from __future__ import annotations

from django.db.models import F, Q
from django.utils.translation import gettext as _

from ..models import REMOTE_KINDS

# --- What counts as a constituency contact (§三(三)(五)(六)) -----------------------------------------
#
# "进选区联系人民群众": a deputy goes INTO the constituency and meets people there. So:
#
# 1. Kinds that are not face to face (mailbox, e-mail, phone, online) are never constituency contacts,
#    whatever is ticked: the form and the API refuse the contradiction (check_kind_flags), and the
#    database refuses it too (a check constraint on ContactActivity).
# 2. 集中联系选区 is always a constituency contact, and centralized (the kind implies both boxes).
# 3. A constituency contact counts for a deputy only in their own constituency (§三(三) "固定联系原选区
#    选民"), or, for an activity of a deputy group, in the area (street or town) of that group when
#    the deputy takes part in the group: as a member, or, for a district deputy, as a deputy elected in
#    that town joining the town group's activity (§三(五) "区人大代表也可以…参加镇人大代表的小组活动").
# 4. A planned activity never counts until it has been held and recorded.

# Kinds that are not face to face (REMOTE_KINDS, declared with models.ActivityKind, whose check
# constraint uses them) are never constituency contacts. Kinds that imply both boxes:
CENTRALIZED_KINDS = ("centralized",)

# Opinions in these states do not count as reflected: not yet accepted, refused, or a duplicate.
OPINION_STATES_NOT_COUNTED = ("moderation", "rejected", "merged")


def implied_flags(kind: str) -> dict[str, bool] | None:
    """The boxes a kind decides by itself ({"is_constituency_contact": …, "is_centralized": …}), or
    None when the person logging chooses. The form ticks and locks them (static/js/activity-kind.js)."""
    if kind in REMOTE_KINDS:
        return {"is_constituency_contact": False, "is_centralized": False}
    if kind in CENTRALIZED_KINDS:
        return {"is_constituency_contact": True, "is_centralized": True}
    return None


def remote_kind_message() -> str:
    return _(
        "代表信箱、电子邮件、电话和网络联系不是进选区联系，不能勾选“进选区联系”或“集中联系选区”；"
        "如确实到选区与群众见面，请选择走访、座谈等活动方式。"
    )


def normalize_flags(kind: str, is_constituency_contact: bool, is_centralized: bool) -> tuple[bool, bool]:
    """The boxes as stored: 集中联系选区 ticks both; a centralized contact is a constituency contact.
    A contradiction (a remote kind with a box ticked) is NOT resolved here: see check_kind_flags."""
    if kind in CENTRALIZED_KINDS:
        is_centralized = True
    if is_centralized:
        is_constituency_contact = True
    return bool(is_constituency_contact), bool(is_centralized)


def check_kind_flags(kind: str, is_constituency_contact: bool, is_centralized: bool, errors: dict) -> None:
    """Refuse a remote kind (mailbox, e-mail, phone, online) marked as a constituency contact."""
    if kind in REMOTE_KINDS and (is_constituency_contact or is_centralized):
        errors["is_constituency_contact"] = remote_kind_message()


def _group_area(via: str = "") -> Q:
    """The activity belongs to a deputy group and took place in the group's street or town, and the
    participating deputy takes part in that group: a member, or a district deputy elected in the town
    of a town group (§三(五)). ``via`` leads from the queried model to the Participation."""
    return Q(
        **{
            f"{via}activity__group__isnull": False,
            f"{via}activity__constituency__region_id": F(f"{via}activity__group__region_id"),
        }
    ) & (
        Q(**{f"{via}deputy__group_id": F(f"{via}activity__group_id")})
        | Q(
            **{
                f"{via}deputy__congress__level": "district",
                f"{via}activity__group__congress__level": "town",
                f"{via}deputy__constituency__region_id": F(f"{via}activity__group__region_id"),
            }
        )
    )


def counts_for_deputy(via: str = "") -> Q:
    """A participation whose activity counts as a constituency contact FOR THAT DEPUTY (rules 1–4
    above), whatever the year; on Participation (``via=""``) or through a relation to it."""
    return (
        Q(
            **{
                f"{via}activity__is_constituency_contact": True,
                f"{via}activity__planned": False,
            }
        )
        & ~Q(**{f"{via}activity__kind__in": REMOTE_KINDS})
        & (Q(**{f"{via}activity__constituency_id": F(f"{via}deputy__constituency_id")}) | _group_area(via))
    )


def may_join_group_activity(deputy, group) -> bool:
    """§三(五): a deputy takes part in a group's activity as a member, or, for a district deputy, in
    the town group of the town where they were elected."""
    if deputy.group_id == group.pk:
        return True
    return (
        deputy.congress.level == "district"
        and group.congress.level == "town"
        and deputy.constituency_id is not None
        and deputy.constituency.region_id == group.region_id
    )


def check_group_activity(group, constituency, deputies, errors: dict) -> None:
    """A group's activity: in the group's own area (a constituency of the group's congress in its
    street or town), with deputies who may take part in it (:func:`may_join_group_activity`)."""
    if constituency is not None and (
        constituency.congress_id != group.congress_id or constituency.region_id != group.region_id
    ):
        errors["constituency"] = _("代表小组的活动须在该小组所在街道或镇的选区内进行（%(group)s）。") % {
            "group": group.name
        }
    for deputy in deputies:
        if not may_join_group_activity(deputy, group):
            errors["participants"] = _(
                "%(name)s不是%(group)s的成员；区人大代表只能参加其当选所在镇的镇人大代表小组活动（§三(五)）。"
            ) % {"name": deputy.person.name, "group": group.name}
            break
