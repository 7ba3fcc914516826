"""Staff accounts, roles, login/logout and permission checks."""
