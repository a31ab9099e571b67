"""The one exception type for mistakes in what the user gave us.

The CLI turns a `ScenarioError` into a readable message and exit code 2; everything else is a bug.
"""

from __future__ import annotations


class ScenarioError(ValueError):
    """A user input (scenario, case file, option) is invalid; the message names field and fix."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or []
        full = (
            message
            if not self.problems
            else message + "\n" + "\n".join(f"  - {p}" for p in self.problems)
        )
        super().__init__(full)
