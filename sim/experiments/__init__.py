"""Experiments on top of the engine: replications with CIs, and everything built from them.

`replications` (independent runs, CIs), `sequential` (replicate until a CI is narrow enough),
`compare` (paired differences under common random numbers), `overrides` (`--set PATH=VALUE`),
`sweep` and `sweep_plots` (grids of overrides), `segments` (long horizons in bounded memory),
`backends` (in process, local processes, Dask), `tasks` (one replication as a portable task),
`store` (run folders and their SQLite index).
"""

from sim.experiments.replications import Replications, run_replications
from sim.experiments.stats import summarize

__all__ = ["Replications", "run_replications", "summarize"]
