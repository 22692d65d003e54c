"""Requests of ``/api/v1`` checked against the OpenAPI document that is served (one source of
truth): the JSON body against the operation's ``requestBody`` schema, the query parameters
against theirs.

A body that is not JSON (or a missing required one) is a 400; JSON that breaks the schema is
a 422 listing every problem, in Indonesian, with the field it concerns.  Nothing is guessed:
before these checks a form-encoded or garbled body was taken as empty and a job queued with
the defaults.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from flask import request
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

JSON = dict[str, Any]
ROOT = "urn:jemput-bola:api"


class RequestError(Exception):
    """A request the API refuses: a status, an Indonesian message and the problems found."""

    def __init__(self, status: int, message: str,
                 problems: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = problems or []

    def body(self) -> JSON:
        """The JSON error body (``Error`` of the document)."""
        out: JSON = {"error": self.message, "status": self.status}
        if self.problems:
            out["problems"] = self.problems
        return out


def openapi_path(rule: str) -> str:
    """``/api/v1/jobs/<int:job_id>`` → ``/api/v1/jobs/{job_id}`` (any converter, with or
    without arguments)."""
    return re.sub(r"<(?:[^:>]+:)?([a-z_]+)>", r"{\1}", rule)


@cache
def _document() -> JSON:
    from web.api.openapi import openapi_document

    return openapi_document()


@cache
def _registry() -> Registry[Any]:
    return Registry().with_resource(ROOT, Resource.from_contents(
        _document(), default_specification=DRAFT202012))


@cache
def _validator(pointer: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"{ROOT}#{pointer}"}, registry=_registry(),
                                format_checker=FormatChecker())


def _operation() -> tuple[JSON, str]:
    rule = request.url_rule
    if rule is None:  # pragma: no cover - only called from routed views
        raise LookupError("no route")
    path = openapi_path(rule.rule)
    method = request.method.lower()
    return _document()["paths"][path][method], f"/paths/{_escape(path)}/{method}"


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _field(error: ValidationError, root: str) -> str:
    parts = [root] if root else []
    parts += [str(p) for p in error.absolute_path]
    if error.validator == "required":
        parts.append(str(error.message).split("'")[1])
    elif error.validator == "additionalProperties":
        return ".".join(parts)
    return ".".join(parts) or "(isi)"


def _indonesian(error: ValidationError) -> str:
    """What a schema error means, for a clerk reading the message."""
    kind, expected = error.validator, error.validator_value
    types = {"string": "teks", "integer": "bilangan bulat", "number": "angka",
             "boolean": "true atau false", "object": "objek JSON", "array": "daftar",
             "null": "null"}
    if kind == "type":
        names = expected if isinstance(expected, list) else [expected]
        return "harus berupa " + " atau ".join(types.get(str(n), str(n)) for n in names)
    if kind == "required":
        return "wajib diisi"
    if kind == "additionalProperties":
        return "kolom tidak dikenal"
    if kind == "enum":
        return "harus salah satu dari: " + ", ".join(str(v) for v in expected)
    if kind == "format":
        return {"date": "harus berupa tanggal YYYY-MM-DD",
                "date-time": "harus berupa waktu ISO 8601 dengan zona"}.get(
            str(expected), f"format harus {expected}")
    if kind in ("minimum", "exclusiveMinimum"):
        return f"paling kecil {expected}"
    if kind in ("maximum", "exclusiveMaximum"):
        return f"paling besar {expected}"
    if kind == "minLength":
        return f"paling sedikit {expected} huruf"
    if kind == "maxLength":
        return f"paling banyak {expected} huruf"
    if kind == "pattern":
        return f"tidak sesuai pola {expected}"
    return str(error.message)


def _problems(validator: Draft202012Validator, instance: Any,
              root: str = "") -> list[dict[str, str]]:
    out = []
    for error in validator.iter_errors(instance):
        if error.validator == "additionalProperties":  # one problem per unknown field
            known = error.schema.get("properties", {})
            out += [{"field": ".".join([_field(error, root), name]).lstrip("."),
                     "message": _indonesian(error)}
                    for name in sorted(set(error.instance) - set(known))]
        else:
            out.append({"field": _field(error, root), "message": _indonesian(error)})
    return sorted(out, key=lambda p: p["field"])


def _refuse(problems: list[dict[str, str]]) -> RequestError:
    summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    return RequestError(422, f"permintaan tidak sesuai aturan API: {summary}", problems)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def check_query() -> None:
    """Raise :class:`RequestError` (422) when a documented query parameter breaks its schema."""
    operation, pointer = _operation()
    problems: list[dict[str, str]] = []
    for k, param in enumerate(operation.get("parameters", [])):
        if param["in"] != "query" or param["name"] not in request.args:
            continue
        values = request.args.getlist(param["name"])
        value: Any = values if param["schema"].get("type") == "array" else values[-1]
        problems += _problems(_validator(f"{pointer}/parameters/{k}/schema"), value,
                              root=param["name"])
    if problems:
        raise _refuse(problems)


def json_body() -> JSON:
    """The request's JSON body, checked against the operation's schema.

    An empty body is ``{}`` when the document says the body is optional.  Raises
    :class:`RequestError`: 400 when the body is missing but required or is not JSON
    (``Content-Type: application/json``), 422 when it breaks the schema.
    """
    operation, pointer = _operation()
    spec = operation.get("requestBody")
    raw = request.get_data(cache=True)
    if spec is None:
        return {}
    if not raw.strip() and not request.content_length:
        if spec.get("required"):
            raise RequestError(400, "isi permintaan (JSON) wajib diisi")
        return {}
    if not request.is_json:
        raise RequestError(400, "isi permintaan harus JSON (Content-Type: application/json)")
    try:
        data = json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise RequestError(400, "isi permintaan bukan JSON yang sah") from exc
    problems = _problems(_validator(f"{pointer}/requestBody/content/application~1json/schema"),
                         data)
    if problems:
        raise _refuse(problems)
    return data  # type: ignore[no-any-return]
