"""The FastAPI application: server-rendered pages (Jinja2 + htmx) and a small JSON API."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tracktwo.errors import (
    AccessDenied,
    ConfidentialityError,
    NotFoundError,
    RuleViolation,
    StoreRefusal,
    TrackTwoError,
    ValidationError,
)
from tracktwo.web.limits import RespondentLimits
from tracktwo.web.live import LiveHub
from tracktwo.web.pages import render
from tracktwo.web.routes import (
    api,
    community,
    console,
    joint_table,
    lifecycle,
    organiser,
    participant,
    public,
    reference,
)
from tracktwo.web.sessions import SessionCookies, SessionLookups, policy_from_environment
from tracktwo.web.vote_path import SessionBeforeBody, VoteFastPath
from tracktwo.web.votes import VoteStream

if TYPE_CHECKING:
    from tracktwo.services.web_sessions import SessionPolicy
    from tracktwo.store.database import Store

STATIC = Path(__file__).parent / "static"


def _same_site_referer(request: Request) -> str | None:
    """The page a refused form was sent from, to go back to it (only a page of this site)."""
    referer = request.headers.get("referer", "")
    base = str(request.base_url)
    return referer if referer.startswith(base) and "/signin/" not in referer else None


def _status(error: TrackTwoError) -> int:
    if isinstance(error, AccessDenied):
        return 403
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, ValidationError | RuleViolation):
        return 400
    if isinstance(error, ConfidentialityError):
        return 500
    if isinstance(error, StoreRefusal):
        return 409
    return 400


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    )


SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"connect-src 'self'; frame-ancestors 'none'",
    ),
]


class SecurityHeaders:
    """Add the security headers to every HTTP response (a plain ASGI middleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


MAX_BODY_ENV = "TRACKTWO_MAX_BODY_BYTES"
MAX_BODY = 1024 * 1024
"""A request body's largest size: a full ballot of 10,000 votes is about 450 KB, and every
form of the pages far less. Set TRACKTWO_MAX_BODY_BYTES to change it."""


class BodyLimit:
    """Answer 413 to a request whose body is larger than the limit, before anything reads
    it: at once when its Content-Length says so, or as soon as a streamed body passes the
    limit (a plain ASGI middleware, outermost, so no route, session or CSRF check runs)."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(send)
            return
        seen = 0
        refused = False
        # A request that announces a body (a length above 0, or chunks) until it has all
        # been read: answered before that, the connection is closed, never drained.
        unread = declared not in (None, b"0") or b"transfer-encoding" in dict(scope["headers"])

        async def counted() -> Message:
            nonlocal seen, refused, unread
            message = await receive()
            if message["type"] == "http.request" and not refused:
                seen += len(message.get("body", b""))
                unread = bool(message.get("more_body", False))
                if seen > self.limit:
                    # Answer now; the app sees the client gone, and its reply is dropped.
                    refused = True
                    await self._refuse(send)
                    return {"type": "http.disconnect"}
            return message

        async def unless_refused(message: Message) -> None:
            if refused:
                return
            if message["type"] == "http.response.start" and unread:
                # answered without reading the body (401 before parsing, say): reading the
                # rest only to throw it away would let one client keep the server busy
                message["headers"] = [*message.get("headers", []), (b"connection", b"close")]
            await send(message)

        await self.app(scope, counted, unless_refused)

    async def _refuse(self, send: Send) -> None:
        body = f"request body larger than {self.limit} bytes".encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"text/plain"),
                    (b"content-length", str(len(body)).encode()),
                    # the rest of the body is never read: the connection cannot carry on
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def create_app(
    store: Store,
    *,
    secure_cookies: bool = False,
    sessions: SessionPolicy | None = None,
    live: LiveHub | None = None,
) -> FastAPI:
    """Build the app for ``store``.

    The session cookie is marked Secure when ``secure_cookies`` is set or the request came
    over https; ``sessions`` sets the sessions' idle and absolute lifetimes (by default from
    the environment, see :mod:`tracktwo.web.sessions`); ``live`` relays the live discussion
    (by default in this process's memory; see :mod:`tracktwo.web.live_across` for several).
    """
    hub = live or LiveHub()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await hub.start()
        try:
            yield
        finally:
            await hub.stop()

    app = FastAPI(
        title="tracktwo",
        description="Confidential problem-solving workshops: facilitator console, party and "
        "joint spaces, live discussion and community feedback rounds. Each route states who "
        "may reach it in its `x-access` field.",
        version="0.1.0",
        # Served by routes/reference.py to facilitators only, with no script from elsewhere.
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    policy = sessions or policy_from_environment()
    # Innermost of ours: its answers get the security headers and pass the body limit.
    app.add_middleware(VoteFastPath)
    app.add_middleware(SessionBeforeBody)
    app.add_middleware(SecurityHeaders)
    app.state.store = store
    app.state.live = hub
    app.state.votes = VoteStream(store)
    app.state.respondent_limits = RespondentLimits.from_environment()
    app.state.session_policy = policy
    app.state.session_lookups = SessionLookups(store, policy)
    app.add_middleware(SessionCookies, secure=secure_cookies, max_age=policy.absolute)
    # Added last, so outermost: an oversized body is refused before anything else runs.
    app.add_middleware(BodyLimit, limit=int(os.environ.get(MAX_BODY_ENV, MAX_BODY)))

    @app.exception_handler(TrackTwoError)
    async def our_errors(request: Request, error: TrackTwoError) -> Response:
        status = _status(error)
        if _wants_json(request):
            return JSONResponse({"error": type(error).__name__, "detail": str(error)}, status)
        return render(
            request,
            "error.html",
            status_code=status,
            status=status,
            message=str(error),
            back=_same_site_referer(request),
        )

    @app.exception_handler(HTTPException)
    async def http_errors(request: Request, error: HTTPException) -> Response:
        if _wants_json(request):
            answer: Response = JSONResponse({"detail": error.detail}, error.status_code)
        else:
            answer = render(
                request,
                "error.html",
                status_code=error.status_code,
                status=error.status_code,
                message=str(error.detail),
            )
        answer.headers.update(error.headers or {})  # Retry-After, say
        return answer

    @app.exception_handler(RequestValidationError)
    async def form_errors(request: Request, error: RequestValidationError) -> Response:
        """A form or query that does not hold what the page needs: say which field, in words
        (JSON only to clients that ask for JSON)."""
        if _wants_json(request):
            return JSONResponse({"detail": jsonable_encoder(error.errors())}, 422)
        problems = []
        for item in error.errors():
            field = str(item.get("loc", ("", "the form"))[-1]).replace("_", " ")
            if item.get("type") == "missing":
                problems.append(f"{field}: nothing was given; fill it in or choose one")
            else:
                problems.append(f"{field}: {item.get('msg', 'not valid')}")
        message = "The form could not be used. " + "; ".join(problems) + "."
        return render(request, "error.html", status_code=422, status=422, message=message)

    # The vote route first: the router tries routes in order, and votes are most requests.
    app.include_router(api.votes_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (
        public,
        organiser,
        console,
        lifecycle,
        joint_table,
        participant,
        community,
        api,
        reference,
    ):
        app.include_router(module.router)
    return app
