"""How long each reference case is simulated: a pilot, then only as much more as its checks need.

Every stage is 20 replications. The pilot measures PILOT_SCALE of the case's full window (the fixed
size `ccsim verify` always used before). Each check's mean and SE are taken with input control
variates (`pool_stages`): the replication's arrival count, mean handle time and mean patience
relative to the model's means explain much of a queue's run-to-run noise (R^2 0.5-0.9 for
abandonment and loss systems), so the same precision needs fewer contacts. A check is precise
enough when its acceptance band, 4 SE, is within `rel_precision` of its expected value (for a
share: of the smaller of p and 1 - p, and never finer than SHARE_HALF_WIDTH), or when its SE is
already no larger than the plain mean's SE would be over the full window: the precision, hence
the power to catch a wrong reference value, that the fixed size gave. After each stage: if every
check is precise enough, or one is clearly failing (|z| > Z_CLEAR), the case stops. Otherwise one
more stage of 20 replications on their own streams measures what the least precise check still
needs (SE shrinks as 1/sqrt(window)), at least half of what was measured so far, and never beyond
the full window in all: at full size the case stops whatever its precision, as the fixed size
did. Replication r's value (and controls) are the window-weighted mean of its stages, so the
judgement still sees 20 i.i.d. values. Stage sizes depend only on the values so far, never on the
worker count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

Z_LIMIT = 4.0  # a simulated check passes within 4 standard errors of the expected value
TAIL_LIMIT = math.erfc(Z_LIMIT / math.sqrt(2))  # P(|Z| > 4) = 6.3e-5
REL_PRECISION = 0.05  # default: the 4-SE band within 5% of the expected value
SHARE_HALF_WIDTH = 0.001  # a share is never asked for a band narrower than 0.1 percentage point
PILOT_SCALE = 1.0 / 8.0
SAFETY = 1.2  # the pilot's SE is itself an estimate (19 df): ask for a little more
Z_CLEAR = 8.0  # beyond this at the pilot a check has failed whatever more data would show
STAGE_STRIDE = 1000  # replication index of stage s, replication r: s * STAGE_STRIDE + r
# metrics that are shares of contacts (binomial counts), as named in the case files
SHARES = {"blocking", "p_block", "p_wait", "p_wait_arriving", "p_abandon", "service_level",
          "sl_answered", "p_served_within_t", "p_abandon_within_t"}  # fmt: skip
# probabilities and time fractions: their precision is judged on the smaller of p and 1 - p
FRACTIONS = SHARES | {"sl_at_n", "p_abandon_given_wait", "occupancy", "p_busy",
                      "p_first_attempt_blocked", "p_all_busy_time_avg"}  # fmt: skip

Values = dict[str, tuple[float, float]]  # one replication: metric -> (value, contacts measured)
Controls = list[float]  # one replication: its input control variates (zero mean)


class Stat(NamedTuple):
    """A check's simulated mean and SE (with controls), contacts seen, and the plain mean's SE."""

    mean: float
    se: float
    trials: float
    plain_se: float


@dataclass(frozen=True)
class Sizing:
    """How cases are sized: sequentially to `rel_precision`, or all at the full window (`fixed`)."""

    rel_precision: float = REL_PRECISION
    fixed: bool = False
    controls: bool = True  # False: plain means of the replications, as before control variates

    @property
    def pilot_scale(self) -> float:
        return 1.0 if self.fixed else PILOT_SCALE


@dataclass(frozen=True)
class Decision:
    """After a stage: the window fraction the checks ask for and the next stage's (0: stop)."""

    needed: float
    next_scale: float
    # "fixed", "precise" (every goal met), "as_fixed" (every check met its goal or the fixed size's
    # precision), "failing", "sized" (more to run) or "cap" (full size reached)
    stop: str


def half_width_goal(metric: str, expected: float, rel_precision: float) -> float:
    """The widest acceptance band (4 SE) that still tells `expected` from a value `rel` off."""
    if metric in FRACTIONS:
        side = min(abs(expected), abs(1.0 - expected))
        return max(rel_precision * side, SHARE_HALF_WIDTH)
    return rel_precision * abs(expected)


def window_need(metric: str, stat: Stat, expected: float, rel_precision: float) -> float:
    """Multiple of the measured window this check's goal needs (<= 1: enough; inf: unknown)."""
    mean, se, trials, _ = stat
    goal = half_width_goal(metric, expected, rel_precision)
    if not (math.isfinite(mean) and math.isfinite(se)) or goal <= 0:
        return math.inf
    if se == 0:  # all-or-nothing share: its 4-SE-equivalent bound -ln(tail)/n shrinks as 1/n
        return (-math.log(TAIL_LIMIT) / trials) / goal if trials > 0 else math.inf
    return (Z_LIMIT * se / goal) ** 2


def as_fixed_need(stat: Stat, done: float) -> float:
    """Multiple of the measured window (`done` of the full one) at which this check's SE matches
    the plain mean's over the full window, the fixed size's precision (inf: unknown)."""
    if not (stat.se > 0 and stat.plain_se > 0 and math.isfinite(stat.se)):
        return math.inf
    return (stat.se / stat.plain_se) ** 2 / done


def clearly_failing(stat: Stat, expected: float, binomial: float | None) -> bool:
    """A pilot verdict no further data would reverse: far beyond 4 SE, or impossible all-or-none."""
    mean, se = stat.mean, stat.se
    if binomial is not None:
        return binomial < TAIL_LIMIT
    return se > 0 and abs(mean - expected) / se > Z_CLEAR


def decide(
    checks: list[tuple[str, Stat, float, float | None]], done: float, sizing: Sizing
) -> Decision:
    """Stop, or size the next stage, from (metric, stat, expected, chance) after `done` measured."""
    if sizing.fixed:
        return Decision(1.0, 0.0, "fixed")
    if any(clearly_failing(stat, exp, chance) for _, stat, exp, chance in checks):
        return Decision(done, 0.0, "failing")
    goals = [window_need(m, st, exp, sizing.rel_precision) for m, st, exp, _ in checks]
    if max(goals, default=0.0) <= 1.0:
        return Decision(done * max(goals, default=0.0), 0.0, "precise")
    worst = max(min(goal, as_fixed_need(check[1], done))
                for goal, check in zip(goals, checks, strict=True))  # fmt: skip
    needed = done * worst * SAFETY if worst > 1.0 else done * worst
    if done >= 1.0 - 1e-9:
        return Decision(needed, 0.0, "cap")
    if worst <= 1.0:
        return Decision(needed, 0.0, "as_fixed")
    total = min(1.0, max(needed, 1.5 * done, done + sizing.pilot_scale))
    return Decision(needed, total - done, "sized")


def pool_stages(stages: list[tuple[float, list[Values], list[Controls]]], controls: bool = True
                ) -> dict[str, Stat]:  # fmt: skip
    """Each metric's Stat over the replications, replication r's stages pooled.

    `stages` holds (window scale, per-replication {metric: (value, contacts)}, per-replication
    controls); a replication's stage values and controls are averaged with the windows as
    weights. With `controls`, the mean and SE are those of the control-variate estimator.
    """
    weights = np.array([scale for scale, _, _ in stages])
    x = np.einsum("s,srq->rq", weights, np.array([c for _, _, c in stages], float)) / weights.sum()
    out = {}
    for metric in stages[0][1][0]:
        values = np.array([[rep[metric][0] for rep in reps] for _, reps, _ in stages])
        per_rep = weights @ values / weights.sum()
        trials = float(sum(rep[metric][1] for _, reps, _ in stages for rep in reps))
        plain_se = float(per_rep.std(ddof=1) / np.sqrt(len(per_rep)))
        mean, se = control_variate(per_rep, x) if controls else (float(per_rep.mean()), plain_se)
        out[metric] = Stat(mean, se, trials, plain_se)
    return out


def control_variate(y: np.ndarray, x: np.ndarray) -> tuple[float, float]:
    """Mean of `y` adjusted by zero-mean controls `x` (replications x q) and its standard error.

    Least squares y = a + b x; the estimate is a, the fit at the controls' known mean 0, with the
    textbook SE s sqrt(1/n + xbar' Sxx^-1 xbar) on n - 1 - q degrees of freedom. The plain mean
    (and its SE) where that is undefined: constant or non-finite values, too few replications.
    """
    n, q = x.shape
    plain = (float(y.mean()), float(y.std(ddof=1) / np.sqrt(n)))
    if q == 0 or n <= q + 2 or not np.all(np.isfinite(y)) or np.ptp(y) == 0:
        return plain
    xbar = x.mean(axis=0)
    xc = x - xbar
    sxx = xc.T @ xc
    if np.linalg.cond(sxx) > 1e12:
        return plain
    b = np.linalg.solve(sxx, xc.T @ (y - y.mean()))
    resid = y - y.mean() - xc @ b
    s2 = float(resid @ resid) / (n - 1 - q)
    var = s2 * (1.0 / n + float(xbar @ np.linalg.solve(sxx, xbar)))
    return float(y.mean() - xbar @ b), math.sqrt(var)
