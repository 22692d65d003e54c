"""``jemput-bola`` / ``python -m web``: run the app on the embedded defaults."""

from __future__ import annotations

import os

from web import create_app


def main() -> None:
    """Serve on http://127.0.0.1:5000 (``JEMPUT_BOLA_PORT`` to change)."""
    app = create_app()
    port = int(os.environ.get("JEMPUT_BOLA_PORT", "5000"))
    print(f"Jemput Bola: http://127.0.0.1:{port}/")
    app.run(host="127.0.0.1", port=port)


if __name__ == "__main__":
    main()
