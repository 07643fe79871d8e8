"""Who handles an opinion, and who sees it: the query and the predicates side by side (R-OP-2…4, §五(二)).

- The deputy it is addressed to, and the lower-level deputy who passed it up (`deputy_in_charge`).
- Staff of the liaison body it is routed to, and a street or town body for its own area
  (`liaison_in_charge`); the body it is now with acts on it (`current_body`).
- A handling unit: what is assigned to it (`assigned_unit` while its reply is open).
- Administrators and the district-wide bodies: everything.
- The public: nothing here; the citizen follows an opinion with its tracking code.

`opinions_visible_to` (SQL, for lists and 404s) and `sees_opinion` (Python, for one opinion in hand)
state the same rule; tests/feedback/test_permissions_agree.py checks that they always agree. Who sees
the submitter's contact details (`may_see_contact`, PIPL) is the narrower rule next to them.
Roles and jurisdiction themselves come from `deputies.permissions`; this module imports no workflow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Role
from deputies import permissions as access

from .models import Assignment, Opinion

# --- Who is acting ----------------------------------------------------------------------------------


@dataclass
class Actor:
    """What the predicates need to know about a user, computed once per call."""

    user: Any
    deputy_ids: frozenset[int] = frozenset()
    org_id: int | None = None
    role: str = Role.PUBLIC
    is_admin: bool = False
    district_wide: bool = False
    region_ids: frozenset[int] = frozenset()
    _assigned: dict[int, bool] = field(default_factory=dict)

    @property
    def is_public(self) -> bool:
        return self.user is None or not self.user.is_authenticated

    @property
    def is_liaison(self) -> bool:
        return self.role == Role.LIAISON_STAFF and self.org_id is not None

    @property
    def is_unit(self) -> bool:
        return self.role == Role.UNIT_STAFF and self.org_id is not None

    def has_open_assignment(self, opinion: Opinion) -> bool:
        if not self.is_unit:
            return False
        if opinion.pk not in self._assigned:
            self._assigned[opinion.pk] = opinion.assignments.filter(
                organization_id=self.org_id, replied_at__isnull=True
            ).exists()
        return self._assigned[opinion.pk]

    def is_assigned(self, opinion: Opinion) -> bool:
        """Assigned to the actor's unit at any time (replied or not)."""
        return self.is_unit and opinion.assignments.filter(organization_id=self.org_id).exists()


def actor_for(user) -> Actor:
    if isinstance(user, Actor):
        return user
    if access.is_anonymous(user):
        return Actor(user=None)
    region_ids = access.jurisdiction_region_ids(user)
    return Actor(
        user=user,
        deputy_ids=frozenset(access.own_deputy_ids(user)),
        org_id=user.organization_id if access.staff_organization(user) is not None else None,
        role=access.role_of(user),
        is_admin=access.is_admin(user),
        district_wide=access.is_district_wide(user),
        region_ids=region_ids,
    )


# --- The predicates (the workflow table's "who" column) ---------------------------------------------


def deputy_in_charge(actor: Actor, opinion: Opinion) -> bool:
    """The deputy it is addressed to, or the lower-level deputy who passed it up."""
    return bool(actor.deputy_ids) and (
        opinion.deputy_id in actor.deputy_ids or opinion.origin_deputy_id in actor.deputy_ids
    )


def liaison_in_charge(actor: Actor, opinion: Opinion) -> bool:
    """Administrators; staff of the body it is routed to; a street/town body for its own area."""
    if actor.is_admin:
        return True
    if not actor.is_liaison:
        return False
    return opinion.organization_id == actor.org_id or opinion.region_id in actor.region_ids


def current_body(actor: Actor, opinion: Opinion) -> bool:
    """Administrators, or staff of the body the opinion is now with."""
    return actor.is_admin or (actor.is_liaison and opinion.organization_id == actor.org_id)


def assigned_unit(actor: Actor, opinion: Opinion) -> bool:
    return actor.has_open_assignment(opinion)


def citizen(actor: Actor, opinion: Opinion) -> bool:
    """The citizen, who holds the tracking code (checked by the caller)."""
    return actor.is_public


def any_of(*predicates: Callable[[Actor, Opinion], bool]) -> Callable[[Actor, Opinion], bool]:
    def check(actor: Actor, opinion: Opinion) -> bool:
        return any(predicate(actor, opinion) for predicate in predicates)

    check.__name__ = " | ".join(p.__name__ for p in predicates)
    return check


# --- Who sees an opinion: the query and its predicate ---------------------------------------------------


def opinions_visible_to(user) -> QuerySet[Opinion]:
    """Deputies: their own (also what they passed up); a street/town body: its area and what is
    routed to it; a handling unit: what is assigned to it; administrators and district-wide bodies:
    everything. The public: nothing (they use the tracking code)."""
    opinions = Opinion.objects.all()
    if access.is_anonymous(user):
        return opinions.none()
    if access.is_district_wide(user):
        return opinions
    condition = Q(pk__in=[])
    deputy_ids = access.own_deputy_ids(user)
    if deputy_ids:
        condition |= Q(deputy_id__in=deputy_ids) | Q(origin_deputy_id__in=deputy_ids)
    org = access.staff_organization(user)
    if org is not None and user.role == Role.LIAISON_STAFF:
        condition |= Q(organization_id=org.pk) | Q(region__in=access.regions_in_jurisdiction(user))
    if org is not None and user.role == Role.UNIT_STAFF:
        condition |= Exists(Assignment.objects.filter(opinion=OuterRef("pk"), organization_id=org.pk))
    return opinions.filter(condition)


def sees_opinion(user_or_actor, opinion: Opinion) -> bool:
    """The same rule as `opinions_visible_to`, for one opinion in hand."""
    actor = actor_for(user_or_actor)
    if actor.is_public:
        return False
    if actor.district_wide:
        return True
    return deputy_in_charge(actor, opinion) or liaison_in_charge(actor, opinion) or actor.is_assigned(opinion)


def may_see_contact(user, opinion: Opinion) -> bool:
    """The submitter's name, phone and address: only the deputy it is assigned to and the staff
    handling it (the body it is with, the street or town body of the place, and the handling units
    while the submitter agreed). Never once the details are anonymized."""
    if access.is_anonymous(user) or opinion.anonymized_at is not None:
        return False
    actor = actor_for(user)
    if deputy_in_charge(actor, opinion):
        return True
    if actor.is_liaison and liaison_in_charge(actor, opinion):
        return True
    if opinion.consent and actor.org_id is not None:
        return opinion.assignments.filter(organization_id=actor.org_id).exists()
    return False
