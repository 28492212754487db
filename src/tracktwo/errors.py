"""The exceptions tracktwo raises, each saying what was wrong and what to do.

Every service call is one transaction: when one of these is raised, nothing already stored
has changed. The command line turns each into a message and exit status 2.

    TrackTwoError
    ├── ValidationError            bad input: a value out of range, a malformed file
    │   ├── SurveyFileError        a survey file that cannot be read (names the row)
    │   └── VoteBatchError         a batch of feedback votes with a bad row (names the row)
    ├── NotFoundError              an id that names nothing
    ├── RuleViolation              a lifecycle rule of the seed would be broken
    │   ├── CommitmentMissing      composing a candidate without a recorded commitment
    │   ├── PartySizeError         a party of fewer than 3 or more than 6 members
    │   └── FacilitativeRoleError  a facilitator acting as if they were a participant
    ├── CompositionInfeasible      the constraints of a composition cannot all be met
    ├── AccessDenied               the actor may not reach this workshop, party or record
    ├── StoreRefusal               the database refused a write (a constraint, a trigger)
    ├── ConfidentialityError       keys missing or wrong; data cannot be decrypted
    └── ConfigurationError         a data folder, database URL or key that is not usable
"""

from __future__ import annotations


class TrackTwoError(Exception):
    """Base of every error tracktwo raises on purpose."""


class ValidationError(TrackTwoError, ValueError):
    """An input value or file is not acceptable."""


class SurveyFileError(ValidationError):
    """A survey file is malformed; the message names the row and column."""


class VoteBatchError(ValidationError):
    """A batch of votes holds a bad row; the whole batch is rejected."""


class NotFoundError(TrackTwoError, LookupError):
    """An identifier that names no stored record."""


class RuleViolation(TrackTwoError):
    """A lifecycle rule of the workshop method would be broken."""


class CommitmentMissing(RuleViolation):
    """A candidate without a recorded commitment cannot be composed into a workshop."""


class PartySizeError(RuleViolation):
    """A workshop party must have 3 to 6 members, equal across parties."""


class FacilitativeRoleError(RuleViolation):
    """The third party facilitates; it proposes no ideas as if it were a participant."""


class CompositionInfeasible(TrackTwoError):
    """No selection satisfies the constraints; ``constraint`` names the one that fails."""

    def __init__(self, message: str, constraint: str) -> None:
        super().__init__(message)
        self.constraint = constraint


class AccessDenied(TrackTwoError, PermissionError):
    """The actor may not reach this workshop, party space or record."""


class ConfidentialityError(TrackTwoError):
    """Encryption keys are missing, wrong or destroyed."""


class ConfigurationError(TrackTwoError):
    """A data folder, database URL or key setting is not usable."""


class StoreRefusal(TrackTwoError):
    """The database refused a write; ``reason`` names the kind of refusal, never the data."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"the database refused the write ({reason})")
        self.reason = reason
