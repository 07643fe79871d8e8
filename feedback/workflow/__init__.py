"""The opinion workflow (§四, R-OP-2…4): one table of transitions and one entry point.

received ─answer→ answered (the deputy answers directly, §四(一))
received ─verify→ verifying (visits, forums, research, §四(一))
received/verifying ─route→ routed (by level, feedback/routing.py, §四(一) 1–5)
routed ─assign→ assigned (one or more handling units, with a due date)
assigned ─reply→ replied (solved / partly solved / cannot be solved now, §四(二))
replied ─relay→ relayed (the reply reaches the deputy; down to the lower-level deputy, §四(二))
relayed ─feedback→ fed_back (the deputy or the office tells the people, in public words, §四(二))
answered/fed_back ─close→ closed; ─rate→ (the citizen) closed, or back to verifying if dissatisfied
…─reject→ rejected (statutory reason, with a notice) · ─merge→ merged · closed… ─reopen→ verifying

`apply_action` is the only writer of `Opinion.state` after intake: it checks the actor's right,
validates the data, writes the new state with a compare-and-set on the expected state, appends an
`OpinionEvent` in the same transaction, and enqueues notifications after commit.
"""

from .actions import clean_data
from .engine import apply_action, check_invariants, initial_state, record_intake, replay
from .steps import Effect
from .table import (
    ACTIONS,
    INTERNAL_NOTE,
    MAX_NOTE,
    PUBLIC_NOTE,
    STAFF_ACTIONS,
    TRANSITIONS,
    ActionConflict,
    ActionNotAllowed,
    Actor,
    Field,
    Transition,
    WorkflowError,
    actor_for,
    allowed_actions,
    any_of,
    assigned_unit,
    citizen,
    current_body,
    deputy_in_charge,
    fields_for,
    liaison_in_charge,
    may_act,
)

__all__ = [
    "ACTIONS",
    "INTERNAL_NOTE",
    "MAX_NOTE",
    "PUBLIC_NOTE",
    "STAFF_ACTIONS",
    "TRANSITIONS",
    "ActionConflict",
    "ActionNotAllowed",
    "Actor",
    "Effect",
    "Field",
    "Transition",
    "WorkflowError",
    "actor_for",
    "allowed_actions",
    "any_of",
    "apply_action",
    "assigned_unit",
    "check_invariants",
    "citizen",
    "clean_data",
    "current_body",
    "deputy_in_charge",
    "fields_for",
    "initial_state",
    "liaison_in_charge",
    "may_act",
    "record_intake",
    "replay",
]
