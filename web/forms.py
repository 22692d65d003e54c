"""Small pieces shared by the feature forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import DataRequired


def required() -> DataRequired:
    """"Wajib diisi." in the user's language (WTForms has no Indonesian catalogue)."""
    return DataRequired(message=_l("Wajib diisi."))
