"""Single-use sign-in links for facilitators and participants (argon2-hashed secrets).

An organiser's link, made only at the command line by whoever holds the data folder's
master key, opens the organiser's pages (conflicts, workshops, their teams) and no
workshop's records until the organiser is added to a team.

A link is ``<link id>.<secret>``; the store keeps only an argon2 hash of the secret, marks
the link used on first sign-in, and refuses it afterwards or once it has expired. A person
holds at most one unused link: making a new one deletes their earlier unused ones.

Redemption is decided by one conditional update (``used_at`` still empty, not yet expired):
the database lets exactly one of any number of concurrent redemptions change the row, on
SQLite (one writer at a time) and PostgreSQL (the row lock, then the condition re-checked)
alike. A row lock taken by ``SELECT ... FOR UPDATE`` would not do: SQLite ignores it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID, uuid4

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tracktwo.domain.actors import Actor, ActorKind
from tracktwo.errors import AccessDenied, NotFoundError, ValidationError
from tracktwo.services.access import actor_free, require_manager, require_operator
from tracktwo.services.web_sessions import ORGANISER_PREFIX
from tracktwo.store.models import FacilitatorRow, MemberRow, SignInLinkRow
from tracktwo.store.unit_of_work import UnitOfWork, now

# Modest argon2 cost: links are long random secrets, so the hash guards a leaked database,
# not a guessable password.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
DEFAULT_LIFETIME = timedelta(days=14)


@dataclass(frozen=True)
class SignInLink:
    """A link token to hand to one person, once."""

    token: str
    kind: ActorKind
    workshop_id: UUID | None


def create_link(
    uow: UnitOfWork,
    actor: Actor,
    workshop_id: UUID,
    *,
    kind: ActorKind,
    subject_id: UUID,
    lifetime: timedelta = DEFAULT_LIFETIME,
) -> SignInLink:
    """Make a single-use link for one facilitator or one workshop member; that person's
    earlier links that were never used stop working."""
    require_manager(uow, actor, workshop_id)
    if kind is ActorKind.FACILITATOR:
        facilitator = uow.get(FacilitatorRow, subject_id, "facilitator")
        if facilitator.workshop_id != workshop_id:
            raise ValidationError("that facilitator belongs to another workshop")
    elif kind is ActorKind.PARTICIPANT:
        member = uow.get(MemberRow, subject_id, "workshop member")
        if member.workshop_id != workshop_id:
            raise ValidationError("that member belongs to another workshop")
    else:
        raise ValidationError("sign-in links are for facilitators and participants")
    if uow.sign_in_links.void_unused(kind.value, subject_id):
        uow.audit(actor.label, f"void-{kind.value}-links", "sign-in-link", subject_id, workshop_id)
    secret = secrets.token_urlsafe(32)
    row = SignInLinkRow(
        kind=kind.value,
        subject_id=subject_id,
        workshop_id=workshop_id,
        secret_hash=_HASHER.hash(secret),
        created_at=now(),
        expires_at=now() + lifetime,
    )
    uow.add(row)
    uow.audit(actor.label, f"issue-{kind.value}-link", "sign-in-link", row.id, workshop_id)
    return SignInLink(f"{row.id}.{secret}", kind, workshop_id)


ORGANISER_LIFETIME = timedelta(hours=12)


def create_organiser_link(
    uow: UnitOfWork, actor: Actor, *, lifetime: timedelta = ORGANISER_LIFETIME
) -> SignInLink:
    """Make a single-use link that signs a browser in as the organiser of this data folder:
    the one who opens conflicts and workshops and forms their teams. Only the operator at
    the command line makes one; it lives 12 hours by default."""
    require_operator(actor, "make an organiser's sign-in link")
    secret = secrets.token_urlsafe(32)
    row = SignInLinkRow(
        kind=ActorKind.OPERATOR.value,
        subject_id=uuid4(),
        workshop_id=None,
        secret_hash=_HASHER.hash(secret),
        created_at=now(),
        expires_at=now() + lifetime,
    )
    uow.add(row)
    uow.audit(actor.label, "issue-organiser-link", "sign-in-link", row.id, None)
    return SignInLink(f"{row.id}.{secret}", ActorKind.OPERATOR, None)


@actor_free("the single-use link is the credential")
def redeem(uow: UnitOfWork, token: str) -> Actor:
    """Exchange a link for the actor it names; the link cannot be used again."""
    link_id, _, secret = token.partition(".")
    refused = AccessDenied("this sign-in link is not valid, was already used, or has expired")
    try:
        key = UUID(link_id)
    except ValueError:
        raise refused from None
    row = uow.find(SignInLinkRow, key)
    if row is None or row.used_at is not None or row.expires_at < now():
        raise refused
    try:
        _HASHER.verify(row.secret_hash, secret)
    except (VerificationError, InvalidHashError):
        raise refused from None
    if not uow.claim(SignInLinkRow, key, "used_at", now()):
        raise refused
    if row.kind == ActorKind.OPERATOR.value:
        return Actor(ActorKind.OPERATOR, f"{ORGANISER_PREFIX}{row.subject_id}")
    if row.workshop_id is None:
        raise refused
    if row.kind == ActorKind.FACILITATOR.value:
        return Actor.facilitator(row.subject_id, row.workshop_id)
    member = uow.get(MemberRow, row.subject_id, "workshop member")
    return Actor.participant(member.id, member.workshop_id, member.party_id)


def find_facilitator(uow: UnitOfWork, actor: Actor, workshop_id: UUID, who: str) -> UUID:
    """Return the id of the workshop's facilitator that ``who`` names: their id, ``lead``,
    or their name (case aside; each name compared is read, and so audited)."""
    require_manager(uow, actor, workshop_id)
    team = uow.facilitators.of_workshop(workshop_id)
    if not team:
        raise ValidationError(
            "this workshop has no facilitators yet: add one with `tracktwo workshop facilitator`"
        )
    wanted = who.strip()
    if wanted.casefold() == "lead":
        leads = [row.id for row in team if row.is_lead]
        if not leads:
            raise ValidationError("this workshop has no lead facilitator: name one by id")
        return leads[0]
    try:
        key: UUID | None = UUID(wanted)
    except ValueError:
        key = None
    if key is not None:
        if key not in {row.id for row in team}:
            raise NotFoundError(f"no facilitator {key} in this workshop")
        return key
    named = [
        row.id
        for row in team
        if uow.read_name(actor.label, "facilitator", workshop_id, row).strip().casefold()
        == wanted.casefold()
    ]
    if len(named) > 1:
        raise ValidationError(f"{len(named)} facilitators are named {wanted!r}: give the id")
    if not named:
        raise NotFoundError(f"no facilitator of this workshop is named {wanted!r}")
    return named[0]
