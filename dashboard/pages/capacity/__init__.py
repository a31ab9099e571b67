"""The capacity plan page: page.py registers it; plan_view.py edits and computes the plan."""
