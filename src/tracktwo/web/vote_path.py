"""The vote route, served without the router's per-request machinery.

Votes are most of a round's requests: a room of a thousand sends a thousand a second. The
route ``POST /api/rounds/{round_id}/votes`` is declared in :mod:`tracktwo.web.routes.api`
as every route is (its rule in the schema, its guard as dependencies), and this
middleware serves it with the very same steps, in the same order: find the session with
those arriving together (``SESSION_ONLY``), the respondent rule and rate limit, the CSRF
token, then the route's own function, which reads the body. What it leaves out is the
router's matching against every route and FastAPI's dependency solving, about half of the
CPU a vote took. Errors are answered by the app's own handlers, so answers are the same
as the declared route's (tests/web/test_vote_path.py checks both).
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from tracktwo.web.routes import api
from tracktwo.web.routes.deps import serve_session_only
from tracktwo.web.security import Access, check_csrf, enforcement
from tracktwo.web.sessions import find_session_together

PATH = re.compile(r"/api/rounds/([^/]+)/votes")
# What the declared route runs before its function, in order (checked by a test).
STEPS = (serve_session_only, enforcement(Access.RESPONDENT), check_csrf)


def handler_for(app: Any, error: Exception) -> Any:
    """Return the app's exception handler for ``error`` (by its class, then its bases)."""
    for kind in type(error).__mro__:
        handler = app.exception_handlers.get(kind)
        if handler is not None:
            return handler
    return None


class VoteFastPath:
    """Serve the vote route's POSTs directly (a plain ASGI middleware); pass the rest on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = PATH.fullmatch(scope["path"]) if scope["type"] == "http" else None
        if found is None or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        scope["path_params"] = {"round_id": found[1]}
        request = Request(scope, receive)
        answer: Response
        try:
            for step in STEPS:
                await step(request)
            answer = JSONResponse(await api.cast_votes(request, found[1]))
        except Exception as error:
            handler = handler_for(scope["app"], error)
            if handler is None:
                raise
            answer = await handler(request, error)
        await answer(scope, receive, send)


# Requests that change something but need no session: signing out of none changes nothing.
SESSION_FREE = frozenset({"/signout"})
_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class SessionBeforeBody:
    """Refuse a request that sends a body without a live session (401) before anything
    reads the body: every form and JSON body of the app is for someone signed in.

    FastAPI reads a form route's body before that route's guard runs; this decides who is
    asking first, for every route at once. The route's own rule (which role, which
    workshop) and its CSRF check still run after; a form's CSRF token travels in the body.
    The vote route decides the same itself (:class:`VoteFastPath`).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in _CHANGING
            or scope["path"] in SESSION_FREE
            or PATH.fullmatch(scope["path"])
            or not _has_body(scope)
        ):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        if await find_session_together(request) is None:
            error = HTTPException(status_code=401, detail="sign in with the link you were given")
            answer = await handler_for(scope["app"], error)(request, error)
            await answer(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _has_body(scope: Scope) -> bool:
    headers = dict(scope["headers"])
    return headers.get(b"content-length", b"0") != b"0" or b"transfer-encoding" in headers
