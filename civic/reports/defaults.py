"""Nizhyn's default texts, read from ``data/defaults.toml``: the report's title and paragraphs,
the journal's entry types, the placeholder values and the official occasions.

A fresh installation starts from them (``services.ensure_defaults``); staff then edit the stored
copies. Kept as data so another council changes wording without touching code.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from civic.formatting import Forms
from civic.reports.monthly import EntryTypeSpec, ParagraphTemplate, ReportSettings
from civic.reports.occasions import Occasion


@dataclass(frozen=True)
class Defaults:
    title: str
    values: Mapping[str, str]
    entry_types: tuple[EntryTypeSpec, ...]
    paragraphs: tuple[ParagraphTemplate, ...]
    occasions: tuple[Occasion, ...]


def parse_defaults(text: str) -> Defaults:
    """The defaults from the TOML text of ``data/defaults.toml``."""
    data = tomllib.loads(text)
    return Defaults(
        title=data["title"],
        values=dict(data["values"]),
        entry_types=tuple(
            EntryTypeSpec(
                t["code"],
                t["label"],
                Forms(*t["forms"]) if "forms" in t else None,
                t.get("needs_occasion", False),
            )
            for t in data["entry_types"]
        ),
        paragraphs=tuple(
            ParagraphTemplate(p["key"], p["text"], p.get("requires")) for p in data["paragraphs"]
        ),
        occasions=tuple(
            Occasion(o["name"], o["rule"], o["category"], o.get("from_year"), o.get("to_year"))
            for o in data["occasions"]
        ),
    )


@cache
def load_defaults() -> Defaults:
    """The defaults shipped with the package (read once per process)."""
    text = resources.files("civic.reports").joinpath("data/defaults.toml").read_text("utf-8")
    return parse_defaults(text)


def default_settings(
    *,
    signer_position: str = "Начальник відділу",
    signer_name: str = "",
    values: Mapping[str, str] | None = None,
) -> ReportSettings:
    """The default template (Nizhyn's wording) — what a fresh installation starts from."""
    defaults = load_defaults()
    return ReportSettings(
        title=defaults.title,
        paragraphs=defaults.paragraphs,
        signer_position=signer_position,
        signer_name=signer_name,
        entry_types=defaults.entry_types,
        values={**defaults.values, **(values or {})},
    )
