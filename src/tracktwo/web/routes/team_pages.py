"""The third-party team page, shared by the organiser's pages and the facilitators' own.

The organiser forms a workshop's first team; its lead adds co-facilitators. Either way the
page lists the team with its flags, and adding someone shows their single-use sign-in link
once, with the warnings of the rules the addition was accepted despite.
"""

from __future__ import annotations

from uuid import UUID

from fastapi import Request
from fastapi.responses import Response

from tracktwo.domain.actors import Actor, ActorKind
from tracktwo.domain.rules import FACILITATOR_FLOOR
from tracktwo.services import signin, workshops
from tracktwo.web.pages import render
from tracktwo.web.routes.deps import uow_of
from tracktwo.web.routes.forms import team_member_form


def team_page(
    request: Request,
    actor: Actor,
    workshop_id: UUID,
    action: str,
    *,
    links: list[tuple[str, str]] | None = None,
    warnings: list[str] | None = None,
) -> Response:
    """Render the team of ``workshop_id``, its add form posting to ``action``."""
    uow = uow_of(request)
    return render(
        request,
        "team.html",
        summary=workshops.workshop_summary(uow, actor, workshop_id),
        team=workshops.third_party(uow, actor, workshop_id),
        floor=FACILITATOR_FLOOR,
        action=action,
        links=links or [],
        warnings=warnings or [],
    )


async def add_to_team(request: Request, actor: Actor, workshop_id: UUID, action: str) -> Response:
    """Add the facilitator the form describes and show the team with their link, once."""
    uow = uow_of(request)
    parties = [p.name for p in workshops.workshop_summary(uow, actor, workshop_id).parties]
    fields = team_member_form(await request.form(), parties)
    added = workshops.add_facilitator(uow, actor, workshop_id, **fields)
    link = signin.create_link(
        uow, actor, workshop_id, kind=ActorKind.FACILITATOR, subject_id=added.id
    )
    url = str(request.base_url).rstrip("/") + "/signin/" + link.token
    return team_page(
        request, actor, workshop_id, action, links=[(fields["name"], url)], warnings=added.warnings
    )
