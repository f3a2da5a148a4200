"""The registry's tables, one module per noun; importing this package registers them all on ``Base``."""

from .assessments import Assessment, AssessmentItemScore, AssessmentResult
from .audit import AuditEntry
from .base import Base
from .certificates import Certificate, CertificateRenewal
from .enterprises import Enterprise
from .hours import ContinuingEducation
from .people import Person
from .rounds import Attendance, TrainingRound, TrainingSession
from .sanctions import Sanction
from .sites import Finding, Site

__all__ = [
    "Assessment",
    "AssessmentItemScore",
    "AssessmentResult",
    "Attendance",
    "AuditEntry",
    "Base",
    "Certificate",
    "CertificateRenewal",
    "ContinuingEducation",
    "Enterprise",
    "Finding",
    "Person",
    "Sanction",
    "Site",
    "TrainingRound",
    "TrainingSession",
]
