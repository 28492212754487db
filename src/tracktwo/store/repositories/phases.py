"""What the parties contribute in the four phases, and what becomes of their ideas."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from sqlalchemy import select

from tracktwo.store.models import (
    AcknowledgementRow,
    ConcernRow,
    ConstraintRow,
    IdeaConcernRow,
    IdeaRatingChangeRow,
    IdeaRatingRow,
    IdeaRow,
    InterventionRow,
    KeepMarkRow,
    ModerationRow,
    PartyRow,
    PhaseOpeningRow,
    ReassuranceStepRow,
    SharedVisionRow,
    TransferRow,
)
from tracktwo.store.repositories.base import Repository, WorkshopTable


class Concerns(Repository):
    """The parties' needs, fears, priorities and constraints, and the other side's
    restatements of them (phase 1)."""

    def of_workshop(self, workshop_id: UUID) -> list[ConcernRow]:
        """Return a workshop's concerns, in both spaces, in the order stated, then by id."""
        return self._in_workshop(ConcernRow, workshop_id, ConcernRow.created_at)

    def drafts(self, workshop_id: UUID, party_id: UUID) -> list[ConcernRow]:
        """Return the concerns a party still drafts in its preliminary space, in the order
        stated, then by id."""
        return self._listed(
            select(ConcernRow)
            .where(
                ConcernRow.workshop_id == workshop_id,
                ConcernRow.party_id == party_id,
                ConcernRow.space == "preliminary",
            )
            .order_by(ConcernRow.created_at, ConcernRow.id)
        )

    def acknowledgements(self, workshop_id: UUID) -> list[AcknowledgementRow]:
        """Return the restatements of a workshop's concerns in the order made, then by id."""
        return self._in_workshop_through(
            AcknowledgementRow,
            ConcernRow,
            AcknowledgementRow.concern_id,
            workshop_id,
            AcknowledgementRow.created_at,
        )

    def acknowledgements_of(self, concern_id: UUID) -> list[AcknowledgementRow]:
        """Return the restatements of one concern in the order made, then by id."""
        return self._listed(
            select(AcknowledgementRow)
            .where(AcknowledgementRow.concern_id == concern_id)
            .order_by(AcknowledgementRow.created_at, AcknowledgementRow.id)
        )


class Ideas(Repository):
    """The ideas of joint problem solving, the concerns they answer and their ratings."""

    def of_workshop(self, workshop_id: UUID) -> list[IdeaRow]:
        """Return a workshop's ideas in the order proposed (or carried), then by id."""
        return self._in_workshop(IdeaRow, workshop_id, IdeaRow.created_at)

    def carried_from(self, idea_ids: Collection[UUID]) -> list[IdeaRow]:
        """Return the ideas carried (into a later workshop of a series) from any of
        ``idea_ids``, by workshop, then in the order carried, then by id."""
        if not idea_ids:
            return []
        return self._listed(
            select(IdeaRow)
            .where(IdeaRow.carried_from_idea_id.in_(list(idea_ids)))
            .order_by(IdeaRow.workshop_id, IdeaRow.created_at, IdeaRow.id)
        )

    def answers(self, workshop_id: UUID) -> list[IdeaConcernRow]:
        """Return which idea answers which concern, by idea, then by concern, each in the
        order recorded, then by id."""
        return self._listed(
            self._through(IdeaConcernRow, IdeaRow, IdeaConcernRow.idea_id, workshop_id)
            .join(ConcernRow, ConcernRow.id == IdeaConcernRow.concern_id)
            .order_by(IdeaRow.created_at, IdeaRow.id, ConcernRow.created_at, ConcernRow.id)
        )

    def is_linked(self, idea_id: UUID, concern_id: UUID) -> bool:
        """Say whether an idea is already linked to a concern it answers."""
        return self.session.get(IdeaConcernRow, (idea_id, concern_id)) is not None

    def ratings(self, workshop_id: UUID) -> list[IdeaRatingRow]:
        """Return the ratings of a workshop's ideas, by idea (in the order proposed), then by
        the rating party's position in the conflict, then by id."""
        return self._listed(
            self._through(IdeaRatingRow, IdeaRow, IdeaRatingRow.idea_id, workshop_id)
            .join(PartyRow, PartyRow.id == IdeaRatingRow.party_id)
            .order_by(IdeaRow.created_at, IdeaRow.id, PartyRow.position, IdeaRatingRow.id)
        )

    def rating_by(self, idea_id: UUID, rater_token: str) -> IdeaRatingRow | None:
        """Return the rating one rater (by pseudonym) gave an idea, if any."""
        return self.session.scalars(
            select(IdeaRatingRow).where(
                IdeaRatingRow.idea_id == idea_id, IdeaRatingRow.rater_token == rater_token
            )
        ).first()

    def ratings_by(self, rater_tokens: Collection[str]) -> list[IdeaRatingRow]:
        """Return the current ratings given under any of ``rater_tokens``, by id."""
        if not rater_tokens:
            return []
        return self._listed(
            select(IdeaRatingRow)
            .where(IdeaRatingRow.rater_token.in_(list(rater_tokens)))
            .order_by(IdeaRatingRow.id)
        )

    def rating_changes_by(self, rater_tokens: Collection[str]) -> list[IdeaRatingChangeRow]:
        """Return the earlier values of ratings given under any of ``rater_tokens``, oldest
        change first, then by id."""
        if not rater_tokens:
            return []
        return self._listed(
            select(IdeaRatingChangeRow)
            .where(IdeaRatingChangeRow.rater_token.in_(list(rater_tokens)))
            .order_by(IdeaRatingChangeRow.replaced_at, IdeaRatingChangeRow.id)
        )


class Constraints(WorkshopTable[ConstraintRow]):
    """The political and psychological constraints the parties name (phase 3), listed in
    the order named."""

    row_type = ConstraintRow


class ReassuranceSteps(WorkshopTable[ReassuranceStepRow]):
    """The steps of mutual reassurance the parties propose (phase 4), listed in the order
    proposed."""

    row_type = ReassuranceStepRow


class SharedVisions(WorkshopTable[SharedVisionRow]):
    """The statements of a shared vision of a common future (phase 4), listed in the order
    written."""

    row_type = SharedVisionRow


class KeepMarks(WorkshopTable[KeepMarkRow]):
    """The parties' agreements to keep contributions (keep-only-endorsed mode), in the order
    given."""

    row_type = KeepMarkRow


class Interventions(WorkshopTable[InterventionRow]):
    """The third party's logged interventions, by kind only, listed in time order."""

    row_type = InterventionRow
    order = "at"


class PhaseOpenings(WorkshopTable[PhaseOpeningRow]):
    """When the third party opened and closed each phase, listed in the order opened."""

    row_type = PhaseOpeningRow
    order = "opened_at"

    def still_open(self, workshop_id: UUID) -> list[PhaseOpeningRow]:
        """Return the openings of a workshop's phases not yet closed, in the order opened,
        then by id."""
        return self._listed(
            select(PhaseOpeningRow)
            .where(
                PhaseOpeningRow.workshop_id == workshop_id,
                PhaseOpeningRow.closed_at.is_(None),
            )
            .order_by(PhaseOpeningRow.opened_at, PhaseOpeningRow.id)
        )


class Moderations(WorkshopTable[ModerationRow]):
    """The contributions the third party hid or merged, and why, listed in time order."""

    row_type = ModerationRow
    order = "at"

    def of_record(self, record_id: UUID) -> ModerationRow | None:
        """Return how a contribution was hidden or merged, if it was."""
        return self.session.scalars(
            select(ModerationRow).where(ModerationRow.record_id == record_id)
        ).first()


class Transfers(Repository):
    """The transfer log: which ideas reached decision-makers, texts or the media."""

    def of_workshop(self, workshop_id: UUID) -> list[TransferRow]:
        """Return the transfers of a workshop's ideas by date, then by id."""
        return self._in_workshop_through(
            TransferRow, IdeaRow, TransferRow.idea_id, workshop_id, TransferRow.occurred_on
        )
