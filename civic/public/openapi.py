"""The OpenAPI 3.1 document of civic's read-only open-data API (``/api/v1/...``)."""

from __future__ import annotations

ERROR = {
    "description": "Не знайдено",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["error", "message", "status"],
                "properties": {
                    "error": {"type": "string"},
                    "message": {"type": "string"},
                    "status": {"type": "integer"},
                },
            }
        }
    },
}


def _ok(description: str, required: list[str], properties: dict) -> dict:
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {"type": "object", "required": required, "properties": properties}
            }
        },
    }


def _path_param(name: str, description: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string"},
    }


def openapi_document(server_url: str) -> dict:
    """The API description; the test suite checks it against ``app.url_map`` and live answers."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "civic — відкриті дані громади",
            "version": "1",
            "description": (
                "Відкриті дані: результати громадського бюджету, електронні петиції "
                "(національна схема), фінансова звітність комунальних підприємств."
            ),
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/api/v1/pb/{slug}/results": {
                "get": {
                    "summary": "Результати голосування за громадський бюджет",
                    "operationId": "pbResults",
                    "parameters": [_path_param("slug", "Ідентифікатор видання, напр. gb-2021")],
                    "responses": {
                        "200": _ok(
                            "Підсумки закритого підрахунку",
                            ["edition", "ballots", "projects", "selected", "budget", "digest"],
                            {
                                "edition": {"type": "string"},
                                "ballots": {"type": "object"},
                                "projects": {"type": "array", "items": {"type": "object"}},
                                "selected": {"type": "array", "items": {"type": "string"}},
                                "budget": {"type": "object"},
                                "digest": {"type": "string"},
                            },
                        ),
                        "404": ERROR,
                    },
                }
            },
            "/api/v1/petitions": {
                "get": {
                    "summary": "Оприлюднені електронні петиції (національна схема)",
                    "operationId": "petitions",
                    "responses": {
                        "200": _ok(
                            "Перелік петицій",
                            ["count", "fields", "items"],
                            {
                                "count": {"type": "integer"},
                                "fields": {"type": "array", "items": {"type": "string"}},
                                "items": {"type": "array", "items": {"type": "object"}},
                            },
                        )
                    },
                }
            },
            "/api/v1/enterprises": {
                "get": {
                    "summary": "Комунальні підприємства та їхні ключові показники",
                    "operationId": "enterprises",
                    "responses": {
                        "200": _ok(
                            "Перелік підприємств",
                            ["enterprises"],
                            {"enterprises": {"type": "array", "items": {"type": "object"}}},
                        )
                    },
                }
            },
            "/api/v1/enterprises/{edrpou}": {
                "get": {
                    "summary": "Звітність і показники одного підприємства",
                    "operationId": "enterprise",
                    "parameters": [_path_param("edrpou", "Код ЄДРПОУ (8 цифр)")],
                    "responses": {
                        "200": _ok(
                            "Підприємство",
                            ["edrpou", "name", "years", "indicators"],
                            {
                                "edrpou": {"type": "string"},
                                "name": {"type": "string"},
                                "years": {"type": "object"},
                                "indicators": {"type": "object"},
                            },
                        ),
                        "404": ERROR,
                    },
                }
            },
        },
    }
