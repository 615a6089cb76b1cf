"""Application forms as data: the meta-schema every form definition must satisfy.

A form definition (FormSchema.definition) has three parts:
  header_fields  the header table of the form (联系人, 电话, …)
  sections       the narrative elements, each with its official wording as title
  figures        structured quantified data: a number, or a before/after pair
plus `narrative_limit`, the most characters the whole narrative may have, and
optionally `attachments`, what must be attached before submission.
"""

import json
from pathlib import Path

import jsonschema
from django.core.exceptions import ValidationError

_KEY = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"}
_TEXT = {"type": "string", "minLength": 1, "maxLength": 500}

META_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["format", "narrative_limit", "header_fields", "sections", "figures"],
    "properties": {
        "format": {"const": 1},
        "narrative_limit": {"type": "integer", "minimum": 100, "maximum": 100000},
        "header_fields": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["key", "label", "type"],
                "properties": {
                    "key": _KEY,
                    "label": _TEXT,
                    "type": {"enum": ["text", "textarea", "phone", "email"]},
                    "required": {"type": "boolean"},
                    "max_length": {"type": "integer", "minimum": 1, "maximum": 2000},
                    "help": {"type": "string"},
                },
            },
        },
        "sections": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["key", "title"],
                "properties": {
                    "key": _KEY,
                    "title": _TEXT,
                    "required": {"type": "boolean"},
                    "help": {"type": "string"},
                    # The most characters this section may have (besides the narrative's total).
                    "max_length": {"type": "integer", "minimum": 1, "maximum": 100000},
                },
            },
        },
        "attachments": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                # The notice asks for the form stamped by the unit, as a scanned PDF.
                "stamped_scan_required": {"type": "boolean"},
            },
        },
        "figures": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["key", "label", "kind", "unit"],
                "properties": {
                    "key": _KEY,
                    "label": _TEXT,
                    "kind": {"enum": ["number", "before_after"]},
                    "unit": {"type": "string", "maxLength": 20},
                    # integer: a count; decimal: up to decimal_places places (money: 2, in 万元).
                    # Absent in versions written before these existed: decimal, 2 places, >= 0.
                    "value_type": {"enum": ["integer", "decimal"]},
                    "decimal_places": {"type": "integer", "minimum": 0, "maximum": 4},
                    "minimum": {"type": "number"},
                    "maximum": {"type": "number"},
                    "required": {"type": "boolean"},
                    # The unit may answer 「不适用/暂无」 instead of a number.
                    "not_applicable": {"type": "boolean"},
                    "help": {"type": "string"},
                },
            },
        },
    },
}

_validator = jsonschema.Draft202012Validator(META_SCHEMA)
OFFICIAL_DIR = Path(__file__).resolve().parent / "official_forms"


def validate_definition(definition: dict) -> None:
    """Raise ValidationError listing every way `definition` breaks the meta-schema,
    including keys repeated within a part (which JSON Schema cannot express)."""
    errors = [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(根)'}: {error.message}"
        for error in sorted(_validator.iter_errors(definition), key=lambda e: list(e.absolute_path))
    ]
    if not errors:
        for part in ("header_fields", "sections", "figures"):
            keys = [item["key"] for item in definition[part]]
            repeated = sorted({key for key in keys if keys.count(key) > 1})
            if repeated:
                errors.append(f"{part}: 重复的 key {', '.join(repeated)}")
        for figure in definition["figures"]:
            low, high = figure.get("minimum"), figure.get("maximum")
            if low is not None and high is not None and low > high:
                errors.append(f"figures/{figure['key']}: 最小值大于最大值")
    if errors:
        raise ValidationError(errors)


def official_definition(category_code: str) -> dict:
    """The official form of a category (from the notice), shipped as JSON data."""
    definition = json.loads((OFFICIAL_DIR / f"{category_code}.json").read_text(encoding="utf-8"))
    validate_definition(definition)
    return definition


# The four categories of the notice, in its order: (code, name).
OFFICIAL_CATEGORIES = (
    ("platform", "新媒体平台建设"),
    ("production", "融合生产传播"),
    ("services", "综合信息服务"),
    ("reform", "体制机制改革"),
)
