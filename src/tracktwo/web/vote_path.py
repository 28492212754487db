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

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from tracktwo.web.routes import api
from tracktwo.web.routes.deps import serve_session_only
from tracktwo.web.security import Access, check_csrf, enforcement

PATH = re.compile(r"/api/rounds/([^/]+)/votes")
# What the declared route runs before its function, in order (checked by a test).
STEPS = (serve_session_only, enforcement(Access.RESPONDENT), check_csrf)


def _handler(app: Any, error: Exception) -> Any:
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
            handler = _handler(scope["app"], error)
            if handler is None:
                raise
            answer = await handler(request, error)
        await answer(scope, receive, send)
