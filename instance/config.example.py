# Copy to instance/config.py and adjust. CIVIC_<NAME> environment variables override these.

# PostgreSQL instead of the embedded SQLite file:
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://civic:password@127.0.0.1/civic"

# Behind HTTPS (nginx): mark cookies Secure and send HSTS.
# SESSION_COOKIE_SECURE = True

# Several gunicorn workers share rate limits through redis or memcached:
# RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/0"

# Behind one nginx: take the client's address and scheme from X-Forwarded-For/-Proto.
# PROXY_FIX_X_FOR = 1
# PROXY_FIX_X_PROTO = 1

# Petition signing limits per petition (docs/petitions.md), e.g. for a mobile operator's CGNAT:
# PETITION_SIGN_LIMIT_PER_BLOCK = "50 per 10 minutes; 500 per day"

# Petitions signed through ID.GOV.UA (docs/identity.md); ["idgovua"] switches e-mail signing off.
# IDENTITY_PROVIDERS = ["idgovua", "email"]
# IDGOVUA_HOST = "https://id.gov.ua"  # the test stand: "https://test.id.gov.ua"
# IDGOVUA_CLIENT_ID = "…"
# IDGOVUA_CLIENT_SECRET = "…"

# The council (Nizhyn defaults):
# COUNCIL_NAME = "Ніжинська міська рада"
# COUNCIL_EDRPOU = "34644120"
# COUNCIL_KATOTTG = "UA74040250000063494"
# PUBLIC_BASE_URL = "https://civic.nizhynrada.gov.ua"

# Outgoing mail (otherwise kept in the outbox):
# MAIL_SERVER = "smtp.example.org"
# MAIL_PORT = 587
# MAIL_USE_TLS = True
# MAIL_USERNAME = "civic"
# MAIL_PASSWORD = "..."
# MAIL_SENDER = "civic@nizhynrada.gov.ua"

# Days after closing before personal data is purged:
# RETENTION_DAYS = 90
