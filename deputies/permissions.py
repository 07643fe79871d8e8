"""Who may see and change what: the one place for roles and jurisdiction (§五(二)).

- Administrators and the district-wide liaison bodies (personnel and deputy work office, letters and
  visits section, Standing Committee office) see the whole district.
- A street working committee serves the district deputies elected in its street.
- A town office serves the district and town deputies elected in its town.
- A deputy sees their own mandates; a Standing Committee member their fixed-contact deputies.
- Handling-unit staff see no deputy records, only what is assigned to their organization.
- The public (anonymous) sees public fields only; that is enforced by the serializers and templates,
  which never render non-public fields for them.

Every view, API endpoint, admin page, task, report and the menu (`songjiang_liaison.navigation`)
calls these functions instead of re-deriving the rules. Two kinds live here:

- querysets: which deputies, people, organizations and regions a user reaches (jurisdiction);
- predicates: which role may open which page or act (`may_*`), cheap (no query) so the menu can
  ask them on every page.

The registry sits on top of `accounts` (users and roles): this module imports `accounts.models`,
never the reverse (docs/architecture.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Role, User

if TYPE_CHECKING:
    from deputies.models import Organization, Region


def is_anonymous(user) -> bool:
    return user is None or not user.is_authenticated


def is_admin(user) -> bool:
    return not is_anonymous(user) and (user.is_superuser or user.role == Role.ADMIN)


def staff_organization(user) -> Organization | None:
    """The liaison body or handling unit a staff user belongs to (None for others), read with its
    street or town in one query, once per user object (a request's user)."""
    if is_anonymous(user) or user.role not in (Role.LIAISON_STAFF, Role.UNIT_STAFF):
        return None
    if user.organization_id is not None and not User.organization.is_cached(user):
        from deputies.models import Organization

        user.organization = Organization.objects.select_related("region").get(pk=user.organization_id)
    return user.organization


def is_district_wide(user) -> bool:
    """Administrators and staff of the district-wide liaison bodies."""
    if is_admin(user):
        return True
    org = staff_organization(user)
    return org is not None and user.role == Role.LIAISON_STAFF and org.is_district_wide


def jurisdiction_region(user) -> Region | None:
    """The street or town a street/town liaison body covers; None for district-wide or no jurisdiction."""
    org = staff_organization(user)
    if org is None or user.role != Role.LIAISON_STAFF or org.is_district_wide:
        return None
    return org.region


def regions_in_jurisdiction(user) -> QuerySet:
    from deputies.models import Region

    if is_district_wide(user):
        return Region.objects.all()
    region = jurisdiction_region(user)
    if region is None:
        return Region.objects.none()
    return Region.objects.within(region)


def jurisdiction_region_ids(user) -> frozenset[int]:
    """The ids of `regions_in_jurisdiction` of a street or town body's staff (empty for others), read
    once per user object (a request's user: actors are built from it more than once a page)."""
    if jurisdiction_region(user) is None:
        return frozenset()
    found = getattr(user, "_jurisdiction_region_ids", None)
    if found is None:
        found = frozenset(regions_in_jurisdiction(user).values_list("id", flat=True))
        user._jurisdiction_region_ids = found
    return found


def own_deputy_ids(user) -> list[int]:
    """The ids of the caller's own mandates (a person may hold a district and a town mandate)."""
    from deputies.models import Deputy

    if is_anonymous(user):
        return []
    # Asked on most signed-in pages, often twice (the page's rows and a form's choices): read once per
    # user object, i.e. once per request (like a foreign key read through the user).
    found = getattr(user, "_own_deputy_ids", None)
    if found is None:
        found = list(Deputy.objects.filter(person__user=user).values_list("id", flat=True))
        user._own_deputy_ids = found
    return list(found)


def deputies_in_jurisdiction(user) -> QuerySet:
    """Deputies whose non-public records (activities, progress, notes) this user may see."""
    from deputies.models import Deputy, Level, OrganizationKind

    deputies = Deputy.objects.all()
    if is_anonymous(user):
        return deputies.none()
    if is_district_wide(user):
        return deputies
    if user.role == Role.LIAISON_STAFF and user.organization_id:
        org = staff_organization(user)
        in_region = Q(constituency__region_id=org.region_id) | Q(group__region_id=org.region_id)
        if org.kind == OrganizationKind.STREET_COMMITTEE:
            return deputies.filter(in_region, congress__level=Level.DISTRICT)
        if org.kind == OrganizationKind.TOWN_OFFICE:
            return deputies.filter(in_region)
        return deputies.none()
    if user.role == Role.COMMITTEE_MEMBER:
        return deputies.filter(Q(person__user=user) | Q(committee_contacts__person__user=user)).distinct()
    return deputies.filter(person__user=user)


def persons_manageable(user) -> QuerySet:
    """People whose registry record (name, gender, photo) this user may change.

    Administrators: everyone. Liaison staff: the people holding a mandate in their jurisdiction, and a
    person with no mandate and no Standing Committee seat whom their own organization entered (the
    record's first history row names who created it), so a new deputy can be entered before the
    mandate is added. Anyone else without a mandate (Standing Committee members, people entered by the
    administrators or an import) belongs to the administrators. Nobody else manages people.
    """
    from deputies.models import CommitteeMember, Deputy, Person

    if is_admin(user):
        return Person.objects.all()
    org = staff_organization(user)
    if org is None or user.role != Role.LIAISON_STAFF:
        return Person.objects.none()
    has_mandate_here = Exists(deputies_in_jurisdiction(user).filter(person_id=OuterRef("pk")))
    has_mandate = Exists(Deputy.objects.filter(person_id=OuterRef("pk")))
    has_seat = Exists(CommitteeMember.objects.filter(person_id=OuterRef("pk")))
    entered_here = Exists(
        Person.history.filter(id=OuterRef("pk"), history_type="+", history_user__organization=org)
    )
    return Person.objects.filter(has_mandate_here | (~has_mandate & ~has_seat & entered_here))


def organizations_manageable(user) -> QuerySet:
    """Organizations whose public details and staff this user may edit."""
    from deputies.models import Organization

    if is_admin(user):
        return Organization.objects.all()
    org = staff_organization(user)
    if org is None:
        return Organization.objects.none()
    return Organization.objects.filter(pk=org.pk)


def can_manage_region(user, region: Region) -> bool:
    """May change registry records (venues, groups, constituencies) located in this region."""
    if is_admin(user):
        return True
    return regions_in_jurisdiction(user).filter(pk=region.pk).exists()


def role_of(user) -> str:
    if is_anonymous(user):
        return Role.PUBLIC
    if user.is_superuser:
        return Role.ADMIN
    return user.role


def is_liaison_staff(user) -> bool:
    """Staff of a liaison body (street committee, town office or a district-wide body)."""
    return not is_anonymous(user) and user.role == Role.LIAISON_STAFF and user.organization_id is not None


def is_unit_staff(user) -> bool:
    """Staff of a handling unit."""
    return not is_anonymous(user) and user.role == Role.UNIT_STAFF and user.organization_id is not None


def is_committee_member(user) -> bool:
    return not is_anonymous(user) and user.role == Role.COMMITTEE_MEMBER


def is_deputy(user) -> bool:
    """Signed in with the deputy role (the mandates themselves are `own_deputy_ids`)."""
    return not is_anonymous(user) and user.role == Role.DEPUTY


def is_staff(user) -> bool:
    """Liaison staff and administrators: they register, confirm, amend, invite and grant exemptions."""
    return is_admin(user) or is_liaison_staff(user)


# --- Pages and actions by role (no query: the menu asks these on every page) -------------------------

# Who records opinions taken in by other channels (R-OP-1), on the website and through the API alike;
# handling units and committee members work on opinions but do not take them in.
OPINION_RECORDING_ROLES = frozenset({Role.DEPUTY, Role.LIAISON_STAFF, Role.ADMIN})
# Who has an opinion work queue: a deputy's inbox, a liaison body's or a handling unit's queue.
OPINION_QUEUE_ROLES = frozenset({Role.DEPUTY, Role.LIAISON_STAFF, Role.UNIT_STAFF, Role.ADMIN})


def may_open_my_year(user) -> bool:
    """A deputy's own year of activities (§三(六))."""
    return is_deputy(user)


def may_view_progress_overview(user) -> bool:
    """The year's progress of the deputies in one's jurisdiction: staff, and Standing Committee
    members for their fixed-contact deputies (§三(三))."""
    return is_staff(user) or is_committee_member(user)


def may_record_committee_contacts(user) -> bool:
    """A Standing Committee member's contacts with their fixed-contact deputies (§三(三))."""
    return is_committee_member(user)


def may_view_member_report(user) -> bool:
    """The report of every member's contacts: district-wide bodies and members themselves."""
    return is_district_wide(user) or is_committee_member(user)


def may_moderate_voter_questions(user) -> bool:
    """Voters' views and questions (§二(五)) are checked by the liaison body before they show in public
    (for the deputies in its jurisdiction: `deputies_in_jurisdiction`)."""
    return is_staff(user)


def may_answer_voter_questions(user) -> bool:
    """A deputy answers the views and questions addressed to their own mandates (`own_deputy_ids`)."""
    return is_deputy(user)


def may_open_voter_questions(user) -> bool:
    """The work page of voters' views and questions: moderators and deputies."""
    return may_moderate_voter_questions(user) or may_answer_voter_questions(user)


def may_invite_deputies(user) -> bool:
    """The deputies' accounts page: invitations to log in (liaison staff for their jurisdiction)."""
    return is_staff(user)


def may_record_opinions(user) -> bool:
    """Whether a signed-in user may record opinions in their own name (R-OP-1)."""
    return not is_anonymous(user) and role_of(user) in OPINION_RECORDING_ROLES


def may_use_opinion_queue(user) -> bool:
    return not is_anonymous(user) and role_of(user) in OPINION_QUEUE_ROLES


def may_view_compliance(user) -> bool:
    """Administrators, liaison staff and Standing Committee members see the compliance report."""
    return is_admin(user) or is_liaison_staff(user) or is_committee_member(user)


def may_view_handling(user) -> bool:
    """Administrators, liaison staff, committee members and handling-unit staff (their own work)."""
    return may_view_compliance(user) or is_unit_staff(user)


def may_view_funds(user) -> bool:
    """Work funds: district-wide users see every liaison body's, a liaison body its own."""
    return is_staff(user)


def may_write_articles(user) -> bool:
    return is_staff(user)


def may_work_on_suggestions(user) -> bool:
    """The suggestions work list: every signed-in user (what it lists is `visible_to`)."""
    return not is_anonymous(user)


def user_can_act_for(user: User, organization: Organization | None) -> bool:
    """Staff act for their own organization; administrators for any."""
    if organization is None:
        return False
    return is_admin(user) or (
        staff_organization(user) is not None and user.organization_id == organization.pk
    )
