"""Terminal rendering of results: KPI cells from the registry, tables that fit the terminal.

`fit` packs a table's columns into as many tables as the width needs (no number is ever split
across lines), `run_report` is what `ccsim run` prints, `compare_report` what `ccsim compare`
prints.
"""
