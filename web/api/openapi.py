"""The OpenAPI 3.1 document of ``/api/v1`` (kept next to the views; a test checks that
every API route is documented and that the document is valid)."""

from __future__ import annotations

from typing import Any

from web.services.villages import FILTER_FLAGS

JSON = dict[str, Any]


def _ref(name: str) -> JSON:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: JSON, description: str) -> JSON:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS: JSON = {
    "401": {"$ref": "#/components/responses/LoginRequired"},
    "403": {"$ref": "#/components/responses/Forbidden"},
    "404": {"$ref": "#/components/responses/NotFound"},
}
#: what every POST may also answer: a missing/stale CSRF token or a body that is not JSON
#: (400), JSON that breaks the request schema (422)
WRITE_ERRORS: JSON = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "422": {"$ref": "#/components/responses/Unprocessable"},
}
#: a GET with query parameters: a value outside their schema (422), or a character no
#: request may carry (a NUL: 400, web/security.py)
QUERY_ERRORS: JSON = {"400": {"$ref": "#/components/responses/BadRequest"},
                      "422": {"$ref": "#/components/responses/Unprocessable"}}
#: database ids (SQLite and PostgreSQL bigint); the path converter takes no sign
ID = {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}  # web/routing.py MAX_ID
REGENCY = {"name": "regency_code", "in": "path", "required": True,
           "schema": {"type": "string", "pattern": r"^\d{2}\.\d{2}$"},
           "description": "Kemendagri regency code, e.g. 36.90"}
JOB_ID = {"name": "job_id", "in": "path", "required": True, "schema": ID}
PROVINCE = {"name": "province_code", "in": "path", "required": True,
            "schema": {"type": "string", "pattern": r"^\d{2}$"},
            "description": "Kemendagri province code, e.g. 36"}
BATCH_ID = {"name": "batch_id", "in": "path", "required": True,
            "schema": {"type": "string", "pattern": "^[0-9a-f]{12}$"}}
VERSION_ID = {"name": "version_id", "in": "path", "required": True, "schema": ID}
CSRF = {"name": "X-CSRFToken", "in": "header", "required": True, "schema": {"type": "string"},
        "description": "The token of <meta name=\"csrf-token\"> of any signed-in page"}

#: the solver settings of a job (the form allows the same ranges)
SOLVER_FIELDS: JSON = {
    "time_limit_s": {"type": "number", "minimum": 1, "maximum": 600,
                     "description": "Solver wall-time limit; default 20 (the server's "
                     "PLANNING_MAX_TIME_LIMIT_S may be lower)"},
    "seed": {"type": "integer", "minimum": 0, "maximum": 1_000_000},
    "solution_limit": {"type": ["integer", "null"], "minimum": 1, "maximum": 1_000_000,
                       "description": "Deterministic mode: stop after this many rounds"},
}

SCHEMAS: JSON = {
    "Error": {"type": "object", "required": ["error", "status"], "properties": {
        "error": {"type": "string", "description": "Plain Indonesian message"},
        "status": {"type": "integer"},
        "violations": {"type": "array", "items": {"type": "string"},
                       "description": "Rules an edit would break (Indonesian)"},
        "problems": {"type": "array", "description": "422: each part of the request that "
                     "breaks the schema", "items": {
                         "type": "object", "required": ["field", "message"], "properties": {
                             "field": {"type": "string",
                                       "description": "e.g. week_start, types.0"},
                             "message": {"type": "string"}}}}}},
    "Village": {"type": "object", "properties": {
        "kode": {"type": "string"}, "name": {"type": "string"}, "district": {"type": "string"},
        "stop": {"type": "object", "properties": {"lat": {"type": "number"},
                                                  "lon": {"type": "number"}}},
        "flags": {"type": "object", "additionalProperties": {"type": "boolean"}},
        "overridden": {"type": "array", "items": {"type": "string"}},
        "wajib_ktp": {"type": ["integer", "null"]}, "sudah_rekam": {"type": ["integer", "null"]},
        "belum_rekam": {"type": ["integer", "null"]}}},
    "Team": {"type": "object", "properties": {
        "id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"},
        "kits": {"type": "integer"}, "boat_capable": {"type": "boolean"},
        "workdays": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 7}},
        "day_start": {"type": ["string", "null"]}, "day_end": {"type": ["string", "null"]},
        "daily_cap": {"type": ["integer", "null"]}, "active": {"type": "boolean"},
        "base_office": {"type": ["string", "null"]}}},
    "JobRequest": {"type": "object", "additionalProperties": False, "properties": {
        "week_start": {"type": "string", "format": "date",
                       "description": "A Monday; default: next Monday"},
        **SOLVER_FIELDS}},
    "ProvinceJobRequest": {"type": "object", "additionalProperties": False, "properties": {
        "week_start": {"type": "string", "format": "date",
                       "description": "A Monday; default: next Monday"},
        "time_limit_s": SOLVER_FIELDS["time_limit_s"]}},
    "Batch": {"type": "object", "required": ["batch", "jobs"], "properties": {
        "batch": {"type": "string"}, "province_code": {"type": "string"},
        "week_start": {"type": ["string", "null"], "format": "date"},
        "fraction": {"type": "number", "description": "Overall progress 0-1"},
        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
        "jobs": {"type": "array", "items": _ref("Job")},
        "skipped": {"type": "array", "items": {"type": "object", "properties": {
            "regency_code": {"type": "string"},
            "reason": {"type": "string", "description": "Plain Indonesian"}}}}}},
    "ReoptimiseRequest": {"type": "object", "additionalProperties": False,
                          "properties": SOLVER_FIELDS},
    "Job": {"type": "object", "required": ["id", "status"], "properties": {
        "id": {"type": "integer"}, "regency_code": {"type": "string"},
        "week_start": {"type": "string", "format": "date"},
        "status": {"type": "string",
                   "enum": ["queued", "running", "done", "failed", "cancelled"]},
        "params": {"type": "object"},
        "progress": {"type": "object", "properties": {
            "fraction": {"type": "number"}, "elapsed_s": {"type": "number"},
            "time_limit_s": {"type": "number"},
            "best_prize": {"type": ["integer", "null"],
                           "description": "Best objective so far (weighted recordings x 100)"},
            "travel_s": {"type": ["integer", "null"]}, "improvements": {"type": "integer"}}},
        "error": {"type": ["string", "null"], "description": "Plain Indonesian message"},
        "queue_position": {"type": "integer"},
        "created_at": {"type": ["string", "null"]}, "started_at": {"type": ["string", "null"]},
        "finished_at": {"type": ["string", "null"]},
        "result_version_id": {"type": ["integer", "null"]},
        "cancelled": {"type": "boolean"}}},
    "PlanVersion": {"type": "object", "required": ["id", "status", "week_revision"],
                    "properties": {
        "id": {"type": "integer"}, "regency_code": {"type": "string"},
        "week_start": {"type": "string", "format": "date"}, "version": {"type": "integer"},
        "status": {"type": "string", "enum": ["draft", "published", "superseded"]},
        "origin": {"type": "string", "enum": ["solver", "edit", "reoptimise"]},
        "note": {"type": "string"}, "based_on_id": {"type": ["integer", "null"]},
        "created_at": {"type": ["string", "null"]}, "published_at": {"type": ["string", "null"]},
        "week_revision": {"type": "integer",
                          "description": "Send as base_revision when publishing"},
        "week_published_version_id": {"type": ["integer", "null"]},
        "summary": {"type": "object"},
        "plan": {"type": "object", "description": "The plan JSON (docs/plan.md)"}}},
    "Edit": {"type": "object", "required": ["action"], "additionalProperties": False,
             "properties": {
        "action": {"type": "string", "enum": ["move", "remove", "add", "pin", "unpin"]},
        "visit_id": {"type": "string", "description": "The stop (move, remove, pin, unpin)"},
        "vehicle_id": {"type": "string", "description": "Target team-day (move, add)"},
        "position": {"type": ["integer", "null"], "minimum": 1,
                     "description": "1-based place in the target route; default: the end"},
        "village_code": {"type": "string", "description": "The village to add (add)"},
        "dry_run": {"type": "boolean", "description": "Only check; save nothing"}}},
    "EditResult": {"type": "object", "properties": {
        "ok": {"type": "boolean"}, "note": {"type": "string"}, "dry_run": {"type": "boolean"},
        "summary": {"type": "object"}, "version": _ref("PlanVersion")}},
    "PublishRequest": {"type": "object", "required": ["base_revision"],
                       "additionalProperties": False, "properties": {
        "base_revision": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1,
                          "description": "The week_revision read with the version"}}},
    "Published": {"type": "object", "properties": {
        "published_version_id": {"type": "integer"}, "week_revision": {"type": "integer"}}},
}


def responses_of(responses: JSON, params: list[JSON], *, write: bool) -> JSON:
    """The operation's own answers over the ones every call (or every POST, or every GET
    with a query) may give."""
    query = any(p["in"] == "query" for p in params)
    return {**ERRORS, **(WRITE_ERRORS if write else {}), **(QUERY_ERRORS if query else {}),
            **responses}


def _op(summary: str, responses: JSON, *, params: list[JSON] | None = None,
        body: str | None = None, write: bool = False, tag: str = "",
        body_required: bool = True) -> JSON:
    op: JSON = {"summary": summary, "tags": [tag] if tag else [],
                "parameters": (params or []) + ([CSRF] if write else []),
                "responses": responses_of(responses, params or [], write=write)}
    if body:
        op["requestBody"] = {"required": body_required,
                             "content": {"application/json": {"schema": _ref(body)}}}
    return op


def openapi_document() -> JSON:
    """The document served at ``/api/v1/openapi.json``."""
    error = _json(_ref("Error"), "Refused (the message says why)")
    queue_full = {"$ref": "#/components/responses/QueueFull"}
    document: JSON = {
        "openapi": "3.1.0",
        "info": {"title": "Jemput Bola API", "version": "1.0.0",
                 "description": "Weekly route plans of mobile e-KTP recording teams. Sign in "
                 "through /masuk (session cookie); POST calls need the X-CSRFToken header. "
                 "Times in plans are seconds since local midnight (WIB/WITA/WIT of the "
                 "regency)."},
        "servers": [{"url": "/"}],
        "tags": [{"name": "data"}, {"name": "jobs"}, {"name": "plans"}],
        "paths": {
            "/api/v1/regencies/{regency_code}/villages": {"get": _op(
                "Villages with flags and backlog", {"200": _json({"type": "object", "properties": {
                    "regency_code": {"type": "string"},
                    "villages": {"type": "array", "items": _ref("Village")}}}, "Villages")},
                params=[REGENCY, {"name": "flag", "in": "query", "required": False,
                                  "style": "form", "explode": True,
                                  "description": "Only villages with every flag given",
                                  "schema": {"type": "array", "items": {
                                      "type": "string", "enum": list(FILTER_FLAGS)}}}],
                tag="data")},
            "/api/v1/regencies/{regency_code}/teams": {"get": _op(
                "Teams", {"200": _json({"type": "object", "properties": {
                    "regency_code": {"type": "string"},
                    "teams": {"type": "array", "items": _ref("Team")}}}, "Teams")},
                params=[REGENCY], tag="data")},
            "/api/v1/regencies/{regency_code}/jobs": {"post": _op(
                "Queue a planning job (the worker solves it)",
                {"202": _json(_ref("Job"), "Queued"), "400": error, "429": queue_full},
                params=[REGENCY], body="JobRequest", write=True, tag="jobs",
                body_required=False)},
            "/api/v1/provinces/{province_code}/jobs": {"post": _op(
                "Plan every regency of the province for one week (one job each; drafts)",
                {"202": _json(_ref("Batch"), "Queued"), "400": error},
                params=[PROVINCE], body="ProvinceJobRequest", write=True, tag="jobs",
                body_required=False)},
            "/api/v1/provinces/{province_code}/batches/{batch_id}": {"get": _op(
                "Progress of a province-wide planning run",
                {"200": _json(_ref("Batch"), "Batch")},
                params=[PROVINCE, BATCH_ID], tag="jobs")},
            "/api/v1/jobs/{job_id}": {"get": _op(
                "Job status and progress", {"200": _json(_ref("Job"), "Job")},
                params=[JOB_ID], tag="jobs")},
            "/api/v1/jobs/{job_id}/cancel": {"post": _op(
                "Cancel a queued or running job (its solver process is killed)",
                {"200": _json(_ref("Job"), "Job after cancelling")},
                params=[JOB_ID], write=True, tag="jobs")},
            "/api/v1/regencies/{regency_code}/plans": {"get": _op(
                "Plan versions, newest first", {"200": _json({"type": "object", "properties": {
                    "regency_code": {"type": "string"},
                    "versions": {"type": "array", "items": _ref("PlanVersion")}}}, "Versions")},
                params=[REGENCY, {"name": "week_start", "in": "query", "required": False,
                                  "schema": {"type": "string", "format": "date"}}],
                tag="plans")},
            "/api/v1/plans/{version_id}": {"get": _op(
                "A plan version with its plan JSON", {"200": _json(_ref("PlanVersion"),
                                                                    "Version")},
                params=[VERSION_ID], tag="plans")},
            "/api/v1/plans/{version_id}/edits": {"post": _op(
                "Edit a plan; re-checked, saved as a new draft when every rule holds",
                {"201": _json(_ref("EditResult"), "New draft"),
                 "200": _json(_ref("EditResult"), "Dry run: the edit would be accepted"),
                 "400": error, "422": _json(_ref("Error"), "The edit breaks rules "
                                            "(violations) or the body breaks the schema "
                                            "(problems); not saved")},
                params=[VERSION_ID], body="Edit", write=True, tag="plans")},
            "/api/v1/plans/{version_id}/publish": {"post": _op(
                "Publish a draft (optimistic concurrency on the week's revision)",
                {"200": _json(_ref("Published"), "Published"), "400": error,
                 "409": _json(_ref("Error"), "The week's plan changed meanwhile; nothing done")},
                params=[VERSION_ID], body="PublishRequest", write=True, tag="plans")},
            "/api/v1/plans/{version_id}/reoptimise": {"post": _op(
                "Queue a job re-planning the rest of the week around the pinned stops",
                {"202": _json(_ref("Job"), "Queued"), "400": error, "429": queue_full},
                params=[VERSION_ID], body="ReoptimiseRequest", write=True, tag="plans",
                body_required=False)},
        },
        "components": {
            "schemas": SCHEMAS,
            "responses": {
                "LoginRequired": _json(_ref("Error"), "Not signed in"),
                "Forbidden": _json(_ref("Error"), "Outside the user's regency or role"),
                "NotFound": _json(_ref("Error"), "No such object"),
                "BadRequest": _json(_ref("Error"), "The CSRF token is missing or stale, "
                                    "the body is missing or not JSON, or the request carries "
                                    "a NUL character"),
                "Unprocessable": _json(_ref("Error"), "The request breaks the schema: "
                                       "problems lists each field"),
                "QueueFull": _json(_ref("Error"), "The regency already has as many queued "
                                   "jobs as allowed (PLANNING_MAX_QUEUED_PER_REGENCY); wait "
                                   "for one to finish or cancel one"),
            },
        },
    }
    from web.field_api.openapi import add_field_api

    return add_field_api(document)
