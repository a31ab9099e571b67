"""The one exception type for mistakes in what the user gave us.

The CLI turns a `ScenarioError` into a readable message and exit code 2; everything else is a bug.
"""

from __future__ import annotations


class ScenarioError(ValueError):
    """A user input (scenario, case file, option) is invalid; the message names field and fix."""

    def __init__(
        self, message: str, problems: list[str] | None = None, described: list[str] | None = None
    ) -> None:
        self.problems = problems or []  # each "path: what is wrong", for code that maps paths
        # what a reader is shown, one line per problem: the problem with context such as the
        # names of the list items its path passes (`sim.scenario.loading.with_item_names`)
        self.described = described or self.problems
        full = (
            message
            if not self.described
            else message + "\n" + "\n".join(f"  - {p}" for p in self.described)
        )
        super().__init__(full)
