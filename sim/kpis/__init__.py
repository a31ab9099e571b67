"""KPI definitions (see docs/kpis.md): per contact, per agent, and their aggregation."""

from sim.kpis.compute import ReplicationKpis, compute_kpis

__all__ = ["ReplicationKpis", "compute_kpis"]
