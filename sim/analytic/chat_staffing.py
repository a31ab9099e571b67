"""Staffing chat with concurrency: n agents x m slots, exactly (CTMC) or by equivalent servers.

In the chat model of ``chat`` a chat waits only when all ``n`` agents hold ``m`` chats; then
chats end at the constant rate ``R = n m / aht[m-1]`` and the queue is geometric, so the wait
of a chat that must wait is exponential with rate ``R - lam`` (FCFS):
``P(W <= t) = 1 - P(W > 0) exp(-(R - lam) t)``. That gives the exact service level from the
CTMC's ``p_wait``.

The *equivalent-servers* approximation replaces the agents by ``n m`` independent slots, each
serving at the full-concurrency rate ``1/aht[m-1]`` (Erlang C, or Erlang A with patience). It
has the same stability limit and the same waiting-time law once all slots are busy, and it is
conservative when chats slow down with concurrency (agents holding fewer chats finish faster),
so its staffing is never below the exact answer. It is vectorised; the CTMC is scalar and
limited to a few hundred thousand states.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from sim.analytic._numerics import out
from sim.analytic.chat import chat_metrics
from sim.analytic.erlang_x import erlang_x_min_agents


def chat_service_level(
    arrival_rate: float, aht_by_concurrency: Sequence[float], agents: int, awt: float
) -> float:
    """Exact P(W <= awt) of the chat-concurrency CTMC (0 when unstable)."""
    aht = np.asarray(aht_by_concurrency, dtype=float)
    m = aht.size
    full_rate = agents * m / aht[-1]
    if arrival_rate <= 0:
        return 1.0
    if agents < 1 or arrival_rate >= full_rate:
        return 0.0
    p_wait = chat_metrics(arrival_rate, aht, agents, m)["p_wait"]
    return float(1.0 - p_wait * np.exp(-(full_rate - arrival_rate) * awt))


def chat_ctmc_min_agents(
    arrival_rate: float, aht_by_concurrency: Sequence[float], awt: float, sl_target: float
) -> int:
    """Fewest agents whose exact chat CTMC service level P(W <= awt) reaches sl_target."""
    aht = np.asarray(aht_by_concurrency, dtype=float)
    if arrival_rate <= 0:
        return 0
    n = max(int(np.floor(arrival_rate * aht[-1] / aht.size)) + 1, 1)
    while chat_service_level(arrival_rate, aht, n, awt) < sl_target:
        n += 1
    return n


def chat_equivalent_min_agents(
    arrival_rate: ArrayLike,
    aht_by_concurrency: Sequence[float],
    awt: ArrayLike,
    sl_target: ArrayLike | None = None,
    abandon_rate: ArrayLike = 0.0,
    **targets: object,
) -> np.ndarray:
    """Fewest agents by equivalent servers: ceil(N/m), N the slots Erlang C/A/X needs.

    Extra keyword targets (abandon_target, asa_target, sl_definition, forecast_cv, probability,
    redial_probability, mode) pass through to ``erlang_x_min_agents``. Zero load -> 0.
    """
    aht = np.asarray(aht_by_concurrency, dtype=float)
    if aht.ndim != 1 or aht.size < 1 or np.any(aht <= 0):
        raise ValueError("aht_by_concurrency needs one positive value per concurrency level")
    slots = erlang_x_min_agents(
        arrival_rate, 1.0 / aht[-1], abandon_rate, awt, sl_target=sl_target, **targets
    )
    return out(np.ceil(np.asarray(slots) / aht.size).astype(np.int64))
