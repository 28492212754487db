"""Recruitment: candidates, their referrals and briefings, compositions and members."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from sqlalchemy import func, select

from tracktwo.store.models import (
    AuditRow,
    BriefingRow,
    CandidateRow,
    CompositionRow,
    MemberRow,
    ReferralRow,
    WorkshopRow,
)
from tracktwo.store.repositories.base import Repository


class Candidates(Repository):
    """The people recruited for one workshop."""

    def of_workshop(self, workshop_id: UUID) -> list[CandidateRow]:
        """Return a workshop's candidates in the order they were recorded, then by id."""
        return self._in_workshop(CandidateRow, workshop_id, CandidateRow.created_at)

    def people_of(self, workshop_id: UUID) -> set[UUID]:
        """Return the people a workshop's candidates are: each one's ``person_id``, or its
        own id for a first candidacy."""
        rows = self.session.execute(
            select(CandidateRow.id, CandidateRow.person_id).where(
                CandidateRow.workshop_id == workshop_id
            )
        )
        return {person or candidate for candidate, person in rows}

    def has_key_person(self, workshop_id: UUID, party_id: UUID) -> bool:
        """Say whether a party already has its key person among a workshop's candidates."""
        found = self.session.scalars(
            select(CandidateRow.id).where(
                CandidateRow.workshop_id == workshop_id,
                CandidateRow.party_id == party_id,
                CandidateRow.is_key_person.is_(True),
            )
        ).first()
        return found is not None

    def roles_held(self, conflict_id: UUID) -> dict[str, int]:
        """Return how many candidates, across every workshop on a conflict, hold each role
        (only the roles someone holds)."""
        rows = self.session.execute(
            select(CandidateRow.role, func.count())
            .join(WorkshopRow, WorkshopRow.id == CandidateRow.workshop_id)
            .where(WorkshopRow.conflict_id == conflict_id)
            .group_by(CandidateRow.role)
        )
        return {role: count for role, count in rows}

    def identity_origins(self, candidate_id: UUID, actions: Collection[str]) -> list[UUID]:
        """Return the workshops the audit trail names, under one of ``actions``, as where a
        candidate's identity was copied from (a returning participant's earlier workshops),
        in the order recorded, each once."""
        found = self._listed(
            select(AuditRow.workshop_id)
            .where(AuditRow.record_id == str(candidate_id), AuditRow.action.in_(list(actions)))
            .order_by(AuditRow.id)
        )
        return list(dict.fromkeys(origin for origin in found if origin is not None))


class Referrals(Repository):
    """Who referred whom in a workshop's snowball."""

    def of_workshop(self, workshop_id: UUID) -> list[ReferralRow]:
        """Return a workshop's referrals by date, then in the order the referred candidates
        were recorded, then by id."""
        return self._listed(
            select(ReferralRow)
            .join(CandidateRow, CandidateRow.id == ReferralRow.referred_id)
            .where(ReferralRow.workshop_id == workshop_id)
            .order_by(
                ReferralRow.referred_on,
                CandidateRow.created_at,
                CandidateRow.id,
                ReferralRow.id,
            )
        )


class Briefings(Repository):
    """The personal discussions held with candidates before their commitment."""

    def of_workshop(self, workshop_id: UUID) -> list[BriefingRow]:
        """Return the briefings of a workshop's candidates by date, then by id."""
        return self._in_workshop_through(
            BriefingRow, CandidateRow, BriefingRow.candidate_id, workshop_id, BriefingRow.held_on
        )


class Compositions(Repository):
    """The optimiser's compositions of a workshop, each with its rules and result."""

    def latest(self, workshop_id: UUID) -> CompositionRow | None:
        """Return a workshop's most recent composition, or None before the first."""
        return self._latest(CompositionRow, CompositionRow.workshop_id == workshop_id)


class Members(Repository):
    """The candidates composed into a workshop."""

    def of_workshop(self, workshop_id: UUID) -> list[MemberRow]:
        """Return a workshop's members in the order their candidates were recorded, then by
        candidate id."""
        return self._listed(
            select(MemberRow)
            .join(CandidateRow, CandidateRow.id == MemberRow.candidate_id)
            .where(MemberRow.workshop_id == workshop_id)
            .order_by(CandidateRow.created_at, CandidateRow.id)
        )
