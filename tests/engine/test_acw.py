"""After-call work: the agent stays busy after the customer left; KPIs, theory and staffing."""

from __future__ import annotations

import dataclasses

import numpy as np
from helpers import assert_within, compiled, replicate, single_queue

from sim.analytic.erlang import erlang_b
from sim.engine import Engine, build_roster, generate_demand, simulate
from sim.engine.invariants import check_capacity
from sim.engine.kernel import fixed_scheduler
from sim.engine.log import ABANDONED, COMPLETED
from sim.kpis import compute_kpis
from sim.kpis.agents import busy_periods
from sim.model import CHAT
from sim.scenario import scenario_json_schema
from sim.staffing import staff_erlang

ACW = {"dist": "deterministic", "mean_s": 60.0}
KPI_COLUMNS = ["offered", "handled", "abandon_rate", "service_level", "asa_s", "aht_s", "occupancy"]


def _with_acw(data: dict, acw: dict | None = ACW) -> dict:
    data["demand"][0]["acw"] = acw
    return data


def test_zero_acw_leaves_every_result_bit_identical():
    """A run with ACW forced to zero is bit-identical to the run of the scenario without acw."""
    plain = compiled(single_queue(rate_per_s=0.05, agents=16, days=0.25))
    with_acw = compiled(_with_acw(single_queue(rate_per_s=0.05, agents=16, days=0.25)))
    seed, rep = 5, 0
    demand = generate_demand(with_acw, seed, rep)
    base = generate_demand(plain, seed, rep)
    assert np.all(base.acw_s == 0) and np.all(demand.acw_s == 60.0)
    for field in ("arrival_s", "type_idx", "base_handle_s", "patience_s"):  # no stream moved
        assert np.array_equal(getattr(demand, field), getattr(base, field)), field
    zeroed = dataclasses.replace(demand, acw_s=np.zeros(len(demand)))
    log = Engine(with_acw, zeroed, build_roster(with_acw, seed, rep), seed, rep).run()
    ref = simulate(plain, seed, rep)
    for field in ("answer_s", "end_s", "agent", "status", "session_end_s"):
        assert np.array_equal(getattr(log, field), getattr(ref, field)), field
    got = compute_kpis(log, with_acw).summary[KPI_COLUMNS]
    want = compute_kpis(ref, plain).summary[KPI_COLUMNS]
    assert got.equals(want)


def test_busy_time_is_talk_plus_acw_exactly():
    """Agents' busy time equals the sum of talk and ACW, and no agent ever holds two contacts."""
    data = _with_acw(single_queue(rate_per_s=0.05, agents=16, days=0.25, drain=True),
                     {"dist": "exponential", "mean_s": 90.0})  # fmt: skip
    model = compiled(data)
    log = simulate(model, 3, 0)
    done = log.status == COMPLETED
    assert np.all(log.acw_s[done] > 0) and np.all(log.acw_s[~done] == 0)
    start, end, _ = busy_periods(log, model)
    talk = (log.end_s[done] - log.answer_s[done]).sum()
    assert np.isclose((end - start).sum(), talk + log.acw_s[done].sum(), rtol=1e-12, atol=0)
    check_capacity(log, model.type_channel == CHAT, model.chat_max_concurrency)
    row = compute_kpis(log, model).summary.loc[("overall", "all")]
    assert np.isclose(row["aht_s"], row["talk_s"] + row["acw_s"], rtol=1e-12)
    assert row["acw_s"] > 0


def test_chat_acw_holds_the_slot():
    """A chat in wrap-up keeps its slot: the agent never holds more than k chats plus wrap-ups."""
    data = _with_acw(single_queue(rate_per_s=0.05, agents=6, days=0.25, channel="chat",
                                  drain=True))  # fmt: skip
    model = compiled(data)
    log = simulate(model, 4, 0)  # conservation and capacity invariants run inside
    check_capacity(log, model.type_channel == CHAT, model.chat_max_concurrency)
    row = compute_kpis(log, model).summary.loc[("overall", "all")]
    assert row["acw_s"] == 60.0 and np.isclose(row["aht_s"], row["talk_s"] + 60.0)


def test_zero_patience_loss_is_erlang_b_of_talk_plus_acw():
    """Customers leaving at once when no agent is free: loss = Erlang B(n, lam E[talk + ACW])."""
    lam, n, talk, acw = 0.03, 10, 200.0, 100.0
    data = single_queue(rate_per_s=lam, agents=n, days=0.5, warmup_hours=2.0, drain=True,
                        handle={"dist": "lognormal", "mean_s": talk, "cv": 1.5})  # fmt: skip
    data["demand"][0]["patience"] = {"dist": "deterministic", "mean_s": 1e-6}
    model = compiled(_with_acw(data, {"dist": "deterministic", "mean_s": acw}))

    def measure(log):
        keep = log.arrival_s >= model.warmup_s
        return {"loss": float(np.mean(log.status[keep] == ABANDONED))}

    truth = {"loss": float(erlang_b(n, lam * (talk + acw)))}
    assert_within(replicate(model, measure, reps=16), truth)


def test_staffing_counts_mean_acw_in_handle_time():
    """Erlang staffing with ACW equals staffing with handle time talk + mean ACW, above none."""

    def required(data: dict) -> float:
        return float(staff_erlang(compiled(data)).by_type["required"].sum())

    talk = single_queue(rate_per_s=0.05, aht_s=300.0, agents=20, days=0.25)
    with_acw = _with_acw(single_queue(rate_per_s=0.05, aht_s=300.0, agents=20, days=0.25))
    longer = single_queue(rate_per_s=0.05, aht_s=360.0, agents=20, days=0.25)
    assert required(with_acw) == required(longer) > required(talk)


def test_schema_documents_acw():
    """The generated JSON Schema offers `acw` on contact types, with its description."""
    props = scenario_json_schema()["$defs"]["ContactType"]["properties"]
    assert "after-call work" in props["acw"]["description"]


def _two_groups(channel: str, factor: float) -> dict:
    """One queue served by two 24/7 groups; the second wraps up `factor` times as long."""
    data = _with_acw(
        single_queue(rate_per_s=0.05, agents=8, days=0.25, channel=channel, drain=True)
    )
    group = data["sites"][0]["groups"][0]
    slow = {**group, "name": "slow", "skills": [{**group["skills"][0], "acw_factor": factor}]}
    data["sites"][0]["groups"].append(slow)
    return data


def test_acw_is_scaled_per_skill_of_the_agent_who_served():
    """With a constant ACW, every contact's wrap-up is exactly the base times the acw_factor of
    the group whose agent served it, for voice and for chat; a voice agent's busy time still equals
    talk + ACW (chat busy periods overlap, so they are not a sum)."""
    for channel in ("voice", "chat"):
        model = compiled(_two_groups(channel, 1.5))
        log = simulate(model, 5, 0)
        done = log.status == COMPLETED
        slow = log.agent_group[log.agent[done]] == model.group_names.index("site/slow")
        assert slow.any() and (~slow).any()
        assert np.all(log.acw_s[done][slow] == 90.0) and np.all(log.acw_s[done][~slow] == 60.0)
        if channel == "voice":
            start, end, _ = busy_periods(log, model)
            talk = (log.end_s[done] - log.answer_s[done]).sum()
            assert np.isclose((end - start).sum(), talk + log.acw_s[done].sum(), rtol=1e-12)


def test_staffing_weights_the_acw_factor_of_the_groups_that_serve():
    """Analytic staffing uses talk + ACW x factor: one group with acw_factor 2 staffs as if the
    mean ACW were doubled."""
    doubled = _with_acw(single_queue(rate_per_s=0.05, aht_s=300.0, agents=20, days=0.25),
                        {"dist": "deterministic", "mean_s": 120.0})  # fmt: skip
    scaled = _with_acw(single_queue(rate_per_s=0.05, aht_s=300.0, agents=20, days=0.25))
    scaled["sites"][0]["groups"][0]["skills"][0]["acw_factor"] = 2.0
    required = [
        float(staff_erlang(compiled(d)).by_type["required"].sum()) for d in (doubled, scaled)
    ]
    assert required[0] == required[1]


def _journeys_with_acw() -> dict:
    """Repeats, redials after missed callbacks and ACW, with next contacts often due before the
    wrap-up ends, and a horizon that cuts contacts in wrap-up."""
    data = _with_acw(single_queue(rate_per_s=0.06, agents=17, days=0.2),
                     {"dist": "exponential", "mean_s": 120.0})  # fmt: skip
    quick = {"dist": "exponential", "mean_s": 150.0}
    data["demand"][0] |= {
        "repeat": {"delay": quick, "max_attempts": 3},
        "redial": {"probability": 0.5, "delay": quick},
        "callback": {"offer_when_expected_wait_s": 20, "accept_probability": 0.6,
                     "no_answer_probability": 0.3},
    }  # fmt: skip
    data["sites"][0]["groups"][0]["skills"][0]["fcr"] = 0.6
    return data


def test_one_event_for_talk_and_acw_gives_the_two_event_log():
    """Talk and ACW ending in one event (when the customer's next contact comes after the ACW)
    give exactly the log of two events, also for contacts in wrap-up when the horizon ends."""
    model = compiled(_journeys_with_acw())
    logs, fused = [], []
    for fuse in (True, False):
        engine = Engine(model, generate_demand(model, 4, 0), build_roster(model, 4, 0), 4, 0)
        engine.fuse_wrap = fuse
        calls = [0]
        finish_wrapped = engine._finish_wrapped

        def counted(ev, finish_wrapped=finish_wrapped, calls=calls):
            calls[0] += 1
            finish_wrapped(ev)

        engine._finish_wrapped = counted  # type: ignore[method-assign]
        engine._at_finish_wrapped = fixed_scheduler(engine.env, counted, absolute=True)
        logs.append(engine.run())
        fused.append(calls[0])
    assert fused[1] == 0 < fused[0] < int((logs[0].status == COMPLETED).sum())  # both paths ran
    assert ((logs[0].status == COMPLETED) & (logs[0].end_s + logs[0].acw_s > 0.2 * 86_400)).any()
    for field, value in vars(logs[0]).items():
        if isinstance(value, np.ndarray):
            assert np.array_equal(value, getattr(logs[1], field)), field
