"""Rules turn a unit's inputs into points, each with a trace of how; aggregation to the total."""

from .engine import CriterionTrace, ScoredPeriod, ScoredUnit, score

__all__ = ["CriterionTrace", "ScoredPeriod", "ScoredUnit", "score"]
