"""Audit tests borrow the petition fixtures: a petition's history is audit events."""

from tests.petitions.conftest import make_petition, moderators  # noqa: F401 (fixtures)
