"""civic — the working tool of a city council's communications department."""
