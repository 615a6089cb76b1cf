"""The models of the review side, one module per subject:
ranking (authorities' ranking tables), expert (rubric, stages, panels, assignments,
scores, conflicts), outcome (publications, objections, NRTA recommendation)."""

from reviews.models.expert import (
    ConflictDeclaration,
    Criterion,
    ExpertAssignment,
    Panel,
    ReviewStage,
    Rubric,
    Score,
)
from reviews.models.outcome import NrtaEntry, Objection, Publication, SelectionRules
from reviews.models.ranking import RankingEntry, RankingTable
from reviews.models.reminders import LeagueWeights, ReminderRecord
from reviews.models.results import ResultRow

__all__ = [
    "ConflictDeclaration",
    "Criterion",
    "ExpertAssignment",
    "LeagueWeights",
    "NrtaEntry",
    "Objection",
    "Panel",
    "Publication",
    "RankingEntry",
    "RankingTable",
    "ReminderRecord",
    "ResultRow",
    "ReviewStage",
    "Rubric",
    "Score",
    "SelectionRules",
]
