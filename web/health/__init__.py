"""Health check and the public landing page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

import planner

bp = Blueprint("health", __name__)


@bp.get("/health")
def health() -> dict[str, Any]:
    """Machine-readable health check (nothing about the server's files or settings)."""
    return {"status": "ok", "planner_version": planner.__version__}


@bp.get("/")
def index() -> str | Response:
    """Landing page for visitors; a signed-in user goes to their dashboard."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    return render_template("landing.html", planner_version=planner.__version__)
