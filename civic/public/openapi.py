"""The OpenAPI 3.1 document of civic's read-only open-data API (``/api/v1/...``).

The test suite checks it three ways: every ``/api/v1`` route is described, live answers on the
demo data validate against it, and schemathesis runs every operation (examples, boundary cases
and generated input) against the app on SQLite and PostgreSQL.
"""

from __future__ import annotations

from civic.petitions.opendata import EXPORT_FIELDS

# Demo objects the examples point at (``civic demo`` creates them), so that generated test cases
# and readers of the document reach real answers, not only 404s.
DEMO_EDITION = "gb-2021"
DEMO_EDRPOU = "99001039"

JSON = "application/json"
MONEY = {"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$", "examples": ["399500.00"]}
COUNT = {"type": "integer", "minimum": 0}
NUMBER_OR_NULL = {"type": ["number", "null"]}
YEAR = {"type": "integer", "minimum": 1900, "maximum": 9999}
DATE_OR_NULL = {"type": ["string", "null"], "format": "date"}
TEXT_OR_NULL = {"type": ["string", "null"]}


def _object(properties: dict, *, required: list[str] | None = None, **extra) -> dict:
    """An object schema; every property is required unless ``required`` names fewer."""
    required = list(properties) if required is None else required
    return {"type": "object", "required": required, "properties": properties, **extra}


def _array(items: dict) -> dict:
    return {"type": "array", "items": items}


ERROR_SCHEMA = _object(
    {
        "error": {"type": "string", "description": "Назва помилки українською"},
        "message": {"type": "string", "description": "Пояснення українською"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
    }
)


def _error(description: str) -> dict:
    return {"description": description, "content": {JSON: {"schema": ERROR_SCHEMA}}}


def _ok(description: str, schema: dict) -> dict:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _path_param(name: str, description: str, schema: dict, example: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema,
        "example": example,
    }


CATEGORY_BUDGET = _object({"budget": MONEY, "spent": MONEY, "left": MONEY})
POOL_BUDGET = _object(
    {
        "available": MONEY,
        "spent": MONEY,
        "left": MONEY,
        "selected": _array({"type": "string"}),
    }
)
CHANNEL = _object({"received": COUNT, "valid": COUNT, "invalid": COUNT})

REASON = _object(
    {
        "funded": {"type": "boolean"},
        "text": {"type": "string", "description": "Пояснення українською"},
        "outcome": {
            "type": "string",
            "enum": [
                "funded",
                "funded_from_pool",
                "funded_from_reserve",
                "does_not_fit",
                "below_threshold",
                "excluded",
                "stopped",
            ],
        },
        "rank": {"type": "integer", "minimum": 1},
        "rank_of": COUNT,
        "votes": COUNT,
        "where": {"type": "string", "description": "Назва категорії"},
        "money_left": {**MONEY, "description": "Залишок коштів категорії на черзі проєкту"},
        "money_short": {**MONEY, "description": "Скільки не вистачило в категорії"},
        "votes_short": {**COUNT, "description": "Скільки голосів бракувало до мінімуму"},
        "pool_money_left": {**MONEY, "description": "Залишок спільного пулу на черзі проєкту"},
        "pool_money_short": MONEY,
        "from_reserve": MONEY,
        "stopped_at": {"type": "string"},
    },
    required=["funded", "text", "outcome", "rank", "votes", "money_left"],
)
WHAT_IF_REASON = _object(
    {
        "funded": {"type": "boolean"},
        "text": {"type": "string"},
        "votes": COUNT,
        "round": {"type": "integer", "minimum": 1, "description": "Раунд, у якому обрано"},
        "effective_support": {
            "type": "integer",
            "minimum": 0,
            "description": "Ефективна підтримка, % вартості (pabutools mesanalytics)",
        },
        "cost_cut": {**MONEY, "description": "На скільки мала б бути меншою вартість"},
        "extra_supporters": {**COUNT, "description": "Скільки ще прихильників (орієнтовно)"},
    },
    required=["funded", "text", "votes"],
)

PB_RESULTS_PUBLISHED = _object(
    {
        "edition": {"type": "string", "description": "Ідентифікатор видання"},
        "published": {
            "type": "boolean",
            "const": True,
            "description": "Підрахунок закрито: підсумки оприлюднено",
        },
        "ballots": _object(
            {
                "received": COUNT,
                "valid": COUNT,
                "invalid": COUNT,
                "invalid_by_reason": {"type": "object", "additionalProperties": COUNT},
                "by_channel": {"type": "object", "additionalProperties": CHANNEL},
            }
        ),
        "projects": _array(
            _object(
                {
                    "code": {"type": "string"},
                    "title": {"type": "string"},
                    "category": {"type": "string"},
                    "cost": MONEY,
                    "votes": COUNT,
                    "votes_paper": COUNT,
                    "votes_online": COUNT,
                    "rank": {"type": "integer", "minimum": 1},
                    "selected": {"type": "boolean"},
                    "funded_from": {
                        "type": ["string", "null"],
                        "description": "category, pool або null, якщо не профінансовано",
                    },
                }
            )
        ),
        "selected": _array({"type": "string"}),
        "budget": {
            "type": "object",
            "description": "Бюджет кожної категорії; pool — спільний залишок, якщо є",
            "properties": {"pool": POOL_BUDGET},
            "additionalProperties": CATEGORY_BUDGET,
        },
        "ties": _array(
            _object(
                {
                    "where": {"type": "string"},
                    "votes": COUNT,
                    "order": _array({"type": "string"}),
                    "rule": {"type": "string"},
                    "rule_title": {"type": "string"},
                },
                required=["where", "votes", "order", "rule"],
            )
        ),
        "digest": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "reasons": {
            "type": "object",
            "description": "Чому кожен проєкт переміг або ні в офіційному підрахунку",
            "additionalProperties": REASON,
        },
        "what_if_reasons": {
            "type": "object",
            "description": "Те саме за дослідницькими правилами: правило → код → пояснення",
            "additionalProperties": {"type": "object", "additionalProperties": WHAT_IF_REASON},
        },
    },
    required=["edition", "published", "ballots", "projects", "selected", "budget", "digest"],
)

# Before the commission closes the count no number at all (civic.pb.publication).
PB_RESULTS_PENDING = _object(
    {
        "edition": {"type": "string", "description": "Ідентифікатор видання"},
        "published": {"type": "boolean", "const": False, "description": "Підрахунок ще не закрито"},
        "notice": {"type": "string", "description": "Чому підсумків немає, українською"},
    },
    additionalProperties=False,
)

PB_RESULTS = {"oneOf": [PB_RESULTS_PUBLISHED, PB_RESULTS_PENDING]}

PETITION_FIELDS = list(EXPORT_FIELDS)  # the national open-data schema, as exported

PETITIONS = _object(
    {
        "count": COUNT,
        "fields": _array({"type": "string", "enum": PETITION_FIELDS}),
        "items": _array(
            _object(
                {
                    "uid": {"type": "string"},
                    "kind": {"type": "string"},
                    "title": {"type": "string"},
                    "url": {"type": "string", "format": "uri"},
                    "text": {"type": "string"},
                    "authorityName": {"type": "string"},
                    "authorityId": {"type": "string"},
                    "authorityCattutc": {"type": "string"},
                    "startDate": DATE_OR_NULL,
                    "count": COUNT,
                    "creator": {"type": "string"},
                    "status": {
                        "type": "string",
                        "enum": [
                            "триває збір підписів",
                            "на розгляді",
                            "з відповіддю",
                            "архів",
                            "не підтримано",
                        ],
                    },
                    "answerDate": DATE_OR_NULL,
                    "answerUrl": TEXT_OR_NULL,
                    "answerText": TEXT_OR_NULL,
                },
                required=PETITION_FIELDS,
            )
        ),
    }
)

EDRPOU = {"type": "string", "pattern": "^[0-9]{8}$"}
ENTERPRISE_SUMMARY = _object(
    {
        "edrpou": EDRPOU,
        "name": {"type": "string"},
        "short_name": {"type": "string"},
        "reporting_type": {"type": "string"},
        "sector": {"type": "string"},
        "website": {"type": "string"},
        "is_demo": {"type": "boolean"},
        "years": _array(YEAR),
        "url": {"type": "string", "format": "uri"},
    },
    required=[
        "edrpou",
        "name",
        "short_name",
        "reporting_type",
        "sector",
        "website",
        "is_demo",
        "years",
    ],
)
ENTERPRISES = _object(
    {
        "enterprises": _array(ENTERPRISE_SUMMARY),
        "numbers": {"type": "string"},
    },
    required=["enterprises"],
)

LINE_VALUES = {
    "type": "object",
    "description": "Код рядка форми → сума, тис. грн",
    "additionalProperties": NUMBER_OR_NULL,
}
ENTERPRISE = _object(
    {
        "edrpou": EDRPOU,
        "name": {"type": "string"},
        "unit": {"type": "string"},
        "is_demo": {"type": "boolean"},
        "years": {
            "type": "object",
            "description": "Рік → форма 1, форма 2 і фінплан (рядок → вид показника → сума)",
            "additionalProperties": {
                "type": "object",
                "properties": {
                    "form1": LINE_VALUES,
                    "form2": LINE_VALUES,
                    "plan": {"type": "object", "additionalProperties": LINE_VALUES},
                },
            },
        },
        "indicators": {
            "type": "object",
            "description": "Рік → показник → значення",
            "additionalProperties": {"type": "object", "additionalProperties": {"type": "number"}},
        },
        "sources": _array(
            _object(
                {
                    "upload_id": {"type": "integer"},
                    "year": YEAR,
                    "form": {"type": "string"},
                    "file": {"type": "string"},
                    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    "unit": {"type": "string"},
                    "uploaded_at": {"type": "string", "format": "date-time"},
                }
            )
        ),
    },
    required=["edrpou", "name", "years", "indicators", "unit", "is_demo", "sources"],
)


def openapi_document(server_url: str) -> dict:
    """The API description; the test suite checks it against ``app.url_map`` and live answers."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "civic — відкриті дані громади",
            "version": "1",
            "description": (
                "Відкриті дані: результати громадського бюджету, електронні петиції "
                "(національна схема), фінансова звітність комунальних підприємств. "
                "Лише читання (GET), без автентифікації; помилки — JSON українською."
            ),
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/api/v1/pb/{slug}/results": {
                "get": {
                    "summary": "Результати голосування за громадський бюджет",
                    "operationId": "pbResults",
                    "parameters": [
                        _path_param(
                            "slug",
                            "Ідентифікатор видання: малі латинські літери, цифри, дефіс",
                            {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,62}$"},
                            DEMO_EDITION,
                        )
                    ],
                    "responses": {
                        "200": _ok(
                            "Підсумки закритого підрахунку; до закриття — лише пояснення "
                            "(published: false, notice), без жодного числа",
                            PB_RESULTS,
                        ),
                        "404": _error("Такого видання немає"),
                    },
                }
            },
            "/api/v1/petitions": {
                "get": {
                    "summary": "Оприлюднені електронні петиції (національна схема)",
                    "operationId": "petitions",
                    "responses": {"200": _ok("Перелік петицій", PETITIONS)},
                }
            },
            "/api/v1/enterprises": {
                "get": {
                    "summary": "Комунальні підприємства та їхні ключові показники",
                    "operationId": "enterprises",
                    "responses": {
                        "200": {
                            **_ok("Перелік підприємств", ENTERPRISES),
                            "links": {
                                "FirstEnterprise": {
                                    "operationId": "enterprise",
                                    "parameters": {
                                        "edrpou": "$response.body#/enterprises/0/edrpou"
                                    },
                                    "description": "Звітність першого підприємства з переліку",
                                }
                            },
                        }
                    },
                }
            },
            "/api/v1/enterprises/{edrpou}": {
                "get": {
                    "summary": "Звітність і показники одного підприємства",
                    "operationId": "enterprise",
                    "parameters": [
                        _path_param("edrpou", "Код ЄДРПОУ (8 цифр)", EDRPOU, DEMO_EDRPOU)
                    ],
                    "responses": {
                        "200": _ok("Підприємство", ENTERPRISE),
                        "404": _error("Підприємства з таким кодом немає"),
                    },
                }
            },
        },
    }
