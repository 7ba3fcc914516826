"""Citizens identified through ID.GOV.UA, a development provider, or their e-mail (issue 16)."""
