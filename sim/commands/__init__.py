"""CLI commands beyond run/verify/schema/dashboard, one module each with `register(app)`.

To add a command: write `sim/commands/<name>.py` with `def register(app: typer.Typer) -> None`
that declares it with `@app.command()`, and add `<name>` to COMMAND_MODULES.
"""

COMMAND_MODULES: tuple[str, ...] = (
    "compare",
    "runs",
    "sweep",
    "staff",
    "schedule",
    "calibrate",
    "forecast",
    "plan",
    "backtest",
)
