"""The Flask application factory and its health page."""

from __future__ import annotations

from web import create_app


def test_health_page_reports_ok():
    """GET /health answers 200 with status ok and the planner version."""
    app = create_app({"TESTING": True})
    response = app.test_client().get("/health")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


def test_config_from_prefixed_environment(monkeypatch):
    """JEMPUT_BOLA_* environment variables override the defaults."""
    monkeypatch.setenv("JEMPUT_BOLA_SECRET_KEY", "from-env")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"


def test_landing_page_is_indonesian():
    """The landing page is served in Bahasa Indonesia."""
    app = create_app({"TESTING": True})
    body = app.test_client().get("/").get_data(as_text=True)
    assert "lang='id'" in body
    assert "Perencana rute" in body
