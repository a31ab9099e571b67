"""ccsim's Dash dashboard: `create_app` builds it from one simulated run (see `dashboard.app`)."""
