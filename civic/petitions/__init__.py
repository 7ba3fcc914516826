"""Local e-petitions: submission, moderation inside legal clocks, signatures, answers, open data."""
