"""The cipher context of every sealed column, derived from the row type, the column and the id.

Each is sealed with the data key of its workshop, or, for a conflict's own columns (the
conflict and its ripeness assessments), with the data key of the conflict.
A sealed value is bound to its context (``"<prefix>:<row id>"``): the same ciphertext does
not open under another column or another row. The prefixes below are those the data was
sealed with from the start; changing one makes every stored value of its column unreadable.
"""

from __future__ import annotations

from tracktwo.store.models import (
    AcknowledgementRow,
    Base,
    BriefingRow,
    CandidateRow,
    ConcernRow,
    ConflictRow,
    ConstraintRow,
    FacilitatorRow,
    IdeaRow,
    ModerationRow,
    ReassuranceStepRow,
    ReentryCheckRow,
    ReentryRow,
    RipenessAssessmentRow,
    RoundStatementRow,
    SessionRow,
    SharedVisionRow,
    TransferRow,
    WorkshopRow,
)

# (row type, column) -> context prefix; the one table of every sealed column.
CONTEXT_PREFIXES: dict[tuple[type[Base], str], str] = {
    (FacilitatorRow, "name_enc"): "facilitators.name",
    (FacilitatorRow, "email_enc"): "facilitators.email",
    (CandidateRow, "name_enc"): "candidates.name",
    (CandidateRow, "email_enc"): "candidates.email",
    (CandidateRow, "phone_enc"): "candidates.phone",
    (CandidateRow, "notes_enc"): "candidates.notes",
    (BriefingRow, "notes_enc"): "briefings.notes",
    (ConcernRow, "text_enc"): "concerns.text",
    (AcknowledgementRow, "restatement_enc"): "acknowledgements.text",
    (IdeaRow, "text_enc"): "ideas.text",
    (ConstraintRow, "text_enc"): "constraints.text",
    (ReassuranceStepRow, "actor_enc"): "reassurance.who",
    (ReassuranceStepRow, "action_enc"): "reassurance.what",
    (SharedVisionRow, "text_enc"): "visions.text",
    (ReentryRow, "notes_enc"): "reentry.notes",
    (TransferRow, "recipient_enc"): "transfers.recipient",
    (RoundStatementRow, "text_enc"): "statements.text",
    # Sealed from migration 0005 on: where people meet and what the facilitators wrote.
    (ConflictRow, "context_enc"): "conflicts.context",
    (ConflictRow, "diagnosis_note_enc"): "conflicts.diagnosis",
    (RipenessAssessmentRow, "basis_enc"): "ripeness.basis",
    (WorkshopRow, "venue_enc"): "workshops.venue",
    (SessionRow, "venue_enc"): "sessions.venue",
    (ReassuranceStepRow, "when_enc"): "reassurance.when",
    # From migration 0009 on: why a transfer went ahead without both parties' support.
    (TransferRow, "reason_enc"): "transfers.reason",
    # From migration 0010 on: who assessed ripeness, and a re-entry check's mitigation.
    (RipenessAssessmentRow, "assessor_enc"): "ripeness.assessor",
    (ReentryCheckRow, "mitigation_enc"): "reentry.mitigation",
    # From migration 0011 on: why the third party hid or merged a contribution.
    (ModerationRow, "reason_enc"): "moderations.reason",
}


def context_of(row: Base, column: str) -> str:
    """Return the cipher context of one sealed column of one row: ``"<prefix>:<row id>"``."""
    prefix = CONTEXT_PREFIXES.get((type(row), column))
    if prefix is None:
        raise KeyError(f"{type(row).__name__}.{column} is not a sealed column")
    row_id = getattr(row, "id", None)
    if row_id is None:
        raise ValueError(f"a {type(row).__name__} is sealed only once it has its id")
    return f"{prefix}:{row_id}"
