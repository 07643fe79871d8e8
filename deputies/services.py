"""Writes to the registry that carry a rule of the regulation."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Committee, CommitteeKind, CommitteeMember, Deputy, Level


def check_fixed_contacts(*, committee: Committee, deputies: Iterable[Deputy]) -> list[Deputy]:
    """R-REG-5, §三(三): each Standing Committee member keeps fixed contact with 3–5 district deputies
    who are serving. Returns the distinct deputies; raises ValidationError with every problem found.

    Members of special and working committees are linked to deputies through their committee's
    fields (R-REG-6), so the 3–5 rule does not apply to them.
    """
    distinct = list({deputy.pk: deputy for deputy in deputies}.values())
    if committee.kind != CommitteeKind.STANDING:
        return distinct
    today = timezone.localdate()
    errors = []
    not_district = [d for d in distinct if d.congress.level != Level.DISTRICT]
    if not_district:
        errors.append(
            ValidationError(
                _("常委会组成人员只能固定联系区人大代表，以下不是区人大代表：%(names)s。"),
                code="not_district",
                params={"names": "、".join(d.person.name for d in not_district)},
            )
        )
    not_serving = [d for d in distinct if not d.is_serving(today)]
    if not_serving:
        errors.append(
            ValidationError(
                _("以下代表不在任，不能作为固定联系代表：%(names)s。"),
                code="not_serving",
                params={"names": "、".join(d.person.name for d in not_serving)},
            )
        )
    count = len(distinct)
    low, high = CommitteeMember.MIN_FIXED_CONTACTS, CommitteeMember.MAX_FIXED_CONTACTS
    if not low <= count <= high:
        errors.append(
            ValidationError(
                _("每位常委会组成人员应固定联系 %(min)d 至 %(max)d 名区人大代表，现选择了 %(count)d 名。"),
                code="fixed_contacts_count",
                params={"min": low, "max": high, "count": count},
            )
        )
    if errors:
        raise ValidationError(errors)
    return distinct


@transaction.atomic
def set_fixed_contacts(*, member: CommitteeMember, deputies: Iterable[Deputy]) -> CommitteeMember:
    """Replace the deputies a Standing Committee member keeps fixed contact with (R-REG-5, §三(三)).
    Nothing is written when the rule is broken."""
    ids = [d.pk if isinstance(d, Deputy) else d for d in deputies]
    chosen = list(Deputy.objects.filter(pk__in=ids).select_related("person", "congress"))
    chosen = check_fixed_contacts(committee=member.committee, deputies=chosen)
    member.fixed_contacts.set(chosen)
    return member
