"""The base of every civic form: Flask-WTF's form speaking Ukrainian.

Validators given no ``message=`` (``Length(max=300)``, ``DataRequired()``, ``NumberRange``,
a field's own "not a valid integer") fall back to WTForms' built-in messages, which are
English unless a translation is chosen. WTForms ships a Ukrainian catalogue; every form takes
its messages from it («Значення поля має містити не більше ніж 300 символів.»), with no
Babel set-up and whatever the browser's language.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.i18n import get_translations

LOCALES = ("uk_UA", "uk")


class Form(FlaskForm):
    class Meta:
        locales = LOCALES

        def get_translations(self, form):
            return get_translations(LOCALES)
