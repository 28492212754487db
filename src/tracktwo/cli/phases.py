"""Commands for the four phases; contributions are recorded as a named workshop member."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import typer

from tracktwo.cli.common import OPERATOR, TextOption, in_folder, one_of, parse_uuid
from tracktwo.cli.output import JsonFlag, answer, console, print_json
from tracktwo.domain.actors import Actor
from tracktwo.domain.phase_order import PHASE_ORDER
from tracktwo.domain.vocabulary import (
    BasicNeed,
    ConcernKind,
    ConstraintKind,
    InterventionKind,
    Phase,
)
from tracktwo.services import moderation, phase_order, phases, record
from tracktwo.services.recruitment import act_as_member
from tracktwo.services.transaction import UnitOfWork

Member = Annotated[str, typer.Option("--member", help="Member id of the participant speaking.")]

phase_app = typer.Typer(
    help="The four phases. The third party contributes nothing: give --member.",
    no_args_is_help=True,
)


def _as(uow: UnitOfWork, member: str) -> Actor:
    return act_as_member(uow, OPERATOR, parse_uuid(member, "member"))


def _speaking(uow: UnitOfWork, member: str, workshop_id: str) -> tuple[Actor, UUID]:
    """The member speaking and the workshop they speak in (the ids checked in that order)."""
    return _as(uow, member), parse_uuid(workshop_id, "workshop")


@phase_app.command("concern")
@in_folder
def concern(
    uow: UnitOfWork,
    workshop_id: str,
    member: Member,
    kind: Annotated[str, one_of(*ConcernKind)],
    text: TextOption,
    need: Annotated[str | None, one_of(*BasicNeed)] = None,
    preliminary: Annotated[
        bool, typer.Option("--preliminary", help="Keep in the party's own space.")
    ] = False,
) -> None:
    """State a concern of the member's party (phase 1)."""
    speaker, workshop = _speaking(uow, member, workshop_id)
    space = "preliminary" if preliminary else "joint"
    concern_id = phases.state_concern(
        uow, speaker, workshop, kind=kind, text=text, basic_need=need, space=space
    )
    console.print(f"concern {concern_id}")


@phase_app.command("table")
@in_folder
def table(uow: UnitOfWork, concern_id: str, member: Member) -> None:
    """Bring a concern the member's party prepared in its own space to the joint table."""
    phases.table_concern(uow, _as(uow, member), parse_uuid(concern_id, "concern"))
    console.print(f"concern {concern_id} tabled")


@phase_app.command("acknowledge")
@in_folder
def acknowledge(uow: UnitOfWork, concern_id: str, member: Member, restatement: TextOption) -> None:
    """Restate the other side's concern in one's own words."""
    ack = phases.acknowledge_concern(
        uow, _as(uow, member), parse_uuid(concern_id, "concern"), restatement=restatement
    )
    console.print(f"acknowledgement {ack}")


@phase_app.command("confirm")
@in_folder
def confirm(
    uow: UnitOfWork,
    acknowledgement_id: str,
    member: Member,
    satisfied: Annotated[bool, typer.Option("--satisfied/--not-satisfied")] = True,
) -> None:
    """Say, as the concern's owners, whether the restatement captures it."""
    phases.confirm_acknowledgement(
        uow,
        _as(uow, member),
        parse_uuid(acknowledgement_id, "acknowledgement"),
        satisfied=satisfied,
    )
    console.print("recorded")


@phase_app.command("idea")
@in_folder
def idea(
    uow: UnitOfWork,
    workshop_id: str,
    member: Member,
    text: TextOption,
    answers: Annotated[
        list[str], typer.Option("--answers", help="Concern id it answers (repeat).")
    ],
) -> None:
    """Propose an idea linked to the concerns it answers (phase 2)."""
    speaker, workshop = _speaking(uow, member, workshop_id)
    answered = [parse_uuid(a, "concern") for a in answers]
    idea_id = phases.propose_idea(uow, speaker, workshop, text=text, answers=answered)
    console.print(f"idea {idea_id}")


@phase_app.command("rate")
@in_folder
def rate(
    uow: UnitOfWork, idea_id: str, member: Member, value: Annotated[int, typer.Option(help="1-5")]
) -> None:
    """Rate an idea 1-5; rating it again is kept as a change (the latest counts)."""
    earlier = phases.rate_idea(uow, _as(uow, member), parse_uuid(idea_id, "idea"), value=value)
    if earlier is None or earlier == value:
        console.print("rated" if earlier is None else f"rated {value} again: no change")
    else:
        console.print(f"rating changed from {earlier} to {value} (the earlier one is kept)")


@phase_app.command("constraint")
@in_folder
def constraint(
    uow: UnitOfWork,
    workshop_id: str,
    member: Member,
    kind: Annotated[str, one_of(*ConstraintKind)],
    text: TextOption,
) -> None:
    """Name a constraint that keeps the parties from the table (phase 3)."""
    speaker, workshop = _speaking(uow, member, workshop_id)
    cid = phases.name_constraint(uow, speaker, workshop, kind=kind, text=text)
    console.print(f"constraint {cid}")


@phase_app.command("reassure")
@in_folder
def reassure(
    uow: UnitOfWork,
    workshop_id: str,
    member: Member,
    who: TextOption,
    what: TextOption,
    when: TextOption,
) -> None:
    """Propose a step of mutual reassurance: who, what, when (phase 4)."""
    speaker, workshop = _speaking(uow, member, workshop_id)
    sid = phases.add_reassurance_step(uow, speaker, workshop, who=who, what=what, when=when)
    console.print(f"reassurance step {sid}")


@phase_app.command("vision")
@in_folder
def vision(uow: UnitOfWork, workshop_id: str, member: Member, text: TextOption) -> None:
    """Write a shared-vision statement (phase 4)."""
    speaker, workshop = _speaking(uow, member, workshop_id)
    vid = phases.add_shared_vision(uow, speaker, workshop, text=text)
    console.print(f"vision {vid}")


@phase_app.command("endorse")
@in_folder
def endorse(uow: UnitOfWork, vision_id: str, member: Member) -> None:
    """Endorse a shared-vision statement, or an amendment of one, for the member's party."""
    phases.endorse_shared_vision(uow, _as(uow, member), parse_uuid(vision_id, "shared-vision"))
    console.print("endorsed")


@phase_app.command("amend")
@in_folder
def amend(uow: UnitOfWork, vision_id: str, member: Member, text: TextOption) -> None:
    """Propose an amended text of the other party's shared-vision statement; it is shared
    once the first party endorses it."""
    amended = phases.amend_shared_vision(
        uow, _as(uow, member), parse_uuid(vision_id, "shared-vision"), text=text
    )
    console.print(f"vision {amended} (amends {vision_id}; awaits the other party's endorsement)")


PhaseName = Annotated[str, typer.Argument(help=" | ".join(p.value for p in PHASE_ORDER))]


@phase_app.command("open")
@in_folder
def open_(uow: UnitOfWork, workshop_id: str, phase: PhaseName) -> None:
    """Open a phase for the participants' contributions (in order, one at a time:
    analysis → problem-solving → constraints → reassurance; a phase reached before may be
    opened again)."""
    phase_order.open_phase(uow, OPERATOR, parse_uuid(workshop_id, "workshop"), phase)
    console.print(f"{phase}: open")


@phase_app.command("close")
@in_folder
def close(uow: UnitOfWork, workshop_id: str) -> None:
    """Close the phase that is open."""
    closed = phase_order.close_phase(uow, OPERATOR, parse_uuid(workshop_id, "workshop"))
    console.print(f"{', '.join(closed)}: closed")


@phase_app.command("status")
@in_folder
def status(uow: UnitOfWork, workshop_id: str, as_json: JsonFlag = False) -> None:
    """Show which phases are open, closed or not reached, and which comes next."""
    states = phase_order.phase_states(uow, OPERATOR, parse_uuid(workshop_id, "workshop"))
    answer(states, as_json, _say_states)


def _say_states(states: phase_order.PhaseStates) -> None:
    for state in states.phases:
        console.print(f"{state.phase}: {state.state}")
    console.print(f"next: {states.next or 'none (every phase reached)'}")


RecordType = Annotated[str, typer.Argument(help=" | ".join(moderation.MODERATED))]
Reason = Annotated[str, typer.Option("--reason", help="Why (sealed; kept in the record).")]


@phase_app.command("hide")
@in_folder
def hide(uow: UnitOfWork, record_type: RecordType, record_id: str, reason: Reason) -> None:
    """Take a joint contribution off the table, with the reason (kept, with the audit trail)."""
    moderation_id = moderation.hide_contribution(
        uow, OPERATOR, record_type, parse_uuid(record_id, record_type), reason=reason
    )
    console.print(f"{record_type} {record_id}: hidden (moderation {moderation_id})")


@phase_app.command("merge")
@in_folder
def merge(
    uow: UnitOfWork,
    record_type: RecordType,
    record_id: str,
    into: Annotated[str, typer.Option("--into", help="Id of the one it says the same as.")],
    reason: Reason,
) -> None:
    """Merge a joint contribution into another of the same kind, with the reason."""
    moderation_id = moderation.merge_contribution(
        uow,
        OPERATOR,
        record_type,
        parse_uuid(record_id, record_type),
        into=parse_uuid(into, record_type),
        reason=reason,
    )
    console.print(f"{record_type} {record_id}: merged into {into} (moderation {moderation_id})")


@phase_app.command("moderations")
@in_folder
def moderations(uow: UnitOfWork, workshop_id: str, as_json: JsonFlag = False) -> None:
    """List the contributions hidden or merged, and why."""
    listed = moderation.moderations(uow, OPERATOR, parse_uuid(workshop_id, "workshop"))
    if as_json:
        print_json([item.to_dict() for item in listed])
        return
    for item in listed:
        into = f" into {item.merged_into}" if item.merged_into else ""
        console.print(
            f"{item.at[:16]} {item.action}{into}: {item.record_type} {item.record_id}: "
            f"{item.reason}"
        )


@phase_app.command("intervene")
@in_folder
def intervene(
    uow: UnitOfWork,
    workshop_id: str,
    phase: Annotated[str, one_of(*(p.value for p in Phase))],
    kind: Annotated[str, one_of(*(k.value for k in InterventionKind))],
) -> None:
    """Log a facilitator intervention by kind (no content is kept)."""
    phases.log_intervention(
        uow, OPERATOR, parse_uuid(workshop_id, "workshop"), phase=phase, kind=kind
    )
    console.print("logged")


@phase_app.command("board")
@in_folder
def board(uow: UnitOfWork, workshop_id: str) -> None:
    """Print the four phase boards as JSON."""
    print_json(phases.board(uow, OPERATOR, parse_uuid(workshop_id, "workshop")).to_dict())


@phase_app.command("link")
@in_folder
def link(
    uow: UnitOfWork,
    idea_id: str,
    member: Member,
    concern: Annotated[str, typer.Option(help="Concern id the idea answers.")],
) -> None:
    """Link an idea (for example one carried from the last workshop) to a concern it answers."""
    phases.link_idea(
        uow, _as(uow, member), parse_uuid(idea_id, "idea"), parse_uuid(concern, "concern")
    )
    console.print("linked")


@phase_app.command("keep")
@in_folder
def keep(
    uow: UnitOfWork,
    record_type: Annotated[str, typer.Argument(help=" | ".join(record.CONTRIBUTIONS))],
    record_id: str,
    member: Member,
) -> None:
    """Mark, for the member's party, a joint contribution to keep (keep-only-endorsed mode)."""
    record.mark_keep(uow, _as(uow, member), record_type, parse_uuid(record_id, record_type))
    console.print(f"{record_type} {record_id}: marked to keep")


@phase_app.command("prune")
@in_folder
def prune(uow: UnitOfWork, workshop_id: str, as_json: JsonFlag = False) -> None:
    """End a joint session: keep what both parties endorse, destroy the rest and its key."""
    workshop = parse_uuid(workshop_id, "workshop")
    answer(record.keep_only_endorsed(uow, OPERATOR, workshop), as_json, _say_pruning)


def _say_pruning(pruning: record.Pruning) -> None:
    for item in pruning.kept:
        console.print(f"kept {item.record_type} {item.id}: {item.reason}")
    gone = ", ".join(f"{count} {kind}" for kind, count in pruning.destroyed.items() if count)
    console.print(f"destroyed: {gone or 'nothing'}")
