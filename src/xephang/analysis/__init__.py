"""Analysis of a scored, ranked period: questions officials ask every year.

One pure function per analysis (no printing); the command line (``xephang.cli.analysis``), the web pages and
the report format the dataclasses they return.

* ``compare_periods(old, new, lineage)`` – year over year: rank, level and points movement per unit, with
  merged, split and renamed units followed through a lineage file (``compare.py``);
* ``rank_robustness(ranking, ...)`` – seeded Monte Carlo of the weights (and optionally the inputs):
  median rank, 5–95 % interval, level probabilities, fragile levels (``robustness.py``);
* ``road_to_next_level(ranking)`` – points lacking and where they are most within reach (``gap.py``);
* ``component_rankings(ranking)`` – ranks within each criteria group (``components.py``);
* ``run_checks(scored, ...)`` – data-quality findings for appraisers (``checks.py``).
"""

from .checks import CheckFinding, CheckReport, ConsistencyRule, load_check_rules, read_evidence, run_checks
from .compare import Comparison, Lineage, UnitMovement, compare_periods, load_lineage
from .components import ComponentRanking, ComponentRow, component_rankings
from .gap import Opportunity, UnitGap, road_to_next_level
from .robustness import Robustness, UnitRobustness, rank_robustness

__all__ = [
    "CheckFinding",
    "CheckReport",
    "ConsistencyRule",
    "load_check_rules",
    "read_evidence",
    "run_checks",
    "Comparison",
    "Lineage",
    "UnitMovement",
    "compare_periods",
    "load_lineage",
    "ComponentRanking",
    "ComponentRow",
    "component_rankings",
    "Opportunity",
    "UnitGap",
    "road_to_next_level",
    "Robustness",
    "UnitRobustness",
    "rank_robustness",
]
