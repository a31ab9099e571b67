"""Calibration on the real bank log recovers the published facts (Brown et al. 2005)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.calibrate.durations import kaplan_meier


def test_cleaning_says_what_it_drops(bank_calibration):
    """PHANTOM calls, negative times, VRU-only hang-ups and out-of-hours calls: dropped, counted."""
    log = bank_calibration.log
    reasons = " ".join(log.dropped)
    assert "PHANTOM" in reasons and "negative" in reasons and "VRU" in reasons
    assert "outside opening hours" in reasons
    assert log.dropped[next(r for r in log.dropped if "PHANTOM" in r)] == 278
    assert log.rows_read == 33_344
    assert log.rows_read == len(log.calls) + sum(log.dropped.values())


def test_abandonment_share_of_queued_calls(bank_calibration):
    """About 21-22% of the calls that had to wait abandon (published: about 21%)."""
    calls = bank_calibration.log.calls
    waited = calls["wait_s"] > 0
    share = (~calls["served"] & waited).sum() / waited.sum()
    assert 0.20 <= share <= 0.23


def test_regular_call_service_time(bank_calibration):
    """Regular (PS) talk times are lognormal by AIC with mean 190-200 s (published)."""
    best = bank_calibration.types["PS"].handle_fits[0]
    assert best.family == "lognormal"
    assert 190 <= best.mean_s <= 200


def test_patience_in_hundreds_of_seconds(bank_calibration):
    """Censored patience estimates (exponential MLE, KM median) lie in the hundreds of seconds,
    several times the naive mean wait of abandoners."""
    ps = bank_calibration.types["PS"]
    expo = next(f for f in ps.patience_fits if f.family == "exponential")
    assert 200 <= expo.mean_s <= 1000
    assert 200 <= ps.km.median() <= 1000
    assert expo.mean_s > 4 * ps.naive_abandoner_wait_s


def test_day_classes_follow_opening_hours(bank_calibration):
    """Sun-Thu, Friday (closes at 14:00) and Saturday night (opens after the Sabbath) differ."""
    assert bank_calibration.classes == [[0, 1, 2, 3, 6], [4], [5]]
    names = {c.name for c in bank_calibration.scenario.demand}
    assert {"PS_sun_thu", "PS_fri", "PS_sat"} <= names


def test_scenario_volumes_match_the_log(bank_calibration):
    """Expected arrivals of the calibrated scenario equal the calls kept in the log (to 0.5%)."""
    from sim.model import compile_model

    model = compile_model(bank_calibration.scenario)
    expected = model.expected_arrivals().sum()
    assert expected == pytest.approx(len(bank_calibration.log.calls), rel=0.005)


def test_staffing_is_plausible(bank_calibration):
    """Agents available at the weekday peak: 4-9 (25 agents in the log, a small center)."""
    head = bank_calibration.staffing.headcount
    assert 4 <= head[[0, 1, 2, 3, 6]].max() <= 9
    assert head[5, : 18 * 4].sum() == 0  # Saturday: closed until the evening
    assert (head[4, 15 * 4 :] == 0).all()  # Friday: closed from mid-afternoon


def test_kaplan_meier_matches_a_hand_example():
    """KM on (3 abandon, 5 censored, 7 abandon, 7 censored, 9 abandon): S = 4/5, 8/15, 0."""
    km = kaplan_meier(np.array([3, 5, 7, 7, 9.0]), np.array([1, 0, 1, 0, 1], dtype=bool))
    assert np.allclose(km.times, [3, 7, 9])
    assert np.allclose(km.survival, [0.8, 0.8 * 2 / 3, 0.0])
    assert km.median() == 9  # S(7) = 8/15 > 1/2
    assert km.restricted_mean(9) == pytest.approx(3 + 4 * 0.8 + 2 * 8 / 15)


@pytest.mark.slow
def test_validation_against_the_log(bank_calibration):
    """With no KPI fitted, observed overall abandonment, ASA and service level fall inside the
    simulated 95% prediction interval for one month, and abandonment is within 10%."""
    from sim.calibrate.validate import validate

    v = validate(bank_calibration, replications=10, seed=1)
    assert v.checks["abandon_rate"]["within_10pct"], v.checks
    for metric in ("abandon_rate", "asa_s", "offered"):
        assert v.table.loc[(metric, "all"), "in_pi"], v.table.loc[metric]
    assert v.checks["hourly_abandonment"]["inside_pi_share"] >= 0.6
