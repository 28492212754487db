"""Interface languages: English and Arabic (right-to-left), chosen per request."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations
from fastapi import Request

TRANSLATIONS = Path(__file__).parent / "translations"
LANGUAGES = {"en": "English", "ar": "العربية"}
RIGHT_TO_LEFT = {"ar"}
DEFAULT = "en"
COOKIE = "lang"


@cache
def translations(language: str) -> NullTranslations:
    """Return the compiled catalogue of ``language`` (English is the source language)."""
    if language == DEFAULT:
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [language], domain="messages")


def language_of(request: Request) -> str:
    """Pick the language: ``?lang=``, then the cookie, then Accept-Language, then English."""
    asked = request.query_params.get("lang") or request.cookies.get(COOKIE)
    if asked in LANGUAGES:
        return str(asked)
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT


def direction(language: str) -> str:
    """Return ``rtl`` for right-to-left scripts, else ``ltr``."""
    return "rtl" if language in RIGHT_TO_LEFT else "ltr"
