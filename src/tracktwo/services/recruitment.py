"""Recruitment by snowball, briefing and commitment, and composition (elements 4, 5, 6).

Candidates belong to one workshop, so that the workshop's data key covers their identities.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from tracktwo.domain.actors import Actor
from tracktwo.domain.rules import (
    REQUIRED_BRIEFING_RULES,
    require_choice,
    require_ground_rules,
    require_role_of_conflict,
    require_text,
    require_unit_interval,
)
from tracktwo.domain.vocabulary import Commitment
from tracktwo.engines.composition import (
    Composition,
    CompositionCandidate,
    CompositionRules,
    compose,
)
from tracktwo.engines.snowball import Referral, SnowballGraph, snowball_graph
from tracktwo.errors import CommitmentMissing, ValidationError
from tracktwo.services.access import require_manager
from tracktwo.services.results import SOMETIMES, Recorded, Result
from tracktwo.store.models import (
    BriefingRow,
    CandidateRow,
    CompositionRow,
    ConflictRow,
    MemberRow,
    ReferralRow,
    WorkshopRow,
)
from tracktwo.store.unit_of_work import UnitOfWork, now


def _party_by_name(uow: UnitOfWork, workshop: WorkshopRow, party: str) -> UUID:
    parties = {p.name: p.id for p in uow.get(ConflictRow, workshop.conflict_id).parties}
    if party not in parties:
        raise ValidationError(f"party {party!r} is not one of {', '.join(parties)}")
    return parties[party]


def _party_names(uow: UnitOfWork, workshop: WorkshopRow) -> dict[UUID, str]:
    return {p.id: p.name for p in uow.get(ConflictRow, workshop.conflict_id).parties}


def add_candidate(
    uow: UnitOfWork,
    actor: Actor,
    workshop_id: UUID,
    *,
    party: str,
    name: str,
    role: str,
    influence: float,
    credibility: float,
    openness: float,
    status: float,
    email: str | None = None,
    phone: str | None = None,
    notes: str | None = None,
    key_person: bool = False,
    leadership_approval: bool | None = None,
    referred_by: UUID | None = None,
    referred_on: date | None = None,
) -> Recorded:
    """Add a candidate, invited as an individual; name and contacts are sealed at once.

    ``openness`` is the interest and ability to learn; ``status`` is standing in their own
    community (0-1). Whether political leadership approved is recorded, never required.
    A walk-in (not a key person, referred by nobody) and a referral across parties are
    accepted but returned as warnings (see :func:`refer`). ``role`` must be one of the
    conflict's roles (rule 'roles of the conflict').
    """
    workshop = require_manager(uow, actor, workshop_id)
    party_id = _party_by_name(uow, workshop, party)
    conflict = uow.get(ConflictRow, workshop.conflict_id)
    uow.lock(conflict)  # its roles cannot lose this one before the candidate is stored
    chosen_role = require_role_of_conflict(role, [r.name for r in conflict.roles])
    if key_person and uow.candidates.has_key_person(workshop_id, party_id):
        raise ValidationError(f"party {party!r} already has its one key person")
    row = CandidateRow(
        workshop_id=workshop_id,
        party_id=party_id,
        role=chosen_role,
        influence=require_unit_interval("influence", influence),
        credibility=require_unit_interval("credibility", credibility),
        openness=require_unit_interval("openness", openness),
        status=require_unit_interval("status", status),
        is_key_person=key_person,
        leadership_approval=leadership_approval,
        created_at=now(),
    )
    uow.add_sealed(
        workshop_id,
        row,
        name_enc=require_text("name", name, max_length=200),
        email_enc=email.strip() if email else None,
        phone_enc=phone.strip() if phone else None,
        notes_enc=notes.strip() if notes else None,
    )
    if referred_by is not None:
        warnings = _refer(uow, workshop_id, referred_by, row.id, referred_on or date.today())
    elif not key_person:
        warnings = [_walk_in(row.id)]
    else:
        warnings = []
    return Recorded(row.id, warnings)


def _walk_in(candidate_id: UUID | str) -> str:
    return (
        f"walk-in: candidate {candidate_id} is not a key person and nobody referred them; "
        "the snowball finds candidates through the key person (record who referred them)"
    )


def _cross_party(referrer: UUID | str, referred: UUID | str, parties: tuple[str, str]) -> str:
    return (
        f"cross-party referral: candidate {referrer} of {parties[0]} referred candidate "
        f"{referred} of {parties[1]}; each side's candidates are found in consultation with "
        "that side's key person"
    )


def _refer(
    uow: UnitOfWork, workshop_id: UUID, referrer: UUID, referred: UUID, on: date
) -> list[str]:
    source = uow.get(CandidateRow, referrer, "referring candidate")
    target = uow.get(CandidateRow, referred, "referred candidate")
    if source.workshop_id != workshop_id or target.workshop_id != workshop_id:
        raise ValidationError("both candidates of a referral must belong to this workshop")
    if referrer == referred:
        raise ValidationError("a candidate cannot refer themselves")
    uow.add(
        ReferralRow(
            workshop_id=workshop_id, referrer_id=referrer, referred_id=referred, referred_on=on
        )
    )
    if source.party_id == target.party_id:
        return []
    names = _party_names(uow, uow.get(WorkshopRow, workshop_id))
    return [_cross_party(referrer, referred, (names[source.party_id], names[target.party_id]))]


def refer(
    uow: UnitOfWork,
    actor: Actor,
    workshop_id: UUID,
    *,
    referrer: UUID,
    referred: UUID,
    on: date | None = None,
) -> list[str]:
    """Record that one candidate referred another, in consultation with the key person.

    A referral across parties is recorded but returned as a warning.
    """
    require_manager(uow, actor, workshop_id)
    return _refer(uow, workshop_id, referrer, referred, on or date.today())


def snowball(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> SnowballGraph:
    """Return the referral graph from each party's key person."""
    workshop = require_manager(uow, actor, workshop_id)
    names = _party_names(uow, workshop)
    candidates = uow.candidates.of_workshop(workshop_id)
    keys = {names[c.party_id]: str(c.id) for c in candidates if c.is_key_person}
    missing = set(names.values()) - set(keys)
    if missing:
        raise ValidationError(
            f"choose one key person for {', '.join(sorted(missing))} before the snowball"
        )
    referrals = uow.referrals.of_workshop(workshop_id)
    return snowball_graph(
        keys,
        [Referral(str(r.referrer_id), str(r.referred_id)) for r in referrals],
        {str(c.id): names[c.party_id] for c in candidates},
    )


def record_briefing(
    uow: UnitOfWork,
    actor: Actor,
    candidate_id: UUID,
    *,
    held_on: date,
    purposes: bool,
    procedures: bool,
    ground_rules: list[str],
    commitment: str,
    notes: str | None = None,
) -> UUID:
    """Record the personal discussion before commitment (Kelman 1996: 506).

    A commitment can be given only after purposes, procedures and the ground rules of
    privacy, no fault and equality have been discussed.
    """
    candidate = uow.get(CandidateRow, candidate_id, "candidate")
    require_manager(uow, actor, candidate.workshop_id)
    rules = require_ground_rules(ground_rules)
    outcome = require_choice(Commitment, commitment, "commitment")
    if outcome is Commitment.GIVEN:
        undiscussed = [
            *(["purposes"] if not purposes else []),
            *(["procedures"] if not procedures else []),
            *sorted(REQUIRED_BRIEFING_RULES - set(rules)),
        ]
        if undiscussed:
            raise ValidationError(
                "a commitment is recorded only after purposes, procedures and the ground "
                f"rules were discussed; not yet discussed: {', '.join(undiscussed)}"
            )
    row = BriefingRow(
        candidate_id=candidate_id,
        held_on=held_on,
        purposes_discussed=purposes,
        procedures_discussed=procedures,
        ground_rules=list(rules),
        commitment=outcome.value,
    )
    uow.add_sealed(candidate.workshop_id, row, notes_enc=notes or None)
    return row.id


def record_leadership_approval(
    uow: UnitOfWork, actor: Actor, candidate_id: UUID, *, approved: bool
) -> bool | None:
    """Record whether a candidate's leadership knows of and approves their taking part: the
    "supportive climate" contact condition counts it. Returns the value it replaced."""
    candidate = uow.get(CandidateRow, candidate_id, "candidate")
    require_manager(uow, actor, candidate.workshop_id)
    earlier = candidate.leadership_approval
    candidate.leadership_approval = bool(approved)
    uow.audit(
        actor.label,
        "leadership-approval" if approved else "leadership-disapproval",
        "candidate",
        candidate.id,
        candidate.workshop_id,
    )
    return earlier


def candidate_labels(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> dict[UUID, str]:
    """Return each candidate's label: party and number in the order added (``North 3``),
    the same on every page, graph and report that shows candidates without names."""
    return _labels(uow, require_manager(uow, actor, workshop_id))


def _labels(uow: UnitOfWork, workshop: WorkshopRow) -> dict[UUID, str]:
    names = _party_names(uow, workshop)
    counts: dict[UUID, int] = {}
    labels: dict[UUID, str] = {}
    for row in uow.candidates.of_workshop(workshop.id):
        counts[row.party_id] = counts.get(row.party_id, 0) + 1
        labels[row.id] = f"{names[row.party_id]} {counts[row.party_id]}"
    return labels


def _commitments(uow: UnitOfWork, workshop_id: UUID) -> dict[UUID, str]:
    latest: dict[UUID, str] = {}
    for row in uow.briefings.of_workshop(workshop_id):
        latest[row.candidate_id] = row.commitment
    return latest


@dataclass(frozen=True)
class Candidate(Result):
    """A candidate's scores and commitment; ``name`` only when revealed (left out otherwise)."""

    id: str
    label: str
    party: str
    role: str
    influence: float
    credibility: float
    openness: float
    status: float
    key_person: bool
    leadership_approval: bool | None
    commitment: str
    name: str | None = field(default=None, kw_only=True, metadata=SOMETIMES)
    flags: list[str] = field(default_factory=list, kw_only=True)


def candidates(
    uow: UnitOfWork, actor: Actor, workshop_id: UUID, *, reveal: bool = False
) -> list[Candidate]:
    """List candidates with their scores and commitment; names only when ``reveal``.

    Every name revealed is written to the audit trail. ``flags`` says who is a walk-in and
    who was referred across parties.
    """
    workshop = require_manager(uow, actor, workshop_id)
    names = _party_names(uow, workshop)
    commitments = _commitments(uow, workshop_id)
    rows = uow.candidates.of_workshop(workshop_id)
    party_of = {row.id: row.party_id for row in rows}
    flags: dict[UUID, list[str]] = {row.id: [] for row in rows}
    referred = set()
    for referral in uow.referrals.of_workshop(workshop_id):
        referred.add(referral.referred_id)
        source, target = party_of[referral.referrer_id], party_of[referral.referred_id]
        if source != target:
            flags[referral.referred_id].append(
                _cross_party(
                    referral.referrer_id, referral.referred_id, (names[source], names[target])
                )
            )
    for row in rows:
        # A returning participant, invited from the series' earlier workshop, is no walk-in.
        if (
            not row.is_key_person
            and row.id not in referred
            and not uow.candidates.identity_origins(row.id, (IDENTITY_COPIED_FROM,))
        ):
            flags[row.id].append(_walk_in(row.id))
    labels = candidate_labels(uow, actor, workshop_id)
    return [
        Candidate(
            id=str(row.id),
            label=labels[row.id],
            party=names[row.party_id],
            role=row.role,
            influence=row.influence,
            credibility=row.credibility,
            openness=row.openness,
            status=row.status,
            key_person=row.is_key_person,
            leadership_approval=row.leadership_approval,
            commitment=commitments.get(row.id, Commitment.PENDING.value),
            name=uow.read_name(actor.label, "candidate", workshop_id, row) if reveal else None,
            flags=flags[row.id],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Identity(Result):
    """A candidate's sealed identity, opened: name and contact details (None where not given)."""

    name: str | None
    email: str | None
    phone: str | None
    notes: str | None


def reveal_identity(uow: UnitOfWork, actor: Actor, candidate_id: UUID) -> Identity:
    """Return one candidate's name and contact details, writing the read to the audit trail."""
    row = uow.get(CandidateRow, candidate_id, "candidate")
    require_manager(uow, actor, row.workshop_id)
    uow.audit(actor.label, "read-identity", "candidate", row.id, row.workshop_id)
    return Identity(
        name=uow.open_optional(row.workshop_id, row, "name_enc"),
        email=uow.open_optional(row.workshop_id, row, "email_enc"),
        phone=uow.open_optional(row.workshop_id, row, "phone_enc"),
        notes=uow.open_optional(row.workshop_id, row, "notes_enc"),
    )


def compose_workshop(
    uow: UnitOfWork, actor: Actor, workshop_id: UUID, rules: CompositionRules | None = None
) -> Composition:
    """Choose the members by exact optimisation and record them (element 6).

    Only candidates with a recorded commitment are eligible; the composition replaces any
    earlier one of the same workshop. Required roles must be the conflict's (rule 'roles of
    the conflict'), and the conflict's number of roles bounds the rules on roles.
    """
    workshop = require_manager(uow, actor, workshop_id)
    chosen_rules = rules or CompositionRules(per_party=workshop.per_party)
    if chosen_rules.per_party != workshop.per_party:
        raise ValidationError(
            f"this workshop is planned for {workshop.per_party} per party, "
            f"not {chosen_rules.per_party}"
        )
    names = _party_names(uow, workshop)
    roles = [role.name for role in uow.get(ConflictRow, workshop.conflict_id).roles]
    for role in chosen_rules.required_roles:
        require_role_of_conflict(role, roles)
    commitments = _commitments(uow, workshop_id)
    rows = uow.candidates.of_workshop(workshop_id)
    pool = [
        CompositionCandidate(
            id=str(row.id),
            party=names[row.party_id],
            role=row.role,
            influence=row.influence,
            credibility=row.credibility,
            openness=row.openness,
            status=row.status,
            committed=commitments.get(row.id) == Commitment.GIVEN.value,
        )
        for row in rows
    ]
    result = compose(pool, list(names.values()), chosen_rules, role_count=len(roles))
    # Members chosen again keep their membership (and so their sign-in and contributions'
    # pseudonyms); those no longer chosen leave; newcomers join.
    chosen = {candidate_id for ids in result.selected.values() for candidate_id in ids}
    current = {str(row.candidate_id): row for row in uow.members.of_workshop(workshop_id)}
    uow.remove(*(row for candidate_id, row in current.items() if candidate_id not in chosen))
    party_of = {str(row.id): row.party_id for row in rows}
    for candidate_id in sorted(chosen - set(current)):
        if commitments.get(UUID(candidate_id)) != Commitment.GIVEN.value:
            raise CommitmentMissing(f"candidate {candidate_id} has no recorded commitment")
        uow.add(
            MemberRow(
                workshop_id=workshop_id,
                candidate_id=UUID(candidate_id),
                party_id=party_of[candidate_id],
            )
        )
    uow.add(
        CompositionRow(
            workshop_id=workshop_id,
            rules=chosen_rules.to_dict(),
            result=result.to_dict(),
            engine_version=result.engine_version,
            created_at=now(),
        )
    )
    return result


def add_member(uow: UnitOfWork, actor: Actor, workshop_id: UUID, candidate_id: UUID) -> UUID:
    """Add one committed candidate by hand (for a facilitator overriding the optimiser)."""
    require_manager(uow, actor, workshop_id)
    candidate = uow.get(CandidateRow, candidate_id, "candidate")
    if candidate.workshop_id != workshop_id:
        raise ValidationError("that candidate was recruited for another workshop")
    if _commitments(uow, workshop_id).get(candidate_id) != Commitment.GIVEN.value:
        raise CommitmentMissing(
            "nobody is composed into a workshop without a recorded commitment: "
            "record a briefing with commitment 'given' first"
        )
    row = MemberRow(workshop_id=workshop_id, candidate_id=candidate_id, party_id=candidate.party_id)
    uow.add(row)
    return row.id


@dataclass(frozen=True)
class Member(Result):
    """A composed member: party, role and status; ``name`` only when revealed (left out else)."""

    member_id: str
    candidate_id: str
    party: str
    party_id: str
    role: str
    status: float
    name: str | None = field(default=None, kw_only=True, metadata=SOMETIMES)


def members(
    uow: UnitOfWork, actor: Actor, workshop_id: UUID, *, reveal: bool = False
) -> list[Member]:
    """Return the composed members per party; full names only when ``reveal`` (audited)."""
    workshop = require_manager(uow, actor, workshop_id)
    names = _party_names(uow, workshop)
    rows = uow.members.of_workshop(workshop_id)
    listed = []
    for row in rows:
        candidate = uow.get(CandidateRow, row.candidate_id)
        name = uow.read_name(actor.label, "candidate", workshop_id, candidate) if reveal else None
        listed.append(
            Member(
                member_id=str(row.id),
                candidate_id=str(candidate.id),
                party=names[row.party_id],
                party_id=str(row.party_id),
                role=candidate.role,
                status=candidate.status,
                name=name,
            )
        )
    return listed


# What a returning participant's new candidacy takes over from the earlier one: their sealed
# identity (re-sealed under the new workshop's key) and their party, role and scores.
_SEALED = ("name_enc", "email_enc", "phone_enc", "notes_enc")
_CARRIED = (
    "party_id",
    "role",
    "influence",
    "credibility",
    "openness",
    "status",
    "is_key_person",
    "leadership_approval",
)

# A candidate has no column saying whose identity it copies, so the audit trail traces it: a
# returning participant's new candidacy is recorded as copied from the earlier one's workshop
# and, when that candidacy was itself a copy, onward from each workshop it came from. Destroying
# a workshop reads these to say which later workshops still hold its people's identities.
IDENTITY_COPIED_FROM = "identity-copied-from"
IDENTITY_COPIED_ONWARD = "identity-copied-onward-from"
IDENTITY_TRACES = (IDENTITY_COPIED_FROM, IDENTITY_COPIED_ONWARD)


def invite_returning(
    uow: UnitOfWork, actor: Actor, workshop_id: UUID, previous_candidate_ids: list[UUID]
) -> list[UUID]:
    """Invite participants of an earlier workshop in the series as candidates of this one.

    Their identities are re-sealed under this workshop's key; their commitment must be given
    again after a new briefing. The audit trail records where each copy came from, so that
    destroying the earlier workshop can say that the copy remains.
    """
    workshop = require_manager(uow, actor, workshop_id)
    uow.lock(workshop)  # two invitations of the same person at once make one candidacy
    invited = []
    for candidate_id in previous_candidate_ids:
        old = uow.get(CandidateRow, candidate_id, "candidate")
        earlier = uow.get(WorkshopRow, old.workshop_id)
        if earlier.series_id is None or earlier.series_id != workshop.series_id:
            raise ValidationError("returning participants come from the same series")
        person = old.person_id or old.id
        if person in uow.candidates.people_of(workshop_id):
            raise ValidationError(
                "that participant was already invited back to this workshop: they keep one "
                "candidacy per workshop"
            )
        identity = {column: uow.open_optional(old.workshop_id, old, column) for column in _SEALED}
        carried = {column: getattr(old, column) for column in _CARRIED}
        row = uow.add_sealed(
            workshop_id,
            CandidateRow(workshop_id=workshop_id, person_id=person, created_at=now(), **carried),
            **identity,
        )
        uow.audit(actor.label, "carry-identity", "candidate", old.id, old.workshop_id)
        uow.audit(actor.label, IDENTITY_COPIED_FROM, "candidate", row.id, old.workshop_id)
        for origin in uow.candidates.identity_origins(old.id, IDENTITY_TRACES):
            if origin != old.workshop_id:
                uow.audit(actor.label, IDENTITY_COPIED_ONWARD, "candidate", row.id, origin)
        invited.append(row.id)
    return invited


@dataclass(frozen=True)
class Returning(Result):
    """A member of the series' previous workshop who may be invited back: their candidacy
    there, their label there, and whether they were invited already."""

    candidate_id: str
    label: str
    party: str
    role: str
    invited: bool


def returning_candidates(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> list[Returning]:
    """Return the members of the series' previous workshop, by their label there (no names:
    those open once they are invited back, under this workshop's key)."""
    workshop = require_manager(uow, actor, workshop_id)
    if workshop.previous_workshop_id is None:
        return []
    previous = uow.get(WorkshopRow, workshop.previous_workshop_id)
    labels = _labels(uow, previous)
    names = _party_names(uow, workshop)
    here = uow.candidates.people_of(workshop_id)
    listed = []
    for member in uow.members.of_workshop(previous.id):
        old = uow.get(CandidateRow, member.candidate_id)
        listed.append(
            Returning(
                candidate_id=str(old.id),
                label=labels[old.id],
                party=names[old.party_id],
                role=old.role,
                invited=(old.person_id or old.id) in here,
            )
        )
    return listed


def act_as_member(uow: UnitOfWork, actor: Actor, member_id: UUID) -> Actor:
    """Return the participant actor of a workshop member, for the operator to record input.

    Only the operator may do this (for example to type in what a participant wrote on paper);
    the contribution still carries that member's party and nothing else.
    """
    from tracktwo.services.access import require_operator

    require_operator(actor, "record a participant's contribution")
    member = uow.get(MemberRow, member_id, "workshop member")
    return Actor.participant(member.id, member.workshop_id, member.party_id)
