"""The OpenAPI document describes every /api/v1 route, and live answers match it."""

import re

from civic.public.openapi import openapi_document

TYPES = {"object": dict, "array": list, "string": str, "integer": int}


def _api_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/openapi.json":
            yield re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)


def _check(schema: dict, value) -> list[str]:
    problems = []
    expected = TYPES[schema["type"]]
    if not isinstance(value, expected):
        return [f"expected {schema['type']}, got {type(value).__name__}"]
    if expected is dict:
        for key in schema.get("required", []):
            if key not in value:
                problems.append(f"missing {key}")
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                problems += [f"{key}: {p}" for p in _check(sub, value[key])]
    if expected is list and "items" in schema:
        for item in value[:5]:
            problems += _check(schema["items"], item)
    return problems


def test_document_is_served_and_covers_every_api_route(client, app):
    served = client.get("/api/v1/openapi.json").get_json()
    assert served["openapi"].startswith("3.")
    assert set(served["paths"]) == set(_api_rules(app))


def test_live_answers_follow_the_document(app, runner, client):
    assert runner.invoke(args=["demo"]).exit_code == 0
    document = openapi_document("http://localhost")
    values = {"slug": "gb-2021", "edrpou": None}
    listing = client.get("/api/v1/enterprises").get_json()
    values["edrpou"] = listing["enterprises"][0]["edrpou"]
    for path, item in document["paths"].items():
        url = path.format(**{k: v for k, v in values.items() if "{" + k + "}" in path})
        response = client.get(url)
        assert response.status_code == 200, url
        schema = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert _check(schema, response.get_json()) == [], url
        if "404" in item["get"]["responses"]:
            missing = re.sub(r"\{[a-z]+\}", "no-such-thing", path)
            bad = client.get(missing)
            assert bad.status_code == 404, missing
            error_schema = item["get"]["responses"]["404"]["content"]["application/json"]["schema"]
            assert _check(error_schema, bad.get_json()) == []
