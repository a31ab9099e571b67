"""KPI definitions (see docs/kpis.md): the registry, per-contact flags, and their aggregation.

`sim.kpis.registry` imports only the standard library; `compute_kpis` (pandas, the engine's log)
loads on first use, so reading the registry stays cheap.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ReplicationKpis", "compute_kpis"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from sim.kpis import compute

        return getattr(compute, name)
    raise AttributeError(f"module 'sim.kpis' has no attribute {name!r}")
