"""Writes of contact activities and the performance record (§三(四)–(八), §五(三)–(五), R-ACT-1…7).

Activities, confirmations, amendments, closed years and exemptions live here; the rest of the record
(reports to voters, research, training, meetings) in `contacts/record_services.py`, re-exported here. Every
function takes the acting user explicitly, checks the actor's rights through `deputies.permissions`
(PermissionDenied when refused) and the input (ValidationError with field errors when invalid).
"""

from __future__ import annotations

from ..record_services import (  # the rest of the record, re-exported
    add_training_session,
    arrange_meeting,
    create_training_plan,
    decline_meeting,
    plan_voter_report,
    record_attendances,
    record_committee_contact,
    record_held_voter_report,
    record_meeting,
    record_research_report,
    record_voter_report,
    request_meeting,
)
from .activities import confirm_activity, log_activity, register_activity_for_group
from .activity_checks import MAX_PHOTOS
from .changes import CHANGEABLE_FIELDS, amend_activity, record_planned_activity, update_activity
from .years import close_year, grant_exemption, revoke_exemption

__all__ = [
    "CHANGEABLE_FIELDS",
    "MAX_PHOTOS",
    "add_training_session",
    "amend_activity",
    "arrange_meeting",
    "close_year",
    "confirm_activity",
    "create_training_plan",
    "decline_meeting",
    "grant_exemption",
    "log_activity",
    "plan_voter_report",
    "record_attendances",
    "record_committee_contact",
    "record_held_voter_report",
    "record_meeting",
    "record_planned_activity",
    "record_research_report",
    "record_voter_report",
    "register_activity_for_group",
    "request_meeting",
    "revoke_exemption",
    "update_activity",
]
