"""What several pages share: the app shell, KPI cards, formatting, plotting, session state."""
