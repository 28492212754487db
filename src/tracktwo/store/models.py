"""SQLAlchemy 2 tables of tracktwo.

Columns ending in ``_enc`` hold AES-GCM ciphertext made with the owning workshop's data key
(:mod:`tracktwo.store.keys`): names, contact details, notes about people and every workshop
contribution's text. Contributions carry the party, never the person.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def new_id() -> uuid.UUID:
    """Return a fresh random identifier."""
    return uuid.uuid4()


class Base(DeclarativeBase):
    """Base of every table."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class ConflictRow(Base):
    __tablename__ = "conflicts"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    # Sealed under the conflict's own data key (see store/sealing.py).
    context_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    stage: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(40))
    misperception_share: Mapped[float] = mapped_column(Float)
    diagnosis_note_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    parties: Mapped[list[PartyRow]] = relationship(
        back_populates="conflict", order_by="PartyRow.position", cascade="all, delete-orphan"
    )
    roles: Mapped[list[ConflictRoleRow]] = relationship(
        back_populates="conflict",
        order_by="ConflictRoleRow.position",
        cascade="all, delete-orphan",
    )


class ConflictRoleRow(Base):
    """A role candidates of this conflict may hold (parliamentarian, journalist, ...)."""

    __tablename__ = "conflict_roles"
    __table_args__ = (UniqueConstraint("conflict_id", "name"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    conflict_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("conflicts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    conflict: Mapped[ConflictRow] = relationship(back_populates="roles")


class PartyRow(Base):
    __tablename__ = "parties"
    __table_args__ = (UniqueConstraint("conflict_id", "name"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    conflict_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("conflicts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer)
    conflict: Mapped[ConflictRow] = relationship(back_populates="parties")


class RipenessAssessmentRow(Base):
    __tablename__ = "ripeness_assessments"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    conflict_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("conflicts.id", ondelete="CASCADE"))
    party_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"))
    assessed_on: Mapped[date] = mapped_column(Date)
    believes_can_win_alone: Mapped[bool] = mapped_column(Boolean)
    stalemate_pain: Mapped[float] = mapped_column(Float)
    basis_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    assessor_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class SeriesRow(Base):
    __tablename__ = "series"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    conflict_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("conflicts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))


class WorkshopRow(Base):
    __tablename__ = "workshops"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    conflict_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("conflicts.id", ondelete="CASCADE"))
    series_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("series.id"), nullable=True)
    sequence: Mapped[int] = mapped_column(Integer, default=1)
    previous_workshop_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("workshops.id", ondelete="SET NULL"), nullable=True
    )
    title: Mapped[str] = mapped_column(String(200))
    venue_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    per_party: Mapped[int] = mapped_column(Integer)
    retention_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    # the IANA time zone its pages show and take times in; none means UTC
    time_zone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # "Keep only what both parties endorse": contributions are sealed under a pending key
    # until pruned; pruning keeps the endorsed ones (resealed under the workshop key) and
    # destroys the rest with the pending key (services/record.py).
    keep_only_endorsed: Mapped[bool] = mapped_column(Boolean, default=False)
    pending_key_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    last_pruning: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class FacilitatorRow(Base):
    __tablename__ = "facilitators"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    workshop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    name_enc: Mapped[bytes] = mapped_column(LargeBinary)
    email_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    impartiality: Mapped[float] = mapped_column(Float)
    communication: Mapped[float] = mapped_column(Float)
    sensitivity: Mapped[float] = mapped_column(Float)
    credibility: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class CandidateRow(Base):
    __tablename__ = "candidates"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    workshop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    party_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("parties.id"))
    name_enc: Mapped[bytes] = mapped_column(LargeBinary)
    email_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    notes_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    role: Mapped[str] = mapped_column(String(40))
    influence: Mapped[float] = mapped_column(Float)
    credibility: Mapped[float] = mapped_column(Float)
    openness: Mapped[float] = mapped_column(Float)
    status: Mapped[float] = mapped_column(Float)
    is_key_person: Mapped[bool] = mapped_column(Boolean, default=False)
    leadership_approval: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    # one person across a series: the id of their candidacy in its first workshop (none for
    # a first candidacy, whose own id is the person's)
    person_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ReferralRow(Base):
    __tablename__ = "referrals"
    __table_args__ = (UniqueConstraint("referrer_id", "referred_id"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    workshop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    referrer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    referred_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    consulted_key_person: Mapped[bool] = mapped_column(Boolean, default=True)
    referred_on: Mapped[date] = mapped_column(Date)


class BriefingRow(Base):
    __tablename__ = "briefings"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    candidate_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    held_on: Mapped[date] = mapped_column(Date)
    purposes_discussed: Mapped[bool] = mapped_column(Boolean)
    procedures_discussed: Mapped[bool] = mapped_column(Boolean)
    ground_rules: Mapped[list[Any]] = mapped_column(JSON, default=list)
    commitment: Mapped[str] = mapped_column(String(20))
    notes_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class CompositionRow(Base):
    __tablename__ = "compositions"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    workshop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    engine_version: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class MemberRow(Base):
    __tablename__ = "workshop_members"
    __table_args__ = (UniqueConstraint("workshop_id", "candidate_id"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    workshop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    candidate_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    party_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("parties.id"))


class SessionRow(Base):
    __tablename__ = "sessions"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    workshop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    party_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("parties.id"), nullable=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    hours: Mapped[float] = mapped_column(Float)
    venue_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class SessionRatingRow(Base):
    __tablename__ = "session_ratings"
    __table_args__ = (UniqueConstraint("session_id", "rater_token"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    party_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("parties.id"))
    value: Mapped[float] = mapped_column(Float)
    # a keyed pseudonym of the rater: one rating per person and session (none before 0010)
    rater_token: Mapped[str | None] = mapped_column(String(64), nullable=True)


class ConcernRow(Base):
    __tablename__ = "concerns"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    workshop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    # The pending key this row is sealed under (keep-only-endorsed mode); None: the workshop's.
    sealed_under: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    party_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("parties.id"))
    space: Mapped[str] = mapped_column(String(20), default="joint")
    kind: Mapped[str] = mapped_column(String(20))
    basic_need: Mapped[str | None] = mapped_column(String(20), nullable=True)
    text_enc: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class AcknowledgementRow(Base):
    __tablename__ = "acknowledgements"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    concern_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("concerns.id", ondelete="CASCADE"))
    # The pending key this row is sealed under (keep-only-endorsed mode); None: the workshop's.
    sealed_under: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    by_party_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("parties.id"))
    restatement_enc: Mapped[bytes] = mapped_column(LargeBinary)
    owner_satisfied: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class IdeaRow(Base):
    __tablename__ = "ideas"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    workshop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    # The pending key this row is sealed under (keep-only-endorsed mode); None: the workshop's.
    sealed_under: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    proposed_by_party_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("parties.id"), nullable=True
    )
    text_enc: Mapped[bytes] = mapped_column(LargeBinary)
    carried_from_idea_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("ideas.id", ondelete="SET NULL"), nullable=True
    )
    carry_action: Mapped[str | None] = mapped_column(String(20), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class IdeaConcernRow(Base):
    __tablename__ = "idea_concerns"
    idea_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True
    )
    concern_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("concerns.id", ondelete="CASCADE"), primary_key=True
    )


class IdeaRatingRow(Base):
    __tablename__ = "idea_ratings"
    __table_args__ = (UniqueConstraint("idea_id", "rater_token"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    idea_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    party_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("parties.id"))
    rater_token: Mapped[str] = mapped_column(String(64))
    value: Mapped[int] = mapped_column(Integer)
    # When the current value was given (None for ratings stored before migration 0009).
    rated_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class IdeaRatingChangeRow(Base):
    """A rating a rater later changed: the earlier value and when it was given and replaced.
    The current value stays in ``idea_ratings``; only it counts."""

    __tablename__ = "idea_rating_changes"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    idea_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ideas.id", ondelete="CASCADE"), index=True
    )
    party_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("parties.id"))
    rater_token: Mapped[str] = mapped_column(String(64))
    value: Mapped[int] = mapped_column(Integer)
    rated_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    replaced_at: Mapped[datetime] = mapped_column(DateTime)


class ConstraintRow(Base):
    __tablename__ = "constraints"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    workshop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    # The pending key this row is sealed under (keep-only-endorsed mode); None: the workshop's.
    sealed_under: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    party_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("parties.id"))
    kind: Mapped[str] = mapped_column(String(20))
    text_enc: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ReassuranceStepRow(Base):
    __tablename__ = "reassurance_steps"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    workshop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    # The pending key this row is sealed under (keep-only-endorsed mode); None: the workshop's.
    sealed_under: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    by_party_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("parties.id"))
    actor_enc: Mapped[bytes] = mapped_column(LargeBinary)
    action_enc: Mapped[bytes] = mapped_column(LargeBinary)
    when_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class SharedVisionRow(Base):
    __tablename__ = "shared_visions"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    workshop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    # The pending key this row is sealed under (keep-only-endorsed mode); None: the workshop's.
    sealed_under: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    text_enc: Mapped[bytes] = mapped_column(LargeBinary)
    endorsed_by: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # An amendment the other party proposed to this statement (which stays as it was).
    amends_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("shared_visions.id", ondelete="CASCADE"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime)


class KeepMarkRow(Base):
    """A party's agreement to keep one contribution (keep-only-endorsed mode)."""

    __tablename__ = "keep_marks"
    __table_args__ = (UniqueConstraint("record_type", "record_id", "party_id"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    workshop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[uuid.UUID] = mapped_column()
    party_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("parties.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class InterventionRow(Base):
    __tablename__ = "interventions"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    workshop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    phase: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(DateTime)


class PhaseOpeningRow(Base):
    """One opening of a phase by the third party: when it opened and, once closed, when."""

    __tablename__ = "phase_openings"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    workshop_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    phase: Mapped[str] = mapped_column(String(20))
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class ModerationRow(Base):
    """A facilitator's hiding of a joint contribution, or its merging into another of the
    same kind, with the reason (sealed). The contribution stays stored; the joint table and
    the projector no longer show it."""

    __tablename__ = "moderations"
    __table_args__ = (UniqueConstraint("record_type", "record_id"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    workshop_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[uuid.UUID] = mapped_column()
    action: Mapped[str] = mapped_column(String(10))
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    reason_enc: Mapped[bytes] = mapped_column(LargeBinary)
    by: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(DateTime)


class SurveyResponseRow(Base):
    __tablename__ = "survey_responses"
    __table_args__ = (UniqueConstraint("workshop_id", "respondent_token", "wave", "measure"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    workshop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    respondent_token: Mapped[str] = mapped_column(String(64))
    party_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("parties.id"))
    wave: Mapped[str] = mapped_column(String(20))
    measure: Mapped[str] = mapped_column(String(40))
    value: Mapped[float] = mapped_column(Float)
    taken_on: Mapped[date] = mapped_column(Date)


class ReentryRow(Base):
    __tablename__ = "reentry_followups"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    workshop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workshop_members.id", ondelete="CASCADE")
    )
    followed_up_on: Mapped[date] = mapped_column(Date)
    ingroup_pressure: Mapped[float] = mapped_column(Float)
    marginalisation: Mapped[float] = mapped_column(Float)
    publicly_exposed: Mapped[bool] = mapped_column(Boolean, default=False)
    notes_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class ReentryCheckRow(Base):
    """A scheduled check on a participant after the workshop: due when, done when, whether
    they were reached, and the mitigation agreed (sealed)."""

    __tablename__ = "reentry_checks"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    workshop_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workshop_members.id", ondelete="CASCADE")
    )
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    contacted: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    mitigation_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class TransferRow(Base):
    __tablename__ = "transfers"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    idea_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(40))
    recipient_enc: Mapped[bytes] = mapped_column(LargeBinary)
    occurred_on: Mapped[date] = mapped_column(Date)
    result: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(10))
    # Why an idea not supported by both parties was carried to a negotiation text or the media.
    reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class AuditRow(Base):
    """Who read which person's identity, and when; never the data itself."""

    __tablename__ = "audit_trail"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60))
    record_type: Mapped[str] = mapped_column(String(60))
    record_id: Mapped[str] = mapped_column(String(64))
    workshop_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)


class FeedbackRoundRow(Base):
    """A feedback round: released ideas put to both communities between workshops."""

    __tablename__ = "feedback_rounds"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    workshop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    results_open: Mapped[bool] = mapped_column(Boolean, default=False)
    # Share of a community's votes that must agree (lower end of the 95% interval) for a
    # statement to count as supported by that community.
    support_threshold: Mapped[float] = mapped_column(Float, default=0.5, server_default="0.5")
    # "open": one link per community; "invitation": single-use links, one per respondent.
    mode: Mapped[str] = mapped_column(String(12), default="open", server_default="open")


class RoundLinkRow(Base):
    """A per-community link; only a keyed hash of its secret is kept."""

    __tablename__ = "round_links"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    round_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("feedback_rounds.id", ondelete="CASCADE")
    )
    party_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("parties.id"))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)


class RoundStatementRow(Base):
    __tablename__ = "round_statements"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    round_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("feedback_rounds.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer)
    origin: Mapped[str] = mapped_column(String(20))
    idea_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("ideas.id", ondelete="SET NULL"), nullable=True
    )
    submitted_by_party_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("parties.id"), nullable=True
    )
    text_enc: Mapped[bytes] = mapped_column(LargeBinary)
    moderation: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class RespondentRow(Base):
    """An anonymous respondent of one community in one round."""

    __tablename__ = "respondents"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    round_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("feedback_rounds.id", ondelete="CASCADE")
    )
    party_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("parties.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # SHA-256 of the round id and the browser's ballot cookie (a random id); never the
    # cookie itself. Several respondents under one hash are flagged until accepted.
    ballot_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    ballot_accepted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    __table_args__ = (Index("ix_respondents_round_ballot", "round_id", "ballot_hash"),)


class RoundInvitationRow(Base):
    """A single-use respondent link of a round by invitation; only its hash is kept."""

    __tablename__ = "round_invitations"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    round_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("feedback_rounds.id", ondelete="CASCADE"), index=True
    )
    party_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("parties.id"))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    respondent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("respondents.id", ondelete="SET NULL"), nullable=True
    )


class RoundVoteRow(Base):
    """The latest vote of a respondent on a statement."""

    __tablename__ = "round_votes"
    __table_args__ = (UniqueConstraint("respondent_id", "statement_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("feedback_rounds.id", ondelete="CASCADE"), index=True
    )
    respondent_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("respondents.id", ondelete="CASCADE")
    )
    statement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("round_statements.id", ondelete="CASCADE")
    )
    vote: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime)


class ReleaseRow(Base):
    """The release log: which idea left the workshop, when, and who released it."""

    __tablename__ = "releases"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    round_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("feedback_rounds.id", ondelete="CASCADE")
    )
    idea_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("ideas.id", ondelete="SET NULL"), nullable=True
    )
    released_by: Mapped[str] = mapped_column(String(120))
    released_at: Mapped[datetime] = mapped_column(DateTime)


class RoundAnalysisRow(Base):
    """A stored common-ground analysis of a round, with the engine version that made it."""

    __tablename__ = "round_analyses"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    round_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("feedback_rounds.id", ondelete="CASCADE")
    )
    engine_version: Mapped[str] = mapped_column(String(60))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    votes_counted: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class SignInLinkRow(Base):
    """A single-use sign-in link; only an argon2 hash of its secret is kept."""

    __tablename__ = "sign_in_links"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[uuid.UUID] = mapped_column(index=True)
    # none for an organiser's link, which opens no one workshop
    workshop_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), nullable=True
    )
    secret_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class WebSessionRow(Base):
    """A signed-in browser. Its cookie holds a random id; the store keeps only the id's
    SHA-256 hash, so a copy of the database opens no session. Sign-out deletes the row; a
    request after ``idle_until`` or ``expires_at`` is refused, and the next sign-in's sweep
    deletes it."""

    __tablename__ = "web_sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[str] = mapped_column(String(64))
    workshop_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), nullable=True
    )
    party_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    round_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("feedback_rounds.id", ondelete="CASCADE"), nullable=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)
    # the end of the idle period, moved on as the browser is used, never past expires_at
    idle_until: Mapped[datetime] = mapped_column(DateTime, index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
