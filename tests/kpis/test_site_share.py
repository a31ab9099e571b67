"""Per-site interval KPIs: unserved contacts shared among sites, site clocks, registry ratios."""

from __future__ import annotations

import copy
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from helpers import compiled, single_queue

from sim import api
from sim.engine import simulate
from sim.kpis.compute import compute_kpis
from sim.kpis.contacts import contact_frame
from sim.kpis.grouping import Cells
from sim.kpis.ratios import SUMMED
from sim.kpis.site_share import DIMENSION, NO_SITE, site_share_sums
from sim.scenario import scenario_from_dict

COUNTS = ("offered", "queued", "answered", "abandoned", "blocked", "waiting_end")


def two_sites(agents_utc: int = 9, agents_chicago: int = 9) -> dict:
    """One voice queue served by a UTC site and a Chicago site (UTC-6 in January), 24/7."""
    data = single_queue(rate_per_s=0.06, aht_s=300.0, agents=agents_utc, days=1.0)
    chicago = copy.deepcopy(data["sites"][0])
    chicago |= {"name": "chicago", "timezone": "America/Chicago"}
    chicago["groups"][0]["shifts"][0]["headcount"] = agents_chicago
    data["sites"].append(chicago)
    return data


@pytest.fixture(scope="module")
def result():
    """Two replications of the two-site queue."""
    return api.run(scenario_from_dict(two_sites()), replications=2, seed=3)


def test_sites_counts_add_up_to_overall_per_interval_in_one_replication():
    """In every interval, each count summed over the sites (and no_site) equals the overall one."""
    model = compiled(two_sites())
    kpis = compute_kpis(simulate(model, seed=5), model).intervals
    sites = kpis.loc[DIMENSION, list(COUNTS)].groupby(level="interval").sum()
    overall = kpis.loc[("overall", "all"), list(COUNTS)].loc[sites.index]
    assert overall["abandoned"].sum() > 0  # the shared-out part is exercised
    np.testing.assert_allclose(sites.to_numpy(), overall.to_numpy(), rtol=1e-12, atol=1e-9)


def test_unserved_contacts_follow_the_sites_served_share_else_no_site():
    """Abandons split 3:1 where sites took 3 and 1; where no site took any they stay unsited."""
    count = np.zeros((1, 3, 2))  # one type; site slots (none, a, b); two intervals
    count[0, :, 0] = [4, 3, 1]
    count[0, :, 1] = [2, 0, 0]
    sums = {c: np.zeros((1, 3, 2)) for c in SUMMED}
    sums["offered"] = count.copy()
    sums["abandoned"][0, 0] = [4, 2]
    model = SimpleNamespace(site_names=["a", "b"], n_types=1, type_channel=np.array([0]))
    frame = site_share_sums(Cells(first=10, count=count, sums=sums), model)
    abandoned = frame["abandoned"].to_dict()
    assert abandoned[(DIMENSION, "a/voice", 10)] == pytest.approx(3.0)
    assert abandoned[(DIMENSION, "b/voice", 10)] == pytest.approx(1.0)
    assert abandoned[(DIMENSION, f"{NO_SITE}/voice", 11)] == pytest.approx(2.0)
    assert (DIMENSION, "a/voice", 11) not in frame.index
    assert (DIMENSION, f"{NO_SITE}/voice", 10) not in frame.index
    assert frame["offered"].sum() == pytest.approx(count.sum())


def test_site_local_nine_is_the_utc_fifteen_interval_for_a_site_at_utc_minus_six(result):
    """The Chicago site's 09:00 local row is the UTC 15:00 interval, with that interval's values."""
    table = result.site_interval_table()
    row = table[(table["site"] == "chicago") & (table["interval_start_site"].dt.hour == 9)
                & (table["interval_start_site"].dt.minute == 0)].iloc[0]  # fmt: skip
    assert row["interval_start_utc"] == pd.Timestamp("2026-01-05 15:00", tz="UTC")
    assert row["timezone"] == "America/Chicago" and row["site_date"] == "2026-01-05"
    site = result.interval_table()
    same = site[(site["dimension"] == "site") & (site["key"] == "chicago")
                & (site["interval_start_utc"] == row["interval_start_utc"])].iloc[0]  # fmt: skip
    assert row["interval"] == same["interval"]
    assert set(site["local_timezone"]) == {result.model.scenario.reporting.timezone}
    manila = result.interval_table("Asia/Manila")  # the local column says which clock it is on
    assert set(manila["local_timezone"]) == {"Asia/Manila"}
    for metric in ("answered", "asa_s", "occupancy"):
        assert row[metric] == pytest.approx(same[metric]), metric


def test_site_table_means_add_up_to_the_channel_rows(result):
    """Across replications, per-site offered and abandoned means add up to the channel's."""
    table = result.site_interval_table()
    sites = table.groupby("interval")[["offered", "abandoned"]].sum()
    full = result.interval_table()
    voice = full[(full["dimension"] == "channel") & (full["key"] == "voice")]
    voice = voice.set_index("interval")[["offered", "abandoned"]].reindex(sites.index).fillna(0)
    np.testing.assert_allclose(sites.to_numpy(), voice.to_numpy(), rtol=1e-12, atol=1e-9)


def test_single_site_service_level_is_the_registry_ratio_by_hand():
    """With one site, SL per interval is within / (within + missed) of the contacts, by hand."""
    data = single_queue(rate_per_s=0.06, aht_s=300.0, agents=17, days=0.5)
    model = compiled(data)
    log = simulate(model, seed=2)
    kpis = compute_kpis(log, model).intervals
    contacts = contact_frame(log, model)
    by_hand = contacts.groupby("interval").apply(
        lambda g: g["within"].sum() / (g["within"].sum() + g["missed"].sum())
    )
    rows = kpis.loc[(DIMENSION, "site/voice")]
    assert model.scenario.reporting.sl_definition == "abandons_after_threshold"
    np.testing.assert_allclose(rows["service_level"], by_hand.loc[rows.index], rtol=1e-12)
    channel = kpis.loc[("channel", "voice")].loc[rows.index]
    for metric in ("service_level", "asa_s", "abandon_rate", "offered"):
        np.testing.assert_allclose(rows[metric], channel[metric], rtol=1e-12, err_msg=metric)


def test_runs_without_site_rows_give_an_empty_site_table(result):
    """A run stored before per-site KPIs existed gives an empty table (the page then says so)."""
    old = copy.copy(result)
    old.intervals = result.intervals.drop(index=DIMENSION, level="dimension")
    table = old.site_interval_table()
    assert table.empty and list(table.columns)[:4] == ["site", "channel", "timezone", "interval"]
