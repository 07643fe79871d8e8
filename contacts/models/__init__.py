"""Contact activities and the performance record (§三(四)–(八), §五(三)–(五), R-ACT-1…7), by subject;
every model is re-exported here (app label ``contacts``).

Writes go through `contacts/services`; the yearly quota rule lives in `contacts/quotas/`.
"""

from .activities import (
    DOCUMENT_EXTENSIONS,
    IMAGE_EXTENSIONS,
    MAX_PEOPLE_REACHED,
    REMOTE_KINDS,
    ActivityKind,
    ActivityPhoto,
    Amendment,
    ClosedYear,
    ContactActivity,
    ContactActivityQuerySet,
    ContactPurpose,
    Participation,
)
from .quota import (
    QuotaExemption,
    QuotaPolicy,
)
from .record import (
    AttendanceStatus,
    CommitteeContact,
    CommitteeContactKind,
    MeetingRequest,
    MeetingState,
    ResearchKind,
    ResearchReport,
    TrainingAttendance,
    TrainingEnrolment,
    TrainingPlan,
    TrainingSession,
)
from .voters import (
    ReportForm,
    VoterQuestion,
    VoterQuestionChannel,
    VoterQuestionKind,
    VoterQuestionState,
    VoterReport,
    VoterReportQuerySet,
)

__all__ = [
    "ActivityKind",
    "ActivityPhoto",
    "Amendment",
    "AttendanceStatus",
    "ClosedYear",
    "CommitteeContact",
    "CommitteeContactKind",
    "ContactActivity",
    "ContactActivityQuerySet",
    "ContactPurpose",
    "DOCUMENT_EXTENSIONS",
    "IMAGE_EXTENSIONS",
    "MAX_PEOPLE_REACHED",
    "MeetingRequest",
    "MeetingState",
    "Participation",
    "QuotaExemption",
    "QuotaPolicy",
    "REMOTE_KINDS",
    "ReportForm",
    "ResearchKind",
    "ResearchReport",
    "TrainingAttendance",
    "TrainingEnrolment",
    "TrainingPlan",
    "TrainingSession",
    "VoterQuestion",
    "VoterQuestionChannel",
    "VoterQuestionKind",
    "VoterQuestionState",
    "VoterReport",
    "VoterReportQuerySet",
]
