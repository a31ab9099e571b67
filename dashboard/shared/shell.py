"""The frame around every page: header with scenario and provenance, page navigation, footer."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard.shared.served import DashboardData


def navbar() -> html.Nav:
    """Links to every registered page, in registration order."""
    links = [
        dcc.Link(page["name"], href=page["relative_path"], className="nav-link")
        for page in dash.page_registry.values()
    ]
    return html.Nav(links, className="nav", id="nav")


def header(data: DashboardData) -> html.Header:
    """Product name, scenario name and description, and the page navigation."""
    return html.Header(
        [
            html.Div(
                [
                    html.Span("ccsim", className="brand"),
                    html.Span(
                        f"scenario: {data.scenario_name}",
                        className="scenario-name",
                        id="session-context-scenario",
                    ),
                    html.Span(
                        f"run: {data.scenario_name} (served run)",
                        className="scenario-run",
                        id="session-context-run",
                    ),
                    html.Span(
                        data.description,
                        className="scenario-description",
                        id="session-context-description",
                    ),
                ],
                className="header-text",
            ),
            navbar(),
        ],
        className="header",
    )


def footer(data: DashboardData) -> html.Footer:
    """Where the numbers came from (redrawn for the session's run by `shared.context`)."""
    parts = [
        f"Showing run: {data.scenario_name} (served run)",
        f"{data.replications} replications",
        f"seed {data.seed}",
        f"ccsim {data.version}",
        f"scenario hash {data.scenario_hash}",
        f"simulated in {data.wall_time_s:.1f} s",
        "means with 95% confidence intervals across replications",
    ]
    return html.Footer(" · ".join(parts), className="footer", id="provenance")


def shell(data: DashboardData) -> html.Div:
    """The app layout: header, the current page, footer."""
    return html.Div(
        [header(data), html.Main(dash.page_container, className="content"), footer(data)],
        className="app",
    )
