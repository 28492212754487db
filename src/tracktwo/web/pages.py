"""Render pages with the language, direction, CSRF token and actor every template needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from tracktwo.web.charts import group_colour
from tracktwo.web.i18n import LANGUAGES, direction, language_of, translations
from tracktwo.web.security import CSRF_FIELD, csrf_token
from tracktwo.web.sessions import current_actor

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.globals["colour"] = group_colour


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render template ``name`` in the request's language."""
    language = language_of(request)
    catalogue = translations(language)
    response = TEMPLATES.TemplateResponse(
        request,
        name,
        {
            "_": catalogue.gettext,
            "lang": language,
            "dir": direction(language),
            "languages": LANGUAGES,
            "csrf_field": CSRF_FIELD,
            "csrf": csrf_token(request),
            "actor": current_actor(request),
            **context,
        },
        status_code=status_code,
    )
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie("lang", language, samesite="strict", httponly=True)
    return response
