"""What a site costs, as the Scenario page states it: the vendor's price and its basis, or wages."""

from __future__ import annotations

from typing import Any

from dash import html

BASIS = {
    "per_logged_hour": "per logged-in agent hour",
    "per_productive_hour": "per productive (busy) agent hour",
    "per_handled_minute": "per handled minute",
    "per_contact": "per handled contact",
}


def price_text(site: dict[str, Any], currency: str) -> str | None:
    """'Vendor price: USD 16.00 per logged-in agent hour' for a vendor-priced site, else None."""
    pricing = site.get("pricing")
    if not pricing:
        return None
    return f"Vendor price: {currency} {float(pricing['rate']):,.2f} {BASIS[pricing['model']]}"


def price_note(site: dict[str, Any], currency: str) -> html.P | None:
    """The vendor price line of a site's panel (the groups' wages are then not what it costs)."""
    text = price_text(site, currency)
    if text is None:
        return None
    return html.P(
        [html.Strong(text), " — the vendor bills this instead of the groups' wages below."],
        className="panel-note vendor-price",
    )
