"""The public face: landing page, health check, open-data index."""
