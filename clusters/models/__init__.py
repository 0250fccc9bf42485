from .calendar import PhaseChange, PhaseWindow
from .cluster import Cluster, ClusterYear, Leadership, LeadershipRole, Membership, Phase
from .pledge import (
    CriteriaTable,
    CriteriaVersion,
    Criterion,
    CriterionGroup,
    CriterionKind,
    Direction,
    Pledge,
    PledgeSignature,
    ScoringFormula,
    Target,
)
from .results import Evidence, Result, Submission, SubmissionEvent, SubmissionStatus

__all__ = [
    "Cluster",
    "ClusterYear",
    "CriteriaTable",
    "CriteriaVersion",
    "Criterion",
    "CriterionGroup",
    "CriterionKind",
    "Direction",
    "Evidence",
    "Leadership",
    "LeadershipRole",
    "Membership",
    "Phase",
    "PhaseChange",
    "PhaseWindow",
    "Pledge",
    "PledgeSignature",
    "Result",
    "ScoringFormula",
    "Submission",
    "SubmissionEvent",
    "SubmissionStatus",
    "Target",
]
