"""The yearly quota of §三(六) (R-ACT-2): the one place the rule lives.

    代表参加进选区联系人民群众活动，每年一般不少于4次，其中，集中联系选区每年不少于2次，
    联系人民群众不少于40人次，反映社情民意不少于4次。

Measures, for one deputy (one mandate) and one calendar year in Asia/Shanghai:

- ``constituency_contacts``: activities the deputy took part in that are constituency contacts
  (进选区联系), dated within the year (and on or before ``as_of``), and that count for THAT deputy
  (:func:`counts_for_deputy`): held, face to face, in the deputy's own constituency, or, for a deputy
  group's activity, in the area of a group the deputy takes part in under §三(五);
- ``centralized_contacts``: those of them that are centralized (集中联系选区);
- ``people_reached``: the sum of the deputy's own ``Participation.people_met`` in those constituency
  contacts, so a joint activity credits each deputy once with the people that deputy met;
- ``opinions_reflected``: opinions received within the year that were reflected to the deputy
  (``Opinion.intake_deputy``: the deputy named when it was received, whatever routing does later), or
  that the deputy's account recorded without naming a deputy while the mandate was held, except
  opinions still awaiting moderation, rejected, merged into another, or stored as a duplicate of an
  earlier one.

When the congress's ``QuotaPolicy`` for the year says ``count_confirmed_only``, only activities
confirmed by a liaison body count. Without a policy the regulation's numbers apply (4, 2, 40, 4).

Pro-rating: a mandate that starts or ends within the year owes ``ceil(required × months / 12)``, where
``months`` is the number of calendar months of the year in which the deputy held the mandate on at
least one day (a mandate from 15 July owes for July–December: 6 months).

Pace: as of a day D, the deputy is behind pace when for some measure
``done < floor(required × elapsed / length)``, where ``length`` is the number of days of the year the
mandate covers and ``elapsed`` the number of those days up to and including D.

An exemption (``QuotaExemption``, always with a reason) makes the deputy compliant and never behind.

Everything is computed by ONE query for any number of deputies (`annotate_progress`); see
docs/quotas.md and docs/benchmarks.md.

The package: what counts (`counting.py`), the periods (`periods.py`), one deputy's year and its
status (`progress.py`), and the aggregate query (`query.py`); the names are re-exported here.
"""

from __future__ import annotations

from .counting import (
    CENTRALIZED_KINDS,
    OPINION_STATES_NOT_COUNTED,
    REMOTE_KINDS,
    check_group_activity,
    check_kind_flags,
    counts_for_deputy,
    implied_flags,
    may_join_group_activity,
    normalize_flags,
    remote_kind_message,
)
from .periods import (
    FIRST_YEAR,
    SHANGHAI,
    served_period,
    year_bounds,
    year_refused_message,
    year_start_instant,
    years_accepted,
)
from .progress import (
    DEFAULT_REQUIREMENTS,
    MEASURES,
    POLICY_FIELDS,
    STATUS_BEHIND,
    STATUS_EXEMPT,
    STATUS_MET,
    STATUS_NOT_MET,
    STATUS_ON_PACE,
    Measure,
    Progress,
    status_label,
    status_labels,
    status_of,
)
from .query import (
    PROGRESS_FIELDS,
    annotate_progress,
    counted_opinions,
    counted_participations,
    deputies_serving_in_year,
    progress_for_deputy,
    progress_for_deputy_years,
    progress_for_year,
    progress_from_row,
)

__all__ = [
    "CENTRALIZED_KINDS",
    "DEFAULT_REQUIREMENTS",
    "FIRST_YEAR",
    "MEASURES",
    "OPINION_STATES_NOT_COUNTED",
    "POLICY_FIELDS",
    "PROGRESS_FIELDS",
    "REMOTE_KINDS",
    "SHANGHAI",
    "STATUS_BEHIND",
    "STATUS_EXEMPT",
    "STATUS_MET",
    "STATUS_NOT_MET",
    "STATUS_ON_PACE",
    "Measure",
    "Progress",
    "annotate_progress",
    "check_group_activity",
    "check_kind_flags",
    "counted_opinions",
    "counted_participations",
    "counts_for_deputy",
    "deputies_serving_in_year",
    "implied_flags",
    "may_join_group_activity",
    "normalize_flags",
    "progress_for_deputy",
    "progress_for_deputy_years",
    "progress_for_year",
    "progress_from_row",
    "remote_kind_message",
    "served_period",
    "status_label",
    "status_labels",
    "status_of",
    "year_bounds",
    "year_refused_message",
    "year_start_instant",
    "years_accepted",
]
