"""`ccsim run`'s staffing table says what its ✓ / ✗ judge: the peak interval, not the FTE columns.

peak_season's Bogota is covered at its peak (46 needed, 46 rostered: ✓) yet needs 92.0 FTE over
the horizon against 77.3 rostered; without the caption the ✓ beside a short FTE reads as an error.
"""

from __future__ import annotations

from rich.console import Console

from sim.render.fit import fit
from sim.render.run_report import staffing_grid
from sim.staffing.needs import SiteNeed


def _printed(needs: list[SiteNeed], width: int = 80) -> str:
    console = Console(width=width, record=True, color_system=None)
    for table in fit(staffing_grid(needs), width):
        console.print(table)
    return " ".join(console.export_text().split())


def test_the_mark_judges_the_peak_and_the_caption_says_so() -> None:
    bogota = SiteNeed("bogota", "nearshore", 16, "Fri 14:00", 46.0, 46.0, 92.0, 77.3)
    manila = SiteNeed("manila", "offshore", 2, "Sat 01:00", 72.0, 50.0, 157.3, 132.6)
    text = _printed([bogota, manila])
    assert "46 ✓" in text and "50 ✗" in text
    assert "✓ / ✗: the roster covers / misses the need at the site's peak interval" in text
    assert "FTE need and FTE rostered: over the whole horizon" in text
    assert "ccsim staff SCENARIO" in text
