"""Health page: tells a person (or a monitor) the app is up and what it runs."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app

import planner

bp = Blueprint("health", __name__)


@bp.get("/health")
def health() -> dict[str, Any]:
    """Machine-readable health check."""
    return {"status": "ok", "planner_version": planner.__version__,
            "sample_data": current_app.config["SAMPLE_DATA"]}


@bp.get("/")
def index() -> str:
    """A plain landing page until the coordinator app exists."""
    return (
        "<!doctype html><html lang='id'><head><meta charset='utf-8'>"
        "<title>Jemput Bola</title></head><body>"
        "<h1>Jemput Bola</h1><p>Perencana rute mingguan tim perekaman KTP-el keliling.</p>"
        f"<p>Versi perencana: {planner.__version__}. <a href='/health'>Status</a></p>"
        "</body></html>"
    )
