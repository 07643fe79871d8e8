"""Who sees and does what with a suggestion: the query (`visible_to`) and the predicates of the
workflow table side by side, so they cannot drift apart.

- The proposing deputy: their drafts and suggestions; invited co-signers see the draft they are asked
  to join. Drafts are private: nobody else sees them, administrators included (outside the admin).
- The office that registers and assigns (the personnel and deputy work office for the district
  congress, the town office for a town congress): the submitted suggestions it registers.
  District-wide bodies (personnel office, Standing Committee office, letters section) and
  administrators: every submitted suggestion.
- Handling-unit staff: the suggestions their unit leads or co-handles, nothing else.
- A supervising leader: the key suggestions they supervise.
- The public: the published ones (`Suggestion.objects.published()`), through the public pages and API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import Role
from deputies import permissions as access
from deputies.models import OrganizationKind

from .models import Suggestion, SuggestionCoSigner, SuggestionState


@dataclass
class SuggestionActor:
    """What the predicates need to know about a user, computed once per request."""

    user: Any
    deputy_ids: frozenset[int] = frozenset()
    org_id: int | None = None
    org_kind: str = ""
    role: str = Role.PUBLIC
    is_admin: bool = False
    district_wide: bool = False
    _pending: dict[int, bool] = field(default_factory=dict)

    @property
    def is_unit(self) -> bool:
        return self.role == Role.UNIT_STAFF and self.org_id is not None

    @property
    def is_liaison(self) -> bool:
        return self.role == Role.LIAISON_STAFF and self.org_id is not None

    def is_pending_co_signer(self, suggestion: Suggestion) -> bool:
        if not self.deputy_ids:
            return False
        if suggestion.pk not in self._pending:
            self._pending[suggestion.pk] = SuggestionCoSigner.objects.filter(
                suggestion_id=suggestion.pk, deputy_id__in=self.deputy_ids, confirmed_at__isnull=True
            ).exists()
        return self._pending[suggestion.pk]


def actor_for(user) -> SuggestionActor:
    if isinstance(user, SuggestionActor):
        return user
    if access.is_anonymous(user):
        return SuggestionActor(user=None)
    org = access.staff_organization(user)
    return SuggestionActor(
        user=user,
        deputy_ids=frozenset(access.own_deputy_ids(user)),
        org_id=org.pk if org is not None else None,
        org_kind=org.kind if org is not None else "",
        role=access.role_of(user),
        is_admin=access.is_admin(user),
        district_wide=access.is_district_wide(user),
    )


# --- The query ------------------------------------------------------------------------------------


def visible_to(user) -> QuerySet[Suggestion]:
    """The suggestions `user` may open in the working pages and API (404 for the others)."""
    actor = actor_for(user)
    suggestions = Suggestion.objects.all()
    if actor.user is None:
        return suggestions.published()
    condition = Q(pk__in=[])
    if actor.deputy_ids:
        condition |= Q(deputy_id__in=actor.deputy_ids)
        condition |= Q(co_signers__deputy_id__in=actor.deputy_ids)
    submitted = ~Q(state=SuggestionState.DRAFT)
    if actor.is_admin or actor.district_wide:
        condition |= submitted
    elif actor.is_liaison:
        condition |= submitted & Q(office_id=actor.org_id)
    elif actor.is_unit:
        condition |= submitted & Q(handling_units=actor.org_id)
    condition |= submitted & Q(supervisor=actor.user)
    return suggestions.filter(condition).distinct()


# --- The predicates (the workflow table's "who") -------------------------------------------------------


def proposer(actor: SuggestionActor, suggestion: Suggestion) -> bool:
    return suggestion.deputy_id in actor.deputy_ids


def pending_co_signer(actor: SuggestionActor, suggestion: Suggestion) -> bool:
    return actor.is_pending_co_signer(suggestion)


def registering_office(actor: SuggestionActor, suggestion: Suggestion) -> bool:
    """Administrators, or staff of the office that registers and assigns it."""
    return actor.is_admin or (actor.is_liaison and suggestion.office_id == actor.org_id)


def lead_unit(actor: SuggestionActor, suggestion: Suggestion) -> bool:
    return actor.is_unit and suggestion.lead_unit_id == actor.org_id


def handling_unit(actor: SuggestionActor, suggestion: Suggestion) -> bool:
    """The lead unit or one of the co-units."""
    if not actor.is_unit:
        return False
    return lead_unit(actor, suggestion) or any(u.pk == actor.org_id for u in suggestion.handling_units.all())


def co_unit(actor: SuggestionActor, suggestion: Suggestion) -> bool:
    return handling_unit(actor, suggestion) and not lead_unit(actor, suggestion)


def standing_office(actor: SuggestionActor, suggestion: Suggestion) -> bool:
    """Administrators and the Standing Committee office, which marks key suggestions (重点督办)."""
    return actor.is_admin or (actor.is_liaison and actor.org_kind == OrganizationKind.STANDING_OFFICE)


def may_draft(user) -> bool:
    """Deputies draft suggestions (for one of their own serving mandates)."""
    return bool(actor_for(user).deputy_ids)
