"""The field routes of ``/api/v1`` in the OpenAPI document (merged by
:func:`web.api.openapi.openapi_document`)."""

from __future__ import annotations

import copy
from typing import Any

from planner.params import TURNOUT_TYPES
from web.api.openapi import ID, responses_of

JSON = dict[str, Any]

TEAM_ID = {"name": "team_id", "in": "path", "required": True, "schema": ID}
REGENCY = {"name": "regency_code", "in": "path", "required": True,
           "schema": {"type": "string", "pattern": r"^\d{2}\.\d{2}$"}}
CSRF = {"name": "X-CSRFToken", "in": "header", "required": True, "schema": {"type": "string"},
        "description": "The token of <meta name=\"csrf-token\"> or the schedule's csrf_token"}


def _ref(name: str) -> JSON:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: JSON, description: str) -> JSON:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


SCHEMAS: JSON = {
    "ReportRequest": {"type": "object", "required": ["idempotency_key", "visit_id", "date"],
                      "additionalProperties": False, "properties": {
        "idempotency_key": {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,80}$",
                            "description": "Made on the phone (a UUID); a retry sends the same"},
        "visit_id": {"type": "string", "minLength": 1, "pattern": r"\S",
                     "description": "The stop's visit_id in the plan"},
        "date": {"type": "string", "format": "date", "description": "The stop's day"},
        "recorded": {"type": ["integer", "null"], "minimum": 0, "maximum": 5000,
                     "description": "People recorded; required unless unreachable"},
        "unreachable": {"type": "boolean", "description": "The team could not reach it"},
        "reason": {"type": ["string", "null"], "maxLength": 300,
                   "description": "Why not reached (required when unreachable)"},
        "notes": {"type": ["string", "null"], "maxLength": 1000,
                  "description": "No names or NIK: 16 digits in a row are refused"},
        "reported_at": {"type": ["string", "null"], "format": "date-time",
                        "description": "When the phone made the report"}}},
    "Report": {"type": "object", "required": ["id", "idempotency_key", "active"], "properties": {
        "id": {"type": "integer"}, "idempotency_key": {"type": "string"},
        "team_id": {"type": "integer"}, "visit_id": {"type": "string"},
        "date": {"type": "string", "format": "date"},
        "recorded": {"type": ["integer", "null"]}, "expected": {"type": ["integer", "null"]},
        "unreachable": {"type": "boolean"}, "reason": {"type": "string"},
        "notes": {"type": "string"}, "superseded_by_id": {"type": ["integer", "null"]},
        "active": {"type": "boolean", "description": "False once a correction superseded it"},
        "plan_version_id": {"type": ["integer", "null"]},
        "by_village": {"type": "object", "additionalProperties": {"type": "integer"},
                       "description": "A covering stop's count shared among the villages it "
                                      "served, in proportion to the people expected from each"},
        "created_at": {"type": ["string", "null"]},
        "replayed": {"type": "boolean",
                     "description": "True when this key was stored before (nothing changed)"}}},
    "Schedule": {"type": "object", "properties": {
        "team": {"type": "object"}, "regency": {"type": "object"},
        "today": {"type": "string", "format": "date"},
        "generated_at": {"type": "string", "format": "date-time"},
        "csrf_token": {"type": "string", "description": "Send as X-CSRFToken"},
        "version": {"type": ["object", "null"]},
        "days": {"type": "array", "description": "Today first, then the days to come, then "
                 "the days past; each with stops (time, expected recordings, contact, "
                 "navigation links, report in force) and a WhatsApp share URL",
                 "items": {"type": "object"}}}},
    "Turnout": {"type": "object", "properties": {
        "regency_code": {"type": "string"},
        "types": {"type": "array", "items": {"type": "object", "properties": {
            "village_type": {"type": "string", "enum": list(TURNOUT_TYPES)},
            "reports": {"type": "integer"}, "recorded": {"type": "integer"},
            "expected": {"type": "integer"},
            "ratio": {"type": "number", "description": "recorded / expected"},
            "learned_rate": {"type": "number"}, "current_rate": {"type": "number"},
            "accepted_rate": {"type": ["number", "null"]},
            "few_reports": {"type": "boolean"}}}},
        "model": {"type": "object", "description": "The turnout model learned from the "
                  "reports (docs/model.md): learned value (null: the reports do not tell), "
                  "the reports it rests on, the value planning uses now", "properties": {
                      "never_come": {"$ref": "#/components/schemas/LearnedValue"},
                      "repeat_decay": {"$ref": "#/components/schemas/LearnedValue"},
                      "villages": {"type": "array", "items": {"type": "object", "properties": {
                          "village_code": {"type": "string"},
                          "never_come": {"type": "number"},
                          "reports": {"type": "integer"}}}}}}}},
    "LearnedValue": {"type": "object", "properties": {
        "learned": {"type": ["number", "null"]}, "reports": {"type": "integer"},
        "current": {"type": "number"}}},
    "TurnoutAccept": {"type": "object", "additionalProperties": False, "properties": {
        "types": {"type": "array", "items": {"type": "string", "enum": list(TURNOUT_TYPES)},
                  "description": "Types to accept; empty or missing: all"}}},
    "Progress": {"type": "object", "properties": {
        "regency_code": {"type": "string"}, "name": {"type": "string"},
        "villages": {"type": "integer"}, "backlog_left": {"type": "integer"},
        "recorded_week": {"type": "integer"}, "recorded_total": {"type": "integer"},
        "reports": {"type": "integer"}, "unreachable": {"type": "integer"},
        "flagged": {"type": "object"}, "trend": {"type": "array", "items": {"type": "object"}}}},
}


def _op(summary: str, responses: JSON, *, params: list[JSON], body: str | None = None,
        write: bool = False, required: bool = True) -> JSON:
    op: JSON = {"summary": summary, "tags": ["field"],
                "parameters": params + ([CSRF] if write else []),
                "responses": responses_of(responses, params, write=write)}
    if body:
        op["requestBody"] = {"required": required,
                             "content": {"application/json": {"schema": _ref(body)}}}
    return op


def paths() -> JSON:
    """The field paths."""
    error = _json(_ref("Error"), "Error")
    return {
        "/api/v1/teams/{team_id}/schedule": {"get": _op(
            "The team's published stops, today first (the phone's offline copy)",
            {"200": _json(_ref("Schedule"), "Schedule")}, params=[TEAM_ID])},
        "/api/v1/teams/{team_id}/reports": {
            "get": _op("The team's reports, newest first",
                       {"200": _json({"type": "object", "properties": {
                           "team_id": {"type": "integer"},
                           "reports": {"type": "array", "items": _ref("Report")}}},
                           "Reports")}, params=[TEAM_ID]),
            "post": _op(
                "Report a stop (idempotent by key; a later report of the stop corrects it)",
                {"201": _json(_ref("Report"), "Stored"),
                 "200": _json(_ref("Report"), "Same key and body again: the stored report"),
                 "400": error,
                 "409": _json(_ref("Error"), "The key was used with another body"),
                 "422": _json(_ref("Error"), "A rule is broken (no such stop, NIK in notes) "
                              "or the body breaks the schema (problems)")},
                params=[TEAM_ID], body="ReportRequest", write=True)},
        "/api/v1/regencies/{regency_code}/turnout": {
            "get": _op("Turnout learned from reports per village type",
                       {"200": _json(_ref("Turnout"), "Turnout")}, params=[REGENCY]),
            "post": _op("Accept learned turnout rates for the next plans (coordinator)",
                        {"200": _json(_ref("Turnout"), "Turnout after accepting"),
                         "400": error}, params=[REGENCY], body="TurnoutAccept", write=True,
                        required=False)},
        "/api/v1/regencies/{regency_code}/progress": {"get": _op(
            "Backlog left, recorded this week and in total, flagged villages visited, trend",
            {"200": _json(_ref("Progress"), "Progress")}, params=[REGENCY])},
    }


def add_field_api(document: JSON) -> JSON:
    """``document`` with the field paths, schemas and tag added."""
    out = copy.deepcopy(document)
    out["paths"].update(paths())
    out["components"]["schemas"].update(SCHEMAS)
    out["tags"].append({"name": "field"})
    return out
