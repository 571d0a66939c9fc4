"""The criterion rules: the score a criterion suggests for an achieved value.

Used by self-assessment and review (Results issue); reviewers may always override by hand.
"""

from decimal import ROUND_HALF_UP, Decimal

from agreements.models import Criterion
from core.text import NumberFormatError, parse_number

CENT = Decimal("0.01")
ZERO = Decimal("0")
YES = {"yes", "y", "true", "1", "có", "co", "đạt", "dat", "x"}
NO = {"no", "n", "false", "0", "không", "khong", ""}


def as_number(achieved):
    """Return the achieved value as a Decimal (yes/no become 1/0), or None if it is not one."""
    if achieved is None:
        return None
    if isinstance(achieved, bool):
        return Decimal(int(achieved))
    if isinstance(achieved, str):
        text = achieved.strip().lower()
        if text in YES:
            return Decimal(1)
        if text in NO:
            return ZERO
    try:
        return parse_number(achieved)
    except NumberFormatError:
        return None


def _round(value):
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _met(criterion, number):
    if criterion.measure == Criterion.Measure.YES_NO or criterion.target is None:
        return number > 0
    return number >= criterion.target


def suggest(criterion, achieved):
    """Return the suggested score (Decimal, 2 places) for `achieved`, or None (score by hand).

    Normal: proportional to the target and capped at the maximum, or all or nothing; never
    negative. Bonus: the same, or points per occurrence, never above its cap. Penalty: minus
    points per occurrence (or all at once when it occurred), never below minus its cap.
    """
    C = Criterion
    if criterion.rule == C.Rule.MANUAL or criterion.measure == C.Measure.TEXT:
        return None
    number = as_number(achieved)
    if number is None:
        return None
    number = max(number, ZERO)
    top = criterion.max_points
    if criterion.kind == C.Kind.BONUS:
        top = min(top, criterion.effective_cap)
    if criterion.kind == C.Kind.PENALTY:
        cap = criterion.effective_cap
        if criterion.rule == C.Rule.PER_OCCURRENCE:
            per = criterion.points_per_occurrence or ZERO
            return -_round(min(number * per, cap))
        if criterion.rule == C.Rule.ALL_OR_NOTHING:
            return -_round(cap) if number > 0 else _round(ZERO)
        return None
    if criterion.rule == C.Rule.PROPORTIONAL:
        if not criterion.target:
            return None
        return _round(min(top * number / criterion.target, top))
    if criterion.rule == C.Rule.ALL_OR_NOTHING:
        return _round(top) if _met(criterion, number) else _round(ZERO)
    if criterion.rule == C.Rule.PER_OCCURRENCE:
        per = criterion.points_per_occurrence or ZERO
        return _round(min(number * per, criterion.effective_cap, top))
    return None
