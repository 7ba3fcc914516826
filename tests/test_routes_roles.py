"""Every route × every role, built from ``app.url_map``.

A staff endpoint (decorated with ``role_required``) must send anonymous users to the login page,
answer 403 to staff without its roles and let its roles through; a public endpoint must need no
login. A route under ``/staff/`` without ``role_required`` fails the test outright.
"""

from __future__ import annotations

from civic.auth.roles import ROLES, allows
from tests.conftest import login_as

PLACEHOLDERS = {
    "int": "1",
    "default": "x",
    "string": "x",
    "path": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def _endpoints(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        values = {}
        for arg in rule.arguments:
            converter = rule._converters[arg].__class__.__name__.lower().replace("converter", "")
            values[arg] = PLACEHOLDERS.get(converter, "1")
        path = rule.build(values, append_unknown=False)[1]
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS", "HEAD"})[0]
        view = app.view_functions[rule.endpoint]
        yield rule, path, method, getattr(view, "required_roles", None)


def _call(client, method, path):
    return client.open(path, method=method, follow_redirects=False)


def test_staff_routes_are_all_protected(app):
    unprotected = [
        rule.rule
        for rule, _, _, roles in _endpoints(app)
        if rule.rule.startswith("/staff") and roles is None
    ]
    assert unprotected == []


def test_anonymous_users_are_sent_to_login(app):
    client = app.test_client()
    wrong = []
    for rule, path, method, roles in _endpoints(app):
        if roles is None:
            continue
        response = _call(client, method, path)
        location = response.headers.get("Location", "")
        if response.status_code != 302 or not location.startswith("/login"):
            wrong.append((rule.rule, method, response.status_code, location))
    assert wrong == []


def test_public_routes_need_no_login(app):
    client = app.test_client()
    wrong = []
    for rule, path, method, roles in _endpoints(app):
        if roles is not None:
            continue
        response = _call(client, method, path)
        location = response.headers.get("Location", "")
        if response.status_code in (401, 403) or location.startswith("/login?"):
            wrong.append((rule.rule, method, response.status_code))
    assert wrong == []


def test_each_role_gets_exactly_its_routes(app, create_user):
    for role in ROLES:
        create_user(f"user-{role}", role)
    endpoints = [e for e in _endpoints(app) if e[3] is not None and e[0].endpoint != "auth.logout"]
    wrong = []
    for role in ROLES:
        client = app.test_client()
        login_as(client, f"user-{role}")
        for rule, path, method, roles in endpoints:
            response = _call(client, method, path)
            expected_allowed = allows(frozenset({role}), roles) or not roles
            refused = response.status_code == 403
            if refused == expected_allowed:
                wrong.append((role, rule.rule, method, response.status_code))
    assert wrong == []
