"""One deputy's year of the quota (§三(六)): the measures, what is done and required, what is still
missing, and the one status label every page shows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

# The regulation's numbers, used when no QuotaPolicy exists for a congress and year (§三(六)).
DEFAULT_REQUIREMENTS = {
    "constituency_contacts": 4,
    "centralized_contacts": 2,
    "people_reached": 40,
    "opinions_reflected": 4,
}
POLICY_FIELDS = {
    "constituency_contacts": "min_constituency_contacts",
    "centralized_contacts": "min_centralized_contacts",
    "people_reached": "min_people_reached",
    "opinions_reflected": "min_opinions",
}
MEASURES = tuple(DEFAULT_REQUIREMENTS)
# Opinions in these states do not count as reflected: not yet accepted, refused, or a duplicate.


@dataclass(frozen=True, slots=True)
class Measure:
    """One measure of one deputy's year: what is done and what is required (after pro-rating)."""

    done: int
    required: int

    @property
    def missing(self) -> int:
        return max(self.required - self.done, 0)

    @property
    def met(self) -> bool:
        return self.done >= self.required

    def as_dict(self) -> dict:
        return {"done": self.done, "required": self.required}


def _measure_at(index: int) -> property:
    """A property of Progress that reads one measure, by its place in MEASURES, as a Measure."""
    return property(lambda progress: Measure(progress.done[index], progress.required[index]))


@dataclass(frozen=True, slots=True)
class Progress:
    """One deputy's year. The four measures are kept as two tuples of integers in the order of
    ``MEASURES`` and read as :class:`Measure` (``progress.people_reached.missing``): a district report
    holds 10,000 of these, and Python's garbage collector does not track tuples of integers."""

    deputy_id: int
    name: str
    year: int
    done: tuple[int, int, int, int]
    required: tuple[int, int, int, int]
    exempt: bool
    exemption_reason: str
    compliant: bool
    behind_pace: bool
    months_served: int = 12

    constituency_contacts = _measure_at(0)
    centralized_contacts = _measure_at(1)
    people_reached = _measure_at(2)
    opinions_reflected = _measure_at(3)

    def measures(self) -> dict[str, Measure]:
        return {
            name: Measure(done, required)
            for name, done, required in zip(MEASURES, self.done, self.required, strict=True)
        }

    def missing_text(self) -> str:
        """What is still missing, in Chinese, e.g.
        "还需进选区联系活动2次（其中集中联系1次）、联系群众18人次"."""
        if self.exempt:
            return _("本年度已免除联系要求：%(reason)s") % {"reason": self.exemption_reason}
        parts = []
        centralized = self.centralized_contacts.missing
        # Centralized contacts are constituency contacts too: two missing centralized ones mean at
        # least two more contacts, even when only one contact is missing in total.
        contacts = (
            max(self.constituency_contacts.missing, centralized) if self.constituency_contacts.missing else 0
        )
        if contacts:
            text = _("进选区联系活动%(n)d次") % {"n": contacts}
            if centralized:
                text += _("（其中集中联系%(n)d次）") % {"n": centralized}
            parts.append(text)
        elif centralized:
            parts.append(_("集中联系选区%(n)d次") % {"n": centralized})
        if self.people_reached.missing:
            parts.append(_("联系群众%(n)d人次") % {"n": self.people_reached.missing})
        if self.opinions_reflected.missing:
            parts.append(_("反映社情民意%(n)d次") % {"n": self.opinions_reflected.missing})
        if not parts:
            return _("已完成本年度联系要求")
        # The list separator is translated too: "、" in Chinese, ", " in English.
        return _("还需") + pgettext("list separator", "、").join(parts)

    def as_dict(self) -> dict:
        """The API shape of design.md: each measure as {done, required}, plus the flags."""
        data = {
            "deputy": self.deputy_id,
            "name": self.name,
            "year": self.year,
            **{name: measure.as_dict() for name, measure in self.measures().items()},
            "compliant": self.compliant,
            "behind_pace": self.behind_pace,
            "exempt": self.exempt,
            "exemption_reason": self.exemption_reason,
            "months_served": self.months_served,
            "missing": self.missing_text(),
        }
        return data


# --- One status per deputy and year, with the same label on every page --------------------------------
# exempt → 已免除; every requirement met → 已达标; otherwise, once the year is over → 未达标, and while
# it runs → 进度落后 (behind the pro-rata pace on some measure) or 进度正常. The legend
# (templates/contacts/_status_legend.html) explains the three that are not yet met.
STATUS_EXEMPT, STATUS_MET, STATUS_NOT_MET, STATUS_BEHIND, STATUS_ON_PACE = (
    "exempt",
    "compliant",
    "not_met",
    "behind",
    "on_pace",
)


def status_of(progress: Progress, *, today: datetime.date | None = None) -> str:
    if progress.exempt:
        return STATUS_EXEMPT
    if progress.compliant:
        return STATUS_MET
    if progress.year < (today or timezone.localdate()).year:
        return STATUS_NOT_MET
    return STATUS_BEHIND if progress.behind_pace else STATUS_ON_PACE


def status_labels() -> dict[str, str]:
    return {
        STATUS_EXEMPT: _("已免除"),
        STATUS_MET: _("已达标"),
        STATUS_NOT_MET: _("未达标"),
        STATUS_BEHIND: _("进度落后"),
        STATUS_ON_PACE: _("进度正常"),
    }


def status_label(progress: Progress, *, today: datetime.date | None = None) -> str:
    return status_labels()[status_of(progress, today=today)]
