"""The seed's vocabulary as enumerations shared by every layer."""

from __future__ import annotations

from enum import StrEnum


class NegotiationStage(StrEnum):
    """Where official negotiation stands; the workshop's role differs in each (seed 4.1)."""

    PRE_NEGOTIATION = "pre-negotiation"
    ACTIVE_NEGOTIATION = "active-negotiation"
    POST_NEGOTIATION = "post-negotiation"


class ConflictKind(StrEnum):
    """Inter-state conflict, or an internal conflict of social identity (seed 4.3)."""

    INTER_STATE = "inter-state"
    INTERNAL_IDENTITY = "internal-identity"


class RipenessState(StrEnum):
    """Zartman's mutually hurting stalemate: started by one side, completed by the other."""

    NOT_RIPE = "not-ripe"
    RIPENING = "ripening"
    RIPE = "ripe"


DEFAULT_ROLES: tuple[str, ...] = (
    "parliamentarian",
    "party-leader",
    "former-official",
    "journalist",
    "scholar",
    "civil-society",
    "youth",
)
"""The positions Kelman's workshops drew participants from (seed 3): the roles a new
conflict starts with. Each conflict keeps its own list, which the organiser may change."""


class Commitment(StrEnum):
    """The outcome of a briefing (Kelman 1996: 506)."""

    PENDING = "pending"
    GIVEN = "given"
    DECLINED = "declined"


class ConcernKind(StrEnum):
    """What phase 1 puts on the table: needs, fears, priorities and constraints."""

    NEED = "need"
    FEAR = "fear"
    PRIORITY = "priority"
    CONSTRAINT = "constraint"


class BasicNeed(StrEnum):
    """Azar's basic human needs behind protracted social conflict."""

    SECURITY = "security"
    IDENTITY = "identity"
    RECOGNITION = "recognition"
    PARTICIPATION = "participation"


class ConstraintKind(StrEnum):
    """Phase 3: what keeps the parties from the negotiation table."""

    POLITICAL = "political"
    PSYCHOLOGICAL = "psychological"


class Phase(StrEnum):
    """The four phases of a problem-solving workshop (seed 3)."""

    ANALYSIS = "analysis"
    PROBLEM_SOLVING = "problem-solving"
    CONSTRAINTS = "constraints"
    REASSURANCE = "reassurance"


class ContactCondition(StrEnum):
    """Hewstone & Brown's (1986) five conditions for contact to change attitudes (seed 4.3)."""

    EQUAL_STATUS = "equal-status"
    SUPPORTIVE_CLIMATE = "supportive-climate"
    INTIMACY = "intimacy"
    PLEASANT_REWARDING = "pleasant-rewarding"
    COMMON_GOALS = "common-goals"


class InterventionKind(StrEnum):
    """Kinds of facilitator intervention, logged without content."""

    GROUND_RULES = "ground-rules"
    REDIRECT_TO_EACH_OTHER = "redirect-to-each-other"
    ANALYTIC_NOT_POLEMIC = "analytic-not-polemic"
    CLARIFY = "clarify"
    SUMMARISE = "summarise"
    PROCESS = "process"
    DE_ESCALATE = "de-escalate"


class SurveyWave(StrEnum):
    """When a survey was taken relative to the workshop."""

    PRE = "pre"
    POST = "post"
    FOLLOW_UP = "follow-up"


class Measure(StrEnum):
    """Survey measures; ``_individuals`` and ``_group`` separate hypothesis confirmation."""

    THERMOMETER_INDIVIDUALS = "thermometer-individuals"
    THERMOMETER_GROUP = "thermometer-group"
    TRUST_INDIVIDUALS = "trust-individuals"
    TRUST_GROUP = "trust-group"
    DEHUMANISATION = "dehumanisation"
    SOLUTION_WITHIN_REACH = "solution-within-reach"
    INGROUP_PRESSURE = "ingroup-pressure"
    MARGINALISATION = "marginalisation"


class TransferChannel(StrEnum):
    """Where an idea went after the workshop (micro to macro, seed 4.1 and 5)."""

    DECISION_MAKER = "decision-maker"
    NEGOTIATION_TEXT = "negotiation-text"
    MEDIA = "media"
    PARTY_OR_MOVEMENT = "party-or-movement"
    CIVIL_SOCIETY = "civil-society"


class TransferResult(StrEnum):
    """What came of a transfer."""

    PENDING = "pending"
    CONSIDERED = "considered"
    ADOPTED = "adopted"
    REJECTED = "rejected"
