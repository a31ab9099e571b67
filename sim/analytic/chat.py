"""Chat with concurrency: n agents, each handling up to m chats at once.

An agent holding ``c`` chats works more slowly on each: every one of its ``c`` chats ends
at rate ``1/aht[c-1]`` (``aht_by_concurrency[c-1]`` is the mean chat duration at
concurrency ``c``). A new chat goes to a least-loaded agent; when every agent holds
``m`` chats it waits in one FCFS queue (no abandonment) and is taken by the next agent
to finish a chat. Chats are never moved between agents.

The state is the occupancy vector ``(n_0, ..., n_m)`` (agents holding 0..m chats) plus
the queue length ``q``; ``q > 0`` only in the all-full state, where chats end at the
constant rate ``R = n m / aht[m-1]``. So the queue is a geometric tail
``pi(full, q) = pi(full, 0) r^q`` with ``r = lam/R``, and the chain censored to ``q = 0``
(the full state's arrivals become self-loops) is solved exactly with a sparse LU.
With equal AHT at every concurrency the model is Erlang C with ``n m`` servers.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from math import comb

import numpy as np

from sim.analytic.ctmc import stationary

MAX_STATES = 250_000  # sparse LU time grows quickly beyond this (~1 s at 25k)


def _states(n: int, m: int) -> np.ndarray:
    """All occupancy vectors (n_0..n_m) of n agents over concurrency levels 0..m."""
    rows = []
    for bars in itertools.combinations(range(n + m), m):
        edges = (-1, *bars, n + m)
        rows.append([edges[i + 1] - edges[i] - 1 for i in range(m + 1)])
    return np.array(rows, dtype=np.int64).reshape(-1, m + 1)


def _balanced_mode(lam: float, aht: np.ndarray, n: int, m: int) -> np.ndarray:
    """Occupancy vector at the mode of the re-balanced approximation (an LU anchor)."""
    k = np.arange(1, n * m + 1)
    q, r = np.divmod(k, n)
    rate_q = np.where(q > 0, q / aht[np.maximum(q - 1, 0)], 0.0)
    rate_q1 = (q + 1) / aht[np.minimum(q, m - 1)]
    down = (n - r) * rate_q + np.where(q < m, r * rate_q1, 0.0)
    log_p = np.concatenate([[0.0], np.cumsum(np.log(lam) - np.log(down))])
    q, r = divmod(int(np.argmax(log_p)), n)
    state = np.zeros(m + 1, dtype=np.int64)
    state[q] += n - r
    if r:
        state[q + 1] += r
    return state


def chat_metrics(
    arrival_rate: float,
    aht_by_concurrency: Sequence[float],
    agents: int,
    max_concurrency: int | None = None,
) -> dict[str, float]:
    """Exact stationary KPIs of the chat-concurrency model (scalar inputs).

    Keys: p_wait, mean_queue_len, asa (mean wait over all chats), mean_wait_given_wait,
    mean_chats_in_service, mean_concurrency (chats per busy agent), occupancy (share of
    agents holding >= 1 chat), slot_utilization (chats / (n m)), n_states.
    """
    aht = np.asarray(aht_by_concurrency, dtype=float)
    m = int(max_concurrency if max_concurrency is not None else aht.size)
    n = int(agents)
    lam = float(arrival_rate)
    if m < 1 or aht.size != m or np.any(aht <= 0):
        raise ValueError("aht_by_concurrency needs max_concurrency positive entries")
    if n < 1 or lam < 0:
        raise ValueError("need agents >= 1 and arrival_rate >= 0")
    full_rate = n * m / aht[m - 1]
    ratio = lam / full_rate
    if ratio >= 1.0:
        raise ValueError("unstable: arrival_rate >= agents * m / aht[m-1]")
    if comb(n + m, m) > MAX_STATES:
        raise ValueError(f"state space C(n+m, m) exceeds {MAX_STATES}")
    if lam == 0:
        zero = {"p_wait": 0.0, "mean_queue_len": 0.0, "asa": 0.0, "mean_wait_given_wait": 0.0}
        rest = {"mean_chats_in_service": 0.0, "mean_concurrency": 0.0, "occupancy": 0.0}
        return {**zero, **rest, "slot_utilization": 0.0, "n_states": 1}

    states = _states(n, m)
    radix = (n + 1) ** np.arange(m)
    keys = states[:, 1:] @ radix
    order = np.argsort(keys)
    sorted_keys = keys[order]

    def index(vecs: np.ndarray) -> np.ndarray:
        return order[np.searchsorted(sorted_keys, vecs[:, 1:] @ radix)]

    src, dst, rate = [], [], []
    full = states[:, m] == n
    # Arrival: the least-loaded agent (lowest c with n_c > 0) takes the chat.
    lowest = np.argmax(states > 0, axis=1)
    movers = np.flatnonzero(~full)
    nxt = states[movers].copy()
    nxt[np.arange(movers.size), lowest[movers]] -= 1
    nxt[np.arange(movers.size), lowest[movers] + 1] += 1
    src.append(movers)
    dst.append(index(nxt))
    rate.append(np.full(movers.size, lam))
    # Completion at an agent holding c chats: n_c * c / aht[c-1].
    for c in range(1, m + 1):
        movers = np.flatnonzero(states[:, c] > 0)
        nxt = states[movers].copy()
        nxt[:, c] -= 1
        nxt[:, c - 1] += 1
        src.append(movers)
        dst.append(index(nxt))
        rate.append(states[movers, c] * c / aht[c - 1])
    triples = (np.concatenate(src), np.concatenate(dst), np.concatenate(rate))
    anchor = int(index(_balanced_mode(lam, aht, n, m)[None, :])[0])
    pi = stationary(*triples, len(states), anchor=anchor)

    full_idx = int(np.flatnonzero(full)[0])
    p_full0 = pi[full_idx]
    z = 1.0 + p_full0 * ratio / (1.0 - ratio)
    pi = pi / z
    p_full0 /= z
    queue_mass = p_full0 * ratio / (1.0 - ratio)
    lq = p_full0 * ratio / (1.0 - ratio) ** 2
    p_wait = p_full0 + queue_mass
    chats = float(pi @ (states @ np.arange(m + 1)) + queue_mass * n * m)
    busy = float(pi @ (n - states[:, 0]) + queue_mass * n)
    return {
        "p_wait": float(p_wait),
        "mean_queue_len": float(lq),
        "asa": float(lq / lam),
        "mean_wait_given_wait": float(lq / lam / p_wait) if p_wait > 0 else 0.0,
        "mean_chats_in_service": chats,
        "mean_concurrency": chats / busy if busy > 0 else 0.0,
        "occupancy": busy / n,
        "slot_utilization": chats / (n * m),
        "n_states": int(len(states)),
    }
