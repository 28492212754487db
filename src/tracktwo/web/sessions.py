"""The session cookie: a random id naming a session kept in the store.

The cookie holds nothing but the id (HttpOnly, SameSite=Lax, Secure over https); who is
signed in, a respondent's round and the CSRF token live in the store
(:mod:`tracktwo.services.web_sessions`). A request finds its session once, in its own
transaction, as that transaction opens (``routes/deps.py``), before the guards and the
route; :class:`SessionCookies` then writes the cookie on the response: a new id after a
successful sign-in, a deletion after sign-out or when the id opened no live session.

Lifetimes come from ``TRACKTWO_SESSION_IDLE_MINUTES`` (default 240) and
``TRACKTWO_SESSION_HOURS`` (absolute, default 12), or from :func:`create_app`'s argument.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from anyio import to_thread
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tracktwo.domain.actors import Actor
from tracktwo.errors import ConfigurationError
from tracktwo.services import web_sessions
from tracktwo.services.transaction import transaction
from tracktwo.services.web_sessions import SessionPolicy, WebSession

if TYPE_CHECKING:
    from tracktwo.store.database import Store
    from tracktwo.store.unit_of_work import UnitOfWork

COOKIE = "tracktwo_session"
IDLE_ENV = "TRACKTWO_SESSION_IDLE_MINUTES"
ABSOLUTE_ENV = "TRACKTWO_SESSION_HOURS"
_CLEAR = ""  # what ``session_cookie`` holds when the response must delete the cookie


def policy_from_environment(environ: Mapping[str, str] = os.environ) -> SessionPolicy:
    """Return the session lifetimes the environment sets, else the defaults."""

    def number(name: str) -> float | None:
        raw = environ.get(name, "").strip()
        if not raw:
            return None
        try:
            return float(raw)
        except ValueError:
            raise ConfigurationError(f"{name}={raw!r} is not a number") from None

    idle, absolute = number(IDLE_ENV), number(ABSOLUTE_ENV)
    return SessionPolicy(
        idle=web_sessions.DEFAULT_IDLE if idle is None else timedelta(minutes=idle),
        absolute=web_sessions.DEFAULT_ABSOLUTE if absolute is None else timedelta(hours=absolute),
    )


def policy_of(connection: HTTPConnection) -> SessionPolicy:
    policy: SessionPolicy = connection.app.state.session_policy
    return policy


def cookie_id(connection: HTTPConnection) -> str | None:
    """Return the session id the browser sent, if any."""
    return connection.cookies.get(COOKIE) or None


def find_session(request: HTTPConnection, uow: UnitOfWork) -> WebSession | None:
    """Find the request's live session in its transaction (once, before the route runs;
    see ``routes/deps.py``); an id that opens none gets its cookie deleted."""
    token = cookie_id(request)
    found = web_sessions.resolve(uow, token, policy_of(request)) if token else None
    _found(request, token, found)
    return found


def _found(request: HTTPConnection, token: str | None, found: WebSession | None) -> None:
    if token and found is None:
        request.state.session_cookie = _CLEAR
    request.state.web_session = found


class SessionLookups:
    """The vote path's session lookups, made together: the requests that arrive while one
    group is looked up are looked up next, in one transaction, by one query, on one worker
    thread (as the vote stream writes their votes). A crowd voting at once then costs a
    lookup per group, not per request; a lone request is a group of one."""

    def __init__(self, store: Store, policy: SessionPolicy, *, max_group: int = 512) -> None:
        self.store = store
        self.policy = policy
        self.max_group = max_group
        self._queue: asyncio.Queue[tuple[str, asyncio.Future[WebSession | None]]] | None = None
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def find(self, token: str) -> WebSession | None:
        """Return the live session a cookie's id opens, or None."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop or self._queue is None or self._task is None or self._task.done():
            self._loop, self._queue = loop, asyncio.Queue()
            self._task = loop.create_task(self._look_up_forever(self._queue))
        done: asyncio.Future[WebSession | None] = loop.create_future()
        await self._queue.put((token, done))
        return await done

    def _look_up(self, tokens: list[str]) -> list[WebSession | None]:
        with transaction(self.store) as uow:
            return web_sessions.resolve_many(uow, tokens, self.policy)

    async def _look_up_forever(
        self, queue: asyncio.Queue[tuple[str, asyncio.Future[WebSession | None]]]
    ) -> None:
        while True:
            group = [await queue.get()]
            while len(group) < self.max_group and not queue.empty():
                group.append(queue.get_nowait())
            try:
                found = await to_thread.run_sync(self._look_up, [token for token, _ in group])
            except Exception as error:  # the lookup failed: tell every waiter
                for _, done in group:
                    if not done.done():
                        done.set_exception(error)
                continue
            for (_, done), session in zip(group, found, strict=True):
                if not done.done():
                    done.set_result(session)


async def find_session_together(request: HTTPConnection) -> WebSession | None:
    """Find the request's live session with those of the vote requests arriving with it."""
    token = cookie_id(request)
    lookups: SessionLookups = request.app.state.session_lookups
    found = await lookups.find(token) if token else None
    _found(request, token, found)
    return found


def session_of(request: HTTPConnection) -> WebSession | None:
    """Return the live session found for this request, or None (signed out, or a request
    whose session was never looked for: a live-discussion socket finds its own)."""
    found = getattr(request.state, "web_session", None)
    return found if isinstance(found, WebSession) else None


def current_actor(request: HTTPConnection) -> Actor | None:
    """Return the signed-in actor, or None."""
    found = session_of(request)
    return found.actor if found else None


def start_session(
    request: HTTPConnection, uow: UnitOfWork, actor: Actor, *, round_id: UUID | None = None
) -> WebSession:
    """Start a session for ``actor`` in the request's transaction, ending the browser's
    earlier one; the response carries the new id."""
    started = web_sessions.start(
        uow, actor, policy_of(request), round_id=round_id, replacing=cookie_id(request)
    )
    request.state.web_session = started.session
    request.state.session_cookie = started.token
    return started.session


def end_session(request: HTTPConnection, uow: UnitOfWork) -> None:
    """End the browser's session in the request's transaction; the response deletes the
    cookie."""
    token = cookie_id(request)
    if token is not None:
        web_sessions.end(uow, token)
    request.state.web_session = None
    request.state.session_cookie = _CLEAR


class SessionCookies:
    """Write the session cookie a request decided on into its response (plain ASGI)."""

    def __init__(self, app: ASGIApp, *, secure: bool, max_age: timedelta) -> None:
        self.app = app
        self.secure = secure
        self.max_age = int(max_age.total_seconds())

    def _header(self, value: str, scope: Scope) -> tuple[bytes, bytes]:
        carrier = Response()
        secure = self.secure or scope.get("scheme") in ("https", "wss")
        if value == _CLEAR:
            carrier.delete_cookie(COOKIE, httponly=True, samesite="lax", secure=secure)
        else:
            carrier.set_cookie(
                COOKIE,
                value,
                max_age=self.max_age,
                httponly=True,
                samesite="lax",
                secure=secure,
            )
        return next(header for header in carrier.raw_headers if header[0] == b"set-cookie")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state: dict[str, Any] = scope.setdefault("state", {})

        async def with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                value = state.get("session_cookie")
                # a new id only with a successful answer: a failed request committed nothing
                failed = message["status"] >= 400
                if value is not None and not (failed and value != _CLEAR):
                    header = self._header(value, scope)
                    message["headers"] = [*message.get("headers", []), header]
            await send(message)

        await self.app(scope, receive, with_cookie)
