"""Open budget of communal enterprises: statements, plans, indicators, dashboards, open data."""
