"""Reusable layout pieces: the app shell (header, navigation, footer) and KPI cards."""
