"""Filling a vendor's request template with the user's parameters, keeping JSON types.

Rules (what an operator writing a template can rely on):
- A string that is exactly one slot, `"{{duration}}"`, becomes the parameter's typed value: a
  number stays a number, a bool a bool, a list a list. `["{{image_url}}"]` stays an array.
- A slot inside a longer string, `"a song about {{prompt}}"`, is interpolated as text (bools as
  `true`/`false`, numbers as written). An absent optional value interpolates as the empty string.
- An optional parameter with no value and no default removes what its lone slot stands for: the
  key of an object, or the element of an array. A container left empty by such removals is
  removed in turn (so `{"thinking": {"type": "{{thinking}}"}}` vanishes when `thinking` is unset),
  except the top level, which stays.
- Before anything is sent, every parameter is checked against its field (unknown name, wrong
  type, out of bounds, not among the options, too long, missing required) and every slot of the
  template against the declared fields; all problems are reported together as
  ProviderRequestInvalid(errors=[{field, message}, ...]).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Set
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from musia.errors import PresetInvalid, ProviderRequestInvalid

if TYPE_CHECKING:
    from musia.providers.spec import ModelSpec, ParamField

SLOT = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
MAX_TEXT_CHARS = 20_000
_ABSENT = object()
# What may stand in a URL path after substitution (model ids like facebook/musicgen-small).
_PATH_VALUE = re.compile(r"^[A-Za-z0-9._~\-/]+$")


def slots(template: Any) -> set[str]:
    """Every variable name the template uses, at any depth (keys are not templated)."""
    if isinstance(template, str):
        return set(SLOT.findall(template))
    if isinstance(template, Mapping):
        return set().union(*(slots(value) for value in template.values()))
    if isinstance(template, list):
        return set().union(*(slots(value) for value in template))
    return set()


def check_template(template: Any, known: Set[str], *, where: str) -> None:
    unknown = sorted(slots(template) - known)
    if unknown:
        raise PresetInvalid(f"{where} uses undeclared variables: {', '.join(unknown)}")


def check_value(field: ParamField, value: Any) -> str | None:
    """Why `value` does not fit `field`, or None when it does."""
    checker = _CHECKS[field.kind]
    return checker(field, value)


def _check_text(field: ParamField, value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be text"
    limit = field.max_length or MAX_TEXT_CHARS
    if len(value) > limit:
        return f"must be at most {limit} characters"
    if field.required and not value.strip():
        return "must not be empty"
    return None


def _check_number(field: ParamField, value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "must be a number"
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a finite number"
    if field.integer and not isinstance(value, int):
        return "must be a whole number"
    if field.min is not None and value < field.min:
        return f"must be at least {field.min:g}"
    if field.max is not None and value > field.max:
        return f"must be at most {field.max:g}"
    return None


def _check_bool(field: ParamField, value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _check_select(field: ParamField, value: Any) -> str | None:
    options = field.options or []
    # Compare type and value: "5" is not the option 5, and True is not the option 1.
    if any(type(value) is type(option) and value == option for option in options):
        return None
    return "must be one of " + ", ".join(_as_text(option) for option in options)


def _check_list(field: ParamField, value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return "must be a list of text"
    if field.max_items is not None and len(value) > field.max_items:
        return f"must have at most {field.max_items} items"
    if any(len(item) > (field.max_length or MAX_TEXT_CHARS) for item in value):
        return "has an item that is too long"
    return None


_CHECKS = {
    "text": _check_text,
    "number": _check_number,
    "bool": _check_bool,
    "select": _check_select,
    "list": _check_list,
}


def resolve_values(
    model: ModelSpec, params: Mapping[str, Any], context: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The value of every variable (user parameters checked against their fields, defaults
    filled in, gateway context added), or ProviderRequestInvalid listing every problem."""
    fields = {field.name: field for field in model.parameters_schema}
    errors = [
        {"field": name, "message": "is not a parameter of this model"}
        for name in params
        if name not in fields
    ]
    values: dict[str, Any] = {}
    for name, field in fields.items():
        value = params.get(name)
        if value is None:
            value = field.default
        if value is None:
            if field.required:
                errors.append({"field": name, "message": "is required"})
            continue
        problem = check_value(field, value)
        if problem:
            errors.append({"field": name, "message": problem})
        values[name] = value
    if errors:
        raise ProviderRequestInvalid(errors)
    return values | {key: value for key, value in (context or {}).items() if value is not None}


def render(template: Any, values: Mapping[str, Any]) -> Any:
    """The template with every slot filled; see the module rules."""
    rendered = _render(template, values)
    if rendered is not _ABSENT:
        return rendered
    return {} if isinstance(template, Mapping) else [] if isinstance(template, list) else None


def build_request(
    model: ModelSpec, params: Mapping[str, Any], context: Mapping[str, str] | None = None
) -> tuple[str, Any]:
    """(endpoint, body) for a create request, or ProviderRequestInvalid before anything is
    sent. A slot naming no declared variable is refused here too, for models built without
    validation (it would otherwise be sent as a literal `{{name}}`)."""
    from musia.providers.spec import CONTEXT_VARIABLES

    values = resolve_values(model, params, context)
    known = {field.name for field in model.parameters_schema} | CONTEXT_VARIABLES
    unknown = sorted((slots(model.request_schema) | slots(model.endpoint)) - known)
    if unknown:
        raise ProviderRequestInvalid(
            [
                {"field": name, "message": "is used by the template but not declared"}
                for name in unknown
            ]
        )
    endpoint = render_path(model.endpoint, values, where="endpoint")
    return endpoint, render(model.request_schema, values)


def _render(template: Any, values: Mapping[str, Any]) -> Any:
    if isinstance(template, str):
        return _render_text(template, values)
    if isinstance(template, Mapping):
        pairs = {key: _render(value, values) for key, value in template.items()}
        kept = {key: value for key, value in pairs.items() if value is not _ABSENT}
        return _ABSENT if pairs and not kept else kept
    if isinstance(template, list):
        items = [_render(value, values) for value in template]
        kept_items = [value for value in items if value is not _ABSENT]
        return _ABSENT if items and not kept_items else kept_items
    return template


def _render_text(template: str, values: Mapping[str, Any]) -> Any:
    whole = SLOT.fullmatch(template)
    if whole:
        return values.get(whole[1], _ABSENT)
    return SLOT.sub(lambda match: _as_text(values.get(match[1], "")), template)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return str(value)


def render_path(template: str, values: Mapping[str, Any], *, where: str) -> str:
    """An endpoint with its slots filled: values are URL-quoted in the query string and, in
    the path, limited to URL-safe characters with no `..` (a value cannot climb the URL)."""
    path, _, query = template.partition("?")
    errors: list[dict[str, str]] = []

    def in_path(match: re.Match[str]) -> str:
        value = _as_text(values.get(match[1], ""))
        if not _PATH_VALUE.match(value) or ".." in value.split("/"):
            errors.append({"field": match[1], "message": f"cannot be used in the {where} URL"})
        return value

    def in_query(match: re.Match[str]) -> str:
        return quote(_as_text(values.get(match[1], "")), safe="")

    filled = SLOT.sub(in_path, path)
    if errors:
        raise ProviderRequestInvalid(errors)
    return filled + ("?" + SLOT.sub(in_query, query) if query else "")
