"""The OpenAPI document describes every /api/v1 route, and live answers match it."""

import json
import re
from pathlib import Path

import pytest

from civic.public.openapi import DEMO_EDRPOU, openapi_document

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def _api_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/openapi.json":
            yield re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)


TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "null": type(None),
}


def _is(value, name: str) -> bool:
    if isinstance(value, bool) and name in ("integer", "number"):
        return False
    return isinstance(value, TYPES[name])


def _check(schema: dict, value) -> list[str]:
    """A small independent reading of the document's schemas (types, required, patterns)."""
    if "oneOf" in schema:  # exactly one alternative fits
        fitting = [s for s in schema["oneOf"] if not _check(s, value)]
        return [] if len(fitting) == 1 else [f"fits {len(fitting)} of {len(schema['oneOf'])}"]
    problems = []
    names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    if not any(_is(value, name) for name in names):
        return [f"expected {schema['type']}, got {type(value).__name__}"]
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        problems.append(f"{value!r} does not match {schema['pattern']}")
    if "const" in schema and value != schema["const"]:
        problems.append(f"{value!r} is not {schema['const']!r}")
    if isinstance(value, str) and "enum" in schema and value not in schema["enum"]:
        problems.append(f"{value!r} not in {schema['enum']}")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                problems.append(f"missing {key}")
        known = schema.get("properties", {})
        if schema.get("additionalProperties") is False:
            problems += [f"unexpected {key}" for key in value if key not in known]
        for key, item in value.items():
            sub = known.get(key, schema.get("additionalProperties"))
            if isinstance(sub, dict):
                problems += [f"{key}: {p}" for p in _check(sub, item)]
    if isinstance(value, list) and "items" in schema:
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
    listing = client.get("/api/v1/enterprises").get_json()
    assert any(e["edrpou"] == DEMO_EDRPOU for e in listing["enterprises"])
    for path, item in document["paths"].items():
        # Each path parameter's example names a real demo object.
        url = path.format(**{p["name"]: p["example"] for p in item["get"].get("parameters", [])})
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


ERROR_SCHEMA = openapi_document("http://localhost")["paths"]["/api/v1/pb/{slug}/results"]["get"][
    "responses"
]["404"]["content"]["application/json"]["schema"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/pb/%00/results",  # PostgreSQL refuses NUL in text: this was a 500 there
        "/api/v1/pb/gb-2021%00/results",
        "/api/v1/pb/%FF%FE/results",
        "/api/v1/pb/" + "x" * 300 + "/results",
        "/pb/%00",
        "/api/v1/enterprises/%00",
        "/api/v1/enterprises/1234567",
        "/api/v1/enterprises/١٢٣٤٥٦٧٨",  # Arabic-Indic digits are not an EDRPOU
    ],
)
def test_odd_path_values_are_a_plain_404(app, client, url):
    response = client.get(url)
    assert response.status_code == 404
    if url.startswith("/api/"):
        assert response.content_type == "application/json"
        assert _check(ERROR_SCHEMA, response.get_json()) == []


def test_documented_error_example_is_what_a_404_answers(client):
    example = json.loads((EXAMPLES / "api-error.json").read_text(encoding="utf-8"))
    assert _check(ERROR_SCHEMA, example) == []
    response = client.get("/api/v1/enterprises/00000000")
    assert response.status_code == 404
    assert response.get_json() == example
