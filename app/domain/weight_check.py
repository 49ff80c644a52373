"""Weight check at carton close: the scale must agree with what the carton should weigh.

A wrong weight is the cheapest moment to catch a mis-pick (a missing mug weighs 0.35 kg) before it becomes a
complaint. The tolerance is a percentage of the expected weight but never less than a fixed minimum, because
scales and packaging vary by a few grams whatever the carton weighs; outside it, the carton needs a supervisor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

EPS = 1e-9


@dataclass(frozen=True, slots=True)
class WeightCheck:
    ok: bool
    difference_kg: float
    """Measured minus expected: positive means the carton is heavier than it should be."""
    allowed_kg: float
    """The largest difference (either way) that still passes."""
    message: str


def check_weight(expected_kg: float, measured_kg: float, tolerance_pct: float, tolerance_min_kg: float) -> WeightCheck:
    """Compare the weight entered at the station with the expected weight (units plus empty box)."""
    for name, value in (
        ("expected weight", expected_kg),
        ("measured weight", measured_kg),
        ("tolerance percentage", tolerance_pct),
        ("minimum tolerance", tolerance_min_kg),
    ):
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a number >= 0, got {value!r}")
    allowed = round(max(expected_kg * tolerance_pct / 100, tolerance_min_kg), 6)
    difference = round(measured_kg - expected_kg, 6)
    ok = abs(difference) <= allowed + EPS
    if ok:
        message = f"weight {measured_kg:.3f} kg OK (expected {expected_kg:.3f} kg ± {allowed:.3f} kg)"
    else:
        direction = "over" if difference > 0 else "under"
        hint = "an extra or wrong unit?" if difference > 0 else "a unit missing?"
        message = (
            f"weight {measured_kg:.3f} kg is {abs(difference):.3f} kg {direction} the expected {expected_kg:.3f} kg "
            f"(allowed ± {allowed:.3f} kg): {hint} Re-check the carton or ask a supervisor to approve"
        )
    return WeightCheck(ok, difference, allowed, message)
