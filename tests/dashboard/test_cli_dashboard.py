"""`ccsim dashboard`: 127.0.0.1 by default, a warning for other hosts, waitress in production."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import waitress
from typer.testing import CliRunner

import dashboard.app
import sim.cli
from sim import api
from sim.cli import app as cli


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict]]:
    """Record how the command would serve, without starting a server or simulating."""
    seen: list[tuple[str, dict]] = []
    fake = SimpleNamespace(
        server="wsgi-app", run=lambda **kw: seen.append(("flask", kw))
    )  # fmt: skip
    monkeypatch.setattr(
        dashboard.app, "create_app", lambda *a, **kw: seen.append(("app", kw)) or fake
    )  # fmt: skip
    monkeypatch.setattr(dashboard.app, "warm_jobs", lambda: seen.append(("warm", {})) or "jobs")
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: seen.append(("waitress", kw)))
    monkeypatch.setattr(sim.cli, "_check_port_free", lambda host, port: None)  # ports vary here
    return seen


def test_dashboard_binds_localhost_by_default(calls: list) -> None:
    """Without --host the development server listens on 127.0.0.1, with no warning."""
    result = CliRunner().invoke(cli, ["dashboard", "--port", "8123"])
    assert result.exit_code == 0, result.output
    app_kw = {"replications": api.DEFAULT_REPLICATIONS, "seed": api.DEFAULT_SEED, "jobs": "jobs"}
    assert calls == [("warm", {}), ("app", app_kw),
                     ("flask", {"host": "127.0.0.1", "port": 8123, "debug": False})]  # fmt: skip
    assert "warning" not in result.output


def test_dashboard_production_serves_with_waitress_and_warns_for_other_hosts(calls: list) -> None:
    """--production hands the WSGI app to waitress; a public --host prints a warning."""
    result = CliRunner().invoke(cli, ["dashboard", "--production", "--host", "0.0.0.0"])
    assert result.exit_code == 0, result.output
    assert calls[0] == ("warm", {}) and calls[1][1]["jobs"] == "jobs"
    assert calls[2:] == [("waitress", {"host": "0.0.0.0", "port": 8050, "threads": 8})]
    assert "no authentication" in result.output


def test_dashboard_busy_port_exits_2_before_printing_a_url() -> None:
    """--production --port BUSY: a message naming --port, exit 2, no URL and no traceback."""
    import socket

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = CliRunner().invoke(cli, ["dashboard", "--production", "--port", str(port)])
    assert result.exit_code == 2, result.output
    assert f"--port {port}" in result.output and "http://" not in result.output
    assert "Traceback" not in result.output
