"""The four phases of a workshop and the facilitators' interventions (elements 9-13).

Every contribution is stored with its party, never its author, and its text is sealed with
the workshop's key. Facilitators cannot contribute: they log interventions by kind only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from tracktwo.domain.actors import Actor
from tracktwo.domain.phase_order import require_open
from tracktwo.domain.rules import (
    DEFAULT_MIN_GROUP,
    SUPPRESS_BELOW,
    require_choice,
    require_rating,
    require_text,
    supported_by_all,
)
from tracktwo.domain.vocabulary import (
    BasicNeed,
    ConcernKind,
    ConstraintKind,
    InterventionKind,
    Phase,
)
from tracktwo.errors import AccessDenied, NotFoundError, RuleViolation, ValidationError
from tracktwo.services.access import (
    require_contributor,
    require_manager,
    require_party_space,
    require_reader,
)
from tracktwo.services.results import SOMETIMES, Result
from tracktwo.store.models import (
    AcknowledgementRow,
    Base,
    ConcernRow,
    ConflictRow,
    ConstraintRow,
    IdeaConcernRow,
    IdeaRatingChangeRow,
    IdeaRatingRow,
    IdeaRow,
    InterventionRow,
    ReassuranceStepRow,
    SharedVisionRow,
    WorkshopRow,
)
from tracktwo.store.unit_of_work import UnitOfWork, now

SPACES = ("preliminary", "joint")


def _require_phase(uow: UnitOfWork, workshop_id: UUID, phase: Phase, what: str) -> None:
    """Refuse a contribution to a phase the third party has not opened (services/phase_order)."""
    open_now = {Phase(row.phase) for row in uow.phase_openings.still_open(workshop_id)}
    require_open(phase, open_now, what)


def state_concern(
    uow: UnitOfWork,
    actor: Actor,
    workshop_id: UUID,
    *,
    kind: str,
    text: str,
    basic_need: str | None = None,
    space: str = "joint",
) -> UUID:
    """Put one of the party's needs, fears, priorities or constraints on the table.

    ``space`` is ``preliminary`` for the party's own preparation (seen by that party only)
    or ``joint``. ``basic_need`` optionally tags it with one of Azar's basic needs.
    """
    if space not in SPACES:
        raise ValidationError(f"space must be one of {SPACES}, got {space!r}")
    member = require_contributor(uow, actor, workshop_id)
    if space == "joint":  # a party prepares its concerns whenever it likes
        _require_phase(uow, workshop_id, Phase.ANALYSIS, "a concern on the joint table")
    row = ConcernRow(
        workshop_id=workshop_id,
        party_id=member.party_id,
        space=space,
        kind=require_choice(ConcernKind, kind, "concern kind").value,
        basic_need=require_choice(BasicNeed, basic_need, "basic need").value
        if basic_need
        else None,
        created_at=now(),
    )
    text = require_text("concern", text)
    if space == "preliminary":  # the party's own draft: pruning never touches it
        uow.add_sealed(workshop_id, row, text_enc=text)
    else:
        uow.add_contribution(uow.get(WorkshopRow, workshop_id), row, text_enc=text)
    return row.id


def table_concern(uow: UnitOfWork, actor: Actor, concern_id: UUID) -> None:
    """Move a concern the party prepared in its preliminary space onto the joint table."""
    concern = uow.get(ConcernRow, concern_id, "concern")
    member = require_contributor(uow, actor, concern.workshop_id)
    if concern.party_id != member.party_id:
        raise AccessDenied("only the party that prepared a concern may table it")
    _require_phase(uow, concern.workshop_id, Phase.ANALYSIS, "a concern on the joint table")
    concern.space = "joint"
    workshop = uow.get(WorkshopRow, concern.workshop_id)
    uow.reseal(workshop.id, concern, uow.sealing_scope(workshop), "text_enc")


def acknowledge_concern(
    uow: UnitOfWork, actor: Actor, concern_id: UUID, *, restatement: str
) -> UUID:
    """Restate the other side's concern in one's own words, for its owners to accept."""
    concern = uow.get(ConcernRow, concern_id, "concern")
    member = require_contributor(uow, actor, concern.workshop_id)
    if concern.space != "joint":
        raise AccessDenied("that concern is still in its party's preliminary space")
    if concern.party_id == member.party_id:
        raise ValidationError("a concern is acknowledged by the other side, not its own")
    _require_phase(uow, concern.workshop_id, Phase.ANALYSIS, "a restatement of a concern")
    row = AcknowledgementRow(
        concern_id=concern_id,
        by_party_id=member.party_id,
        owner_satisfied=None,
        created_at=now(),
    )
    uow.add_contribution(
        uow.get(WorkshopRow, concern.workshop_id),
        row,
        restatement_enc=require_text("restatement", restatement),
    )
    return row.id


def confirm_acknowledgement(
    uow: UnitOfWork, actor: Actor, acknowledgement_id: UUID, *, satisfied: bool
) -> None:
    """Say, as the concern's owners, whether the restatement captures it to their satisfaction."""
    ack = uow.get(AcknowledgementRow, acknowledgement_id, "acknowledgement")
    concern = uow.get(ConcernRow, ack.concern_id)
    member = require_contributor(uow, actor, concern.workshop_id)
    if member.party_id != concern.party_id:
        raise AccessDenied("only the concern's own party judges the restatement")
    _require_phase(uow, concern.workshop_id, Phase.ANALYSIS, "judging a restatement")
    ack.owner_satisfied = satisfied


def propose_idea(
    uow: UnitOfWork, actor: Actor, workshop_id: UUID, *, text: str, answers: list[UUID]
) -> UUID:
    """Propose a new idea linked to the concerns it answers (phase 2, joint problem solving).

    Each concern must be on the joint table and acknowledged (see :func:`_require_answerable`).
    """
    if not answers:
        raise ValidationError("link the idea to at least one concern it answers")
    member = require_contributor(uow, actor, workshop_id)
    _require_phase(uow, workshop_id, Phase.PROBLEM_SOLVING, "an idea")
    for concern_id in answers:
        _require_answerable(uow, workshop_id, uow.get(ConcernRow, concern_id, "concern"))
    row = IdeaRow(
        workshop_id=workshop_id,
        proposed_by_party_id=member.party_id,
        created_at=now(),
    )
    uow.add_contribution(
        uow.get(WorkshopRow, workshop_id), row, text_enc=require_text("idea", text)
    )
    for concern_id in dict.fromkeys(answers):
        uow.add(IdeaConcernRow(idea_id=row.id, concern_id=concern_id), flush=False)
    return row.id


def _require_answerable(uow: UnitOfWork, workshop_id: UUID, concern: ConcernRow) -> None:
    """Refuse a concern an idea may not answer: one off this workshop's joint table, or one
    not yet acknowledged, that is restated by the other party to its owners' satisfaction
    (phase 1 comes before phase 2: an idea answers a concern both sides understand)."""
    if concern.workshop_id != workshop_id or concern.space != "joint":
        raise ValidationError(f"concern {concern.id} is not on this workshop's joint table")
    restated = uow.concerns.acknowledgements_of(concern.id)
    if not any(ack.owner_satisfied for ack in restated):
        raise RuleViolation(
            f"rule 'ideas answer acknowledged concerns': concern {concern.id} ({concern.kind}) "
            "has not been acknowledged: the other party restates it and its owners accept the "
            "restatement before an idea may answer it"
        )


def link_idea(uow: UnitOfWork, actor: Actor, idea_id: UUID, concern_id: UUID) -> None:
    """Link an existing idea (for example one carried from the last workshop) to a concern
    that has been acknowledged."""
    idea = uow.get(IdeaRow, idea_id, "idea")
    require_contributor(uow, actor, idea.workshop_id)
    _require_phase(uow, idea.workshop_id, Phase.PROBLEM_SOLVING, "linking an idea to a concern")
    concern = uow.get(ConcernRow, concern_id, "concern")
    if concern.workshop_id != idea.workshop_id:
        raise ValidationError("the concern belongs to another workshop")
    _require_answerable(uow, idea.workshop_id, concern)
    if not uow.ideas.is_linked(idea_id, concern_id):
        uow.add(IdeaConcernRow(idea_id=idea_id, concern_id=concern_id))


def _rater_token(uow: UnitOfWork, idea: IdeaRow, member_id: UUID) -> str:
    return uow.cipher(idea.workshop_id).pseudonym(f"rating:{idea.id}", str(member_id))


def rate_idea(uow: UnitOfWork, actor: Actor, idea_id: UUID, *, value: int) -> int | None:
    """Rate an idea 1-5; a second rating by the same member is kept as a change.

    The latest value counts; the earlier one is kept in the rating's history with when it
    was given and when it was changed (rating the same value again changes nothing). The
    rating carries the party and a keyed pseudonym that only stops double voting. Returns
    the member's rating before this one, None for a first rating.
    """
    idea = uow.get(IdeaRow, idea_id, "idea")
    member = require_contributor(uow, actor, idea.workshop_id)
    _require_phase(uow, idea.workshop_id, Phase.PROBLEM_SOLVING, "a rating of an idea")
    value = require_rating(value)
    token = _rater_token(uow, idea, member.id)
    existing = uow.ideas.rating_by(idea_id, token)
    at = now()
    if existing is None:
        uow.add(
            IdeaRatingRow(
                idea_id=idea.id, party_id=member.party_id, rater_token=token, value=value,
                rated_at=at,
            )
        )  # fmt: skip
        return None
    earlier = existing.value
    if earlier != value:
        uow.add(
            IdeaRatingChangeRow(
                idea_id=idea.id, party_id=existing.party_id, rater_token=token,
                value=existing.value, rated_at=existing.rated_at, replaced_at=at,
            ),
            flush=False,
        )  # fmt: skip
        existing.value, existing.rated_at = value, at
    return earlier


@dataclass(frozen=True)
class RatingChange(Result):
    """An earlier value of one's own rating, when it was given (None if before changes were
    kept) and when it was changed."""

    value: int
    rated_at: str | None
    replaced_at: str


@dataclass(frozen=True)
class OwnRating(Result):
    """A participant's own current rating of an idea and the values it replaced, oldest first."""

    idea_id: str
    value: int
    rated_at: str | None
    changes: list[RatingChange]


def own_ratings(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> dict[str, OwnRating]:
    """Return this participant's own ratings of the workshop's ideas, by idea id.

    Only the participant reaches their own: the ratings are found by the keyed pseudonym
    their membership gives, which nobody else's does.
    """
    member = require_contributor(uow, actor, workshop_id)
    ideas = uow.ideas.of_workshop(workshop_id)
    tokens = {_rater_token(uow, idea, member.id): idea for idea in ideas}
    current = uow.ideas.ratings_by(list(tokens))
    changes: dict[str, list[RatingChange]] = defaultdict(list)
    for change in uow.ideas.rating_changes_by(list(tokens)):
        changes[change.rater_token].append(
            RatingChange(
                value=change.value,
                rated_at=change.rated_at.isoformat() if change.rated_at else None,
                replaced_at=change.replaced_at.isoformat(),
            )
        )
    return {
        str(tokens[row.rater_token].id): OwnRating(
            idea_id=str(tokens[row.rater_token].id),
            value=row.value,
            rated_at=row.rated_at.isoformat() if row.rated_at else None,
            changes=changes[row.rater_token],
        )
        for row in current
    }


def name_constraint(
    uow: UnitOfWork, actor: Actor, workshop_id: UUID, *, kind: str, text: str
) -> UUID:
    """Name a political or psychological constraint that keeps the parties from the table."""
    member = require_contributor(uow, actor, workshop_id)
    _require_phase(uow, workshop_id, Phase.CONSTRAINTS, "a constraint")
    row = ConstraintRow(
        workshop_id=workshop_id,
        party_id=member.party_id,
        kind=require_choice(ConstraintKind, kind, "constraint kind").value,
        created_at=now(),
    )
    uow.add_contribution(
        uow.get(WorkshopRow, workshop_id), row, text_enc=require_text("constraint", text)
    )
    return row.id


def add_reassurance_step(
    uow: UnitOfWork, actor: Actor, workshop_id: UUID, *, who: str, what: str, when: str
) -> UUID:
    """Propose a concrete step of mutual reassurance: who does what, and when (phase 4)."""
    member = require_contributor(uow, actor, workshop_id)
    _require_phase(uow, workshop_id, Phase.REASSURANCE, "a step of reassurance")
    row = ReassuranceStepRow(
        workshop_id=workshop_id,
        by_party_id=member.party_id,
        created_at=now(),
    )
    uow.add_contribution(
        uow.get(WorkshopRow, workshop_id),
        row,
        actor_enc=require_text("who", who),
        action_enc=require_text("what", what),
        when_enc=require_text("when", when, max_length=120),
    )
    return row.id


def add_shared_vision(uow: UnitOfWork, actor: Actor, workshop_id: UUID, *, text: str) -> UUID:
    """Write a statement of a shared vision of a common future; its party endorses it."""
    member = require_contributor(uow, actor, workshop_id)
    _require_phase(uow, workshop_id, Phase.REASSURANCE, "a shared vision")
    row = SharedVisionRow(
        workshop_id=workshop_id,
        endorsed_by=[str(member.party_id)],
        created_at=now(),
    )
    uow.add_contribution(
        uow.get(WorkshopRow, workshop_id), row, text_enc=require_text("vision", text)
    )
    return row.id


def endorse_shared_vision(uow: UnitOfWork, actor: Actor, vision_id: UUID) -> None:
    """Endorse a shared-vision statement (or an amendment of one) on behalf of one's party."""
    vision = uow.get(SharedVisionRow, vision_id, "shared vision")
    member = require_contributor(uow, actor, vision.workshop_id)
    _require_phase(uow, vision.workshop_id, Phase.REASSURANCE, "endorsing a shared vision")
    if str(member.party_id) not in vision.endorsed_by:
        vision.endorsed_by = [*vision.endorsed_by, str(member.party_id)]


def amend_shared_vision(uow: UnitOfWork, actor: Actor, vision_id: UUID, *, text: str) -> UUID:
    """Propose, for one's party, an amended text of the other party's shared-vision statement.

    The amendment is a statement of its own that the amending party endorses and that points
    at the one it amends (which stays as it was); it becomes shared when the first party
    endorses it too (:func:`endorse_shared_vision`). A party amends only a statement it has
    not endorsed: to change its own, it writes a new one.
    """
    vision = uow.get(SharedVisionRow, vision_id, "shared vision")
    member = require_contributor(uow, actor, vision.workshop_id)
    _require_phase(uow, vision.workshop_id, Phase.REASSURANCE, "an amended shared vision")
    if str(member.party_id) in vision.endorsed_by:
        raise RuleViolation(
            "rule 'the other party amends': your party already endorses this statement; "
            "the other party may amend it, or write a new statement of your own"
        )
    row = SharedVisionRow(
        workshop_id=vision.workshop_id,
        endorsed_by=[str(member.party_id)],
        amends_id=vision.id,
        created_at=now(),
    )
    uow.add_contribution(
        uow.get(WorkshopRow, vision.workshop_id), row, text_enc=require_text("vision", text)
    )
    return row.id


def log_intervention(
    uow: UnitOfWork, actor: Actor, workshop_id: UUID, *, phase: str, kind: str
) -> UUID:
    """Log that the third party intervened, by kind only: no content is kept."""
    require_manager(uow, actor, workshop_id)
    row = InterventionRow(
        workshop_id=workshop_id,
        phase=require_choice(Phase, phase, "phase").value,
        kind=require_choice(InterventionKind, kind, "intervention kind").value,
        at=now(),
    )
    uow.add(row)
    return row.id


@dataclass(frozen=True)
class Acknowledgement(Result):
    """Another party's restatement of a concern, and whether its owners accept it."""

    id: str
    by: str
    restatement: str
    owner_satisfied: bool | None


@dataclass(frozen=True)
class Concern(Result):
    """A party's need, fear, priority or constraint, with the restatements it received."""

    id: str
    party: str
    space: str
    kind: str
    basic_need: str | None
    text: str
    acknowledged: bool
    acknowledgements: list[Acknowledgement]


@dataclass(frozen=True)
class Support(Result):
    """One party's support for an idea, as it may be shown: how many rated it, and then
    the mean rating (1-5) from at least :data:`DEFAULT_MIN_GROUP` raters, or only the range
    of their ratings from 3 to 4 raters, or nothing more than the count below 3 (a mean of
    one or two ratings is a person's own answer)."""

    ratings: int
    mean: float | None = None
    lowest: int | None = None
    highest: int | None = None

    @classmethod
    def of(cls, values: list[int]) -> Support:
        if len(values) >= DEFAULT_MIN_GROUP:
            return cls(len(values), mean=sum(values) / len(values))
        if len(values) >= SUPPRESS_BELOW:
            return cls(len(values), lowest=min(values), highest=max(values))
        return cls(len(values))


@dataclass(frozen=True)
class Idea(Result):
    """An idea of joint problem solving: the concerns it answers and each party's support."""

    id: str
    text: str
    proposed_by: str | None
    carried_from: str | None
    carry_action: str | None
    answers: list[str]
    support: dict[str, Support]
    supported_by_both: bool


@dataclass(frozen=True)
class Constraint(Result):
    """A political or psychological constraint a party named."""

    id: str
    party: str
    kind: str
    text: str


@dataclass(frozen=True)
class ReassuranceStep(Result):
    """A step of mutual reassurance a party proposed: who does what, and when."""

    id: str
    party: str
    who: str
    what: str
    when: str


@dataclass(frozen=True)
class SharedVision(Result):
    """A statement of a shared vision and the parties that endorse it; an amendment names
    the statement it amends."""

    id: str
    text: str
    endorsed_by: list[str]
    amends: str | None = field(default=None, kw_only=True, metadata=SOMETIMES)


@dataclass(frozen=True)
class RecordKeeping(Result):
    """In keep-only-endorsed mode: which contributions are still pending (destroyed at the end
    of the joint session unless both parties endorse them) and what the last pruning kept,
    with the reason, and destroyed."""

    pending: list[str]
    last_pruning: dict[str, Any] | None


@dataclass(frozen=True)
class Board(Result):
    """The four phase boards as one actor may see them; interventions counted by phase/kind.

    ``record`` is there only for a workshop that keeps only what both parties endorse.
    """

    concerns: list[Concern]
    ideas: list[Idea]
    constraints: list[Constraint]
    reassurance_steps: list[ReassuranceStep]
    shared_vision: list[SharedVision]
    interventions: dict[str, int]
    record: RecordKeeping | None = field(default=None, kw_only=True, metadata=SOMETIMES)


def board(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> Board:
    """Return the four phase boards as this actor may see them.

    The board is the joint table: a party's preliminary drafts are never listed on it,
    for anyone (a console projected in the room would show them); they are read through
    :func:`party_space`, which only that party and the third party may reach. A
    contribution the third party hid or merged is not listed either (services/moderation);
    an idea that answered a merged concern answers the one it was merged into.
    """
    workshop = require_reader(uow, actor, workshop_id)
    parties = {p.id: p.name for p in uow.get(ConflictRow, workshop.conflict_id).parties}
    moderated = {
        row.record_id: row.merged_into_id for row in uow.moderations.of_workshop(workshop_id)
    }

    def shown_as(record_id: UUID) -> UUID | None:
        """The record that stands for ``record_id`` on the table (None: hidden)."""
        seen: set[UUID] = set()
        current: UUID | None = record_id
        while current is not None and current in moderated and current not in seen:
            seen.add(current)
            current = moderated[current]
        return current

    def opened(row: Base, column: str) -> str:
        return uow.open_field(workshop_id, row, column)

    concerns = uow.concerns.of_workshop(workshop_id)
    acks = uow.concerns.acknowledgements(workshop_id)
    acks_by_concern: dict[UUID, list[AcknowledgementRow]] = defaultdict(list)
    for ack in acks:
        acks_by_concern[ack.concern_id].append(ack)
    concern_view = []
    for concern in concerns:
        if concern.space == "preliminary" or concern.id in moderated:
            continue
        restated = acks_by_concern[concern.id]
        concern_view.append(
            Concern(
                id=str(concern.id),
                party=parties[concern.party_id],
                space=concern.space,
                kind=concern.kind,
                basic_need=concern.basic_need,
                text=opened(concern, "text_enc"),
                acknowledged=any(a.owner_satisfied for a in restated),
                acknowledgements=[
                    Acknowledgement(
                        id=str(a.id),
                        by=parties[a.by_party_id],
                        restatement=opened(a, "restatement_enc"),
                        owner_satisfied=a.owner_satisfied,
                    )
                    for a in restated
                ],
            )
        )
    ideas = uow.ideas.of_workshop(workshop_id)
    links = uow.ideas.answers(workshop_id)
    ratings = uow.ideas.ratings(workshop_id)
    answers: dict[UUID, list[str]] = defaultdict(list)
    for link in links:
        answered = shown_as(link.concern_id)
        if answered is not None and str(answered) not in answers[link.idea_id]:
            answers[link.idea_id].append(str(answered))
    by_idea: dict[UUID, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for rating in ratings:
        by_idea[rating.idea_id][parties[rating.party_id]].append(rating.value)
    idea_view: list[Idea] = []
    for idea in ideas:
        if idea.id in moderated:
            continue
        means = {party: sum(values) / len(values) for party, values in by_idea[idea.id].items()}
        support = {party: Support.of(values) for party, values in by_idea[idea.id].items()}
        idea_view.append(
            Idea(
                id=str(idea.id),
                text=opened(idea, "text_enc"),
                proposed_by=parties.get(idea.proposed_by_party_id)
                if idea.proposed_by_party_id
                else None,
                carried_from=str(idea.carried_from_idea_id) if idea.carried_from_idea_id else None,
                carry_action=idea.carry_action,
                answers=answers[idea.id],
                support=support,
                supported_by_both=supported_by_all(means, parties.values()),
            )
        )
    idea_view.sort(
        key=lambda i: (
            not i.supported_by_both,
            -sum(s.ratings for s in i.support.values()),
        )
    )
    constraints = uow.constraints.of_workshop(workshop_id)
    steps = uow.reassurance_steps.of_workshop(workshop_id)
    visions = uow.shared_visions.of_workshop(workshop_id)
    interventions = uow.interventions.of_workshop(workshop_id)
    counts: dict[str, int] = defaultdict(int)
    for intervention in interventions:
        counts[f"{intervention.phase}/{intervention.kind}"] += 1
    record = None
    if workshop.keep_only_endorsed:
        pending_key = workshop.pending_key_id
        every: list[Any] = [*concerns, *acks, *ideas, *constraints, *steps, *visions]
        record = RecordKeeping(
            pending=[
                str(row.id)
                for row in every
                if pending_key is not None and row.sealed_under == pending_key
            ],
            last_pruning=workshop.last_pruning,
        )
    return Board(
        record=record,
        concerns=concern_view,
        ideas=idea_view,
        constraints=[
            Constraint(
                id=str(c.id),
                party=parties[c.party_id],
                kind=c.kind,
                text=opened(c, "text_enc"),
            )
            for c in constraints
            if c.id not in moderated
        ],
        reassurance_steps=[
            ReassuranceStep(
                id=str(s.id),
                party=parties[s.by_party_id],
                who=opened(s, "actor_enc"),
                what=opened(s, "action_enc"),
                when=opened(s, "when_enc"),
            )
            for s in steps
            if s.id not in moderated
        ],
        shared_vision=[
            SharedVision(
                id=str(v.id),
                text=opened(v, "text_enc"),
                endorsed_by=sorted(parties[UUID(p)] for p in v.endorsed_by),
                amends=str(v.amends_id) if v.amends_id else None,
            )
            for v in visions
            if v.id not in moderated
        ],
        interventions=dict(sorted(counts.items())),
    )


@dataclass(frozen=True)
class Draft(Result):
    """A concern a party is still drafting in its preliminary space."""

    id: str
    kind: str
    basic_need: str | None
    text: str


@dataclass(frozen=True)
class PartySpace(Result):
    """A party's preliminary space: its name and its drafts."""

    party: str
    drafts: list[Draft]


def party_space(uow: UnitOfWork, actor: Actor, workshop_id: UUID, party_id: UUID) -> PartySpace:
    """Return a party's preliminary space: its name and the concerns it is still drafting.

    Only that party's members and the workshop's managers reach it.
    """
    workshop = require_party_space(uow, actor, workshop_id, party_id)
    parties = {p.id: p.name for p in uow.get(ConflictRow, workshop.conflict_id).parties}
    if party_id not in parties:
        raise NotFoundError(f"no party {party_id} in this workshop")
    drafts = uow.concerns.drafts(workshop_id, party_id)
    return PartySpace(
        party=parties[party_id],
        drafts=[
            Draft(
                id=str(row.id),
                kind=row.kind,
                basic_need=row.basic_need,
                text=uow.open_field(workshop_id, row, "text_enc"),
            )
            for row in drafts
        ],
    )
