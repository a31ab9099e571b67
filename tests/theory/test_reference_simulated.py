"""`ccsim verify --simulate` on every reference case: the engine reproduces queueing theory."""

from __future__ import annotations

import pytest

from sim.api import DEFAULT_SEED
from sim.verify.runner import run_verify

ISSUE_3_FAMILIES = {"erlang_b", "erlang_c", "erlang_c_staffing", "erlang_a", "mmnk", "priority",
                    "chat", "littles"}  # fmt: skip
SIMULATED_FAMILIES = ISSUE_3_FAMILIES | {"retrial_mm1", "retrial_mmc"}


@pytest.mark.slow
def test_every_reference_case_passes_in_simulation(cases_path):
    """Every case passes analytically and, where simulated, within 4 standard errors."""
    report = run_verify(cases_path, simulate=True, seed=DEFAULT_SEED)
    failed = [c["id"] for c in report["cases"] if c["status"] != "pass"]
    assert failed == []
    assert report["summary"]["unsupported"] == 0
    simulated = {
        c["family"]
        for c in report["cases"]
        if any(chk["simulated"] is not None for chk in c["checks"])
    }
    assert simulated == SIMULATED_FAMILIES
