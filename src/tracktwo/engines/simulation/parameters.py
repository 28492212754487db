"""The model's parameters, one frozen dataclass per mechanism, each default with its source.

A step is one day. Images of the other side run from -1 (most hostile) to +1 (warmest).
Defaults marked *calibrated* were set by :mod:`~tracktwo.engines.simulation.experiment` so
that the simulated studies reproduce the published figures in ``CALIBRATION.md``; those
marked *assumption* carry a direction the seed or a paper argues but no published size, and
are the first to vary in a sweep. :data:`~tracktwo.engines.simulation.labels.LABELS` holds
the label of every field (a test fails on any field without one).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from tracktwo.domain.rules import require_in_range
from tracktwo.errors import ValidationError


def check_range(owner: str, name: str, value: float, low: float, high: float) -> None:
    """Raise :class:`ValidationError` unless ``low <= value <= high``."""
    require_in_range(f"{owner}.{name}", value, low, high)


def _check_fields(instance: Any, ranges: dict[str, tuple[float, float]]) -> None:
    owner = type(instance).__name__
    for name, (low, high) in ranges.items():
        check_range(owner, name, getattr(instance, name), low, high)


@dataclass(frozen=True)
class SocietyParameters:
    """One society: its members, roles, network, starting images and the costs it bears.

    ``members`` counts everybody; ``elite_share`` of them are elites (the pool workshop
    participants come from; Kelman 1996 recruits influential but unofficial people) and
    ``decision_makers`` of them make policy. Influence is lognormal with ``influence_sigma``
    for ordinary members (assumption), multiplied by ``elite_influence`` or
    ``decision_maker_influence``.
    """

    name: str = "A"
    members: int = 5000
    elite_share: float = 0.02
    decision_makers: int = 10
    group_image_mean: float = -0.4
    """Mean image of the other group at the start (assumption: a protracted conflict)."""
    group_image_sd: float = 0.25
    """Spread of that image; the standardiser of every simulated effect size (assumption)."""
    individual_image_sd: float = 0.1
    """Spread of the image of the other side's individuals around the group image."""
    identity_mean: float = 0.5
    """Strength of social identity, 0..1 (Tajfel & Turner 1979; seed 4.3 third point)."""
    identity_sd: float = 0.15
    influence_sigma: float = 0.5
    elite_influence: float = 10.0
    decision_maker_influence: float = 30.0
    cost_per_step: float = 0.002
    """Costs of the conflict borne per day, in units of ``RipenessParameters.pain_scale``."""
    cost_sd: float = 0.002
    """Day-to-day spread of those costs (events, casualties); a draw per step."""
    cost_jump_chance: float = 0.01
    """Daily chance of a costly event (an escalation, an attack) that adds a jump to the
    costs; drawn from the run's own stream of events, which workshops never touch."""
    cost_jump_size: float = 0.03
    """Mean of such a jump (exponentially distributed), in the units of ``cost_per_step``."""
    initial_costs: float = 0.0
    belief_win_alone: float = 0.8
    """Starting belief that it can win alone, 0..1 (Zartman 1989's precondition)."""

    def __post_init__(self) -> None:
        if not self.name:
            raise ValidationError("a society needs a name")
        if self.members < 20:
            raise ValidationError(
                f"society {self.name!r} has {self.members} members; give 20 or more"
            )
        if self.decision_makers < 1:
            raise ValidationError(f"society {self.name!r} needs at least one decision-maker")
        _check_fields(
            self,
            {
                "elite_share": (0.0, 0.5),
                "group_image_mean": (-1.0, 1.0),
                "group_image_sd": (0.0, 1.0),
                "individual_image_sd": (0.0, 1.0),
                "identity_mean": (0.0, 1.0),
                "identity_sd": (0.0, 0.5),
                "influence_sigma": (0.0, 3.0),
                "elite_influence": (0.0, 1e6),
                "decision_maker_influence": (0.0, 1e6),
                "cost_per_step": (0.0, 1.0),
                "cost_sd": (0.0, 1.0),
                "cost_jump_chance": (0.0, 1.0),
                "cost_jump_size": (0.0, 1e6),
                "initial_costs": (0.0, 1e6),
                "belief_win_alone": (0.0, 1.0),
            },
        )
        if self.elites < 1 or self.ordinary < 1:
            raise ValidationError(
                f"society {self.name!r}: {self.members} members leave no room for "
                f"{self.elites} elites and {self.decision_makers} decision-makers"
            )

    @property
    def elites(self) -> int:
        """Return the number of elites (at least one)."""
        return max(1, round(self.members * self.elite_share))

    @property
    def ordinary(self) -> int:
        """Return the number of ordinary members."""
        return self.members - self.elites - self.decision_makers


@dataclass(frozen=True)
class NetworkParameters:
    """Each society's social network and the few ties across the divide.

    Within a society: a Watts & Strogatz (1998) small world of ``mean_degree`` with
    ``rewiring``; decision-makers also know ``decision_maker_elite_ties`` elites each.
    Across: a bipartite configuration model whose per-member counts are gamma-Poisson with
    mean ``cross_ties_mean`` and shape ``cross_ties_shape`` (small shape: most members have
    none, a few have many, as contact surveys find). A share ``cross_ties_locality`` of the
    ties is formed in shared places (Feld 1981's foci: a mixed street, workplace or market):
    both societies' members are laid on one map by their place on their own ring, cut into
    places of ``place_size`` neighbouring members, and those ties pair members of matching
    places, so that in-group friends tend to know the same people across the divide
    (triadic closure); the rest pair at random. Each member's number of ties is the same
    either way.
    """

    mean_degree: int = 8
    rewiring: float = 0.1
    decision_maker_elite_ties: int = 5
    cross_ties_mean: float = 0.3
    cross_ties_shape: float = 0.3
    cross_ties_locality: float = 0.5
    """Share of cross-divide ties formed in shared places rather than at random;
    assumption (Feld 1981: ties cluster around shared foci; Kossinets & Watts 2006 observe
    triadic closure, but no study gives this share for a divided society)."""
    place_size: int = 20
    """Neighbouring members (on the home ring) who share one place; assumption."""

    def __post_init__(self) -> None:
        if self.mean_degree < 2 or self.mean_degree % 2:
            raise ValidationError(f"mean_degree is {self.mean_degree}; give an even number >= 2")
        if self.decision_maker_elite_ties < 0:
            raise ValidationError("decision_maker_elite_ties must be 0 or more")
        _check_fields(
            self,
            {
                "rewiring": (0.0, 1.0),
                "cross_ties_mean": (0.0, 50.0),
                "cross_ties_shape": (0.01, 1e3),
                "cross_ties_locality": (0.0, 1.0),
            },
        )
        if self.place_size < 1:
            raise ValidationError(f"place_size is {self.place_size}; give 1 or more members")


@dataclass(frozen=True)
class ContactParameters:
    """Contact with members of the other side, in a workshop or in everyday life.

    Strength of an episode of ``h`` hours under condition index ``q`` for a member of
    identity ``i``: ``1 - exp(-rate_per_hour * h * (floor + (1 - floor) * q) *
    (1 - identity_damping * i))``; the image moves that share of its distance to +1. A
    negative episode (chance ``negative_chance * (1 - q) ** 2`` for a workshop day, times
    ``everyday_negative_share`` for an everyday encounter) instead moves it
    ``negative_weight`` times the share a positive episode under full conditions (``q = 1``)
    would close, of its distance to -1.
    """

    rate_per_hour: float = 0.008
    """Calibrated on Paluck, Green & Green (2019): one workshop-like intervention gives a
    short-delay d of about 0.39 (range 0.2-0.5) on the image of the group, net of the
    workshop days that go badly."""
    floor: float = 0.6
    """Share of the effect left when none of the five conditions holds. Calibrated on
    Pettigrew & Tropp (2006): the conditions are facilitating, not essential (samples
    without them still show r = -.20), and with them r = -.29; set together with the
    everyday negative contact, which the other samples' -.20 is net of."""
    identity_damping: float = 0.3
    """How far a strong social identity blunts personal contact (seed 4.3, third point:
    in identity conflicts contact has 'rather limited utility'); assumption."""
    everyday_hours_per_tie: float = 0.0484375
    """Hours of everyday contact per cross-divide tie per day. Calibrated on Pettigrew &
    Tropp (2006): a surveyed population whose contact varies gives r of about -.21."""
    everyday_index: float = 0.35
    """Condition index of everyday contact (casual, unequal, no common goal; seed 4.3:
    'these conditions are rarely met'); assumption, the P&T calibration is made with it."""
    friendship_per_day: float = 0.05
    """Chance per workshop day, times the intimacy score, that a participant forms a close
    tie across the divide (Schroeder & Risen 2016: some campers did, others did not);
    assumption."""
    negative_chance: float = 0.4
    """Chance that a participant's workshop day goes badly (negative contact) when none of
    the conditions holds; at condition index ``q`` it is ``negative_chance * (1 - q) ** 2``,
    so poor conditions make it likelier (Barlow et al. 2012; Graf, Paolini & Rubin 2014:
    negative contact is rarer than positive, and commoner where contact is poor);
    assumption."""
    everyday_negative_share: float = 0.25
    """An everyday encounter along an existing tie goes badly this share as often as a
    workshop day among strangers at the same index; assumption."""
    extended_share: float = 0.2
    """Extended contact: each in-group friend who has a friend across the divide gives a
    member this share of the everyday contact one tie of its own gives, acting on the
    conviction behind its feelings toward the other group (Wright, Aron, McLaughlin-Volpe &
    Ropp 1997). Zhou, Page-Gould, Aron, Moyer & Hewstone (2019, PSPR; 115 studies) find
    extended contact and attitudes correlate r = .25, .17 net of direct friendship: real and
    smaller than direct contact; this share is an assumption sized to that ordering."""
    negative_weight: float = 2.0
    """A negative episode moves the image toward -1 by this multiple of the share a
    positive one moves it toward +1. Barlow et al. (2012, 'The contact caveat', PSPB):
    negative contact is more strongly associated with prejudice than positive contact is
    with its reduction; the direction is theirs, the size an assumption."""

    def __post_init__(self) -> None:
        _check_fields(
            self,
            {
                "rate_per_hour": (0.0, 10.0),
                "floor": (0.0, 1.0),
                "identity_damping": (0.0, 1.0),
                "everyday_hours_per_tie": (0.0, 24.0),
                "everyday_index": (0.0, 1.0),
                "friendship_per_day": (0.0, 1.0),
                "negative_chance": (0.0, 1.0),
                "everyday_negative_share": (0.0, 1.0),
                "negative_weight": (0.0, 10.0),
                "extended_share": (0.0, 10.0),
            },
        )


@dataclass(frozen=True)
class HypothesisConfirmationParameters:
    """Disconfirming contact is discounted by the prior negativity of the group image.

    The group image moves ``generalisation * (1 - strength * (1 - g) / 2)`` times what the
    image of the individuals met moves, where ``g`` is the prior group image (seed 4.3,
    fourth point; Rothbart & John 1985 on subtyping; Lord, Ross & Lepper 1979 on biased
    assimilation).
    """

    strength: float = 0.5
    """0 generalises fully, 1 discards disconfirmation entirely at the most hostile image;
    assumption (the papers give the direction, not a size)."""
    generalisation: float = 1.0
    """Pettigrew & Tropp (2006): contact effects typically generalise to the entire
    outgroup, so without hypothesis confirmation the group image moves as much."""

    def __post_init__(self) -> None:
        _check_fields(self, {"strength": (0.0, 1.0), "generalisation": (0.0, 1.0)})


@dataclass(frozen=True)
class TrustParameters:
    """Beliefs about the other group's intentions, apart from feelings toward its people.

    Feelings (the images moved by contact) and trust are distinct outcomes of contact with
    distinct drivers (Tam, Hewstone, Kenworthy & Cairns 2009, on Northern Ireland: trust, not
    liking, predicts behavioural tendencies toward the other community). Trust starts at the
    member's starting group image and moves with what the other side as a group is seen to
    do: each society's trust falls after a costly event (attributed to the other side), both
    rise when formal talks open and fall when they break down (official signals), and the
    other side's returning participants are watched: a participant comes to believe what
    the other side said at the workshop when its participants' later behaviour at home
    confirms it (the seed's hypothesis confirmation, 4.3), and the public sees a little of
    the same. Each day trust falls back ``decay`` of the way to its starting value.
    """

    decay: float = 0.01
    """Daily share of the gap to the starting belief that closes when nothing is seen to
    happen (half-life about 70 days); assumption: beliefs about intentions follow recent
    conduct ('what have you done lately'), unlike feelings, which Paluck, Green & Green
    (2019) find persistent."""
    event_impact: float = 0.1
    """Share of the distance to -1 a costly event of mean size takes off the trust of the
    side that bears it (``1 - exp(-event_impact * jump / cost_jump_size)``); assumption
    (direction: Canetti-Nisim, Halperin, Sharvit & Hobfoll 2009, exposure to political
    violence hardens attitudes toward the other side)."""
    official_signal: float = 0.1
    """Share of the distance to +1 both sides' trust closes when formal talks open, and to
    -1 when they break down; assumption (direction: Osgood 1962's graduated reciprocation,
    conciliatory official acts raise the other side's trust)."""
    confirmation_rate: float = 0.02
    """Daily share of the gap to the other side's participants' visible stance (their
    influence-weighted feelings at home) that a participant's trust closes; assumption (seed
    4.3, hypothesis confirmation, gives the direction)."""
    public_visibility: float = 0.05
    """Share of that rate at which the whole society's trust follows the other side's
    participants (through the media and word of mouth); assumption."""

    def __post_init__(self) -> None:
        _check_fields(
            self,
            {
                "decay": (0.0, 1.0),
                "event_impact": (0.0, 100.0),
                "official_signal": (0.0, 1.0),
                "confirmation_rate": (0.0, 1.0),
                "public_visibility": (0.0, 1.0),
            },
        )
        if self.decay + self.confirmation_rate > 1.0:
            raise ValidationError(
                f"trust decay + confirmation_rate is {self.decay + self.confirmation_rate:g}; "
                "keep it at most 1 so that a day cannot overshoot"
            )


@dataclass(frozen=True)
class SocialInfluenceParameters:
    """Attitudes drift toward the network's, held by each member's own conviction.

    Friedkin & Johnsen (1990): ``x <- x + s (m - x) + a (c - x)`` with ``m`` the
    influence-weighted mean of the neighbours' group images, ``c`` the member's own
    conviction (moved by contact, not by talk) and ``s`` the susceptibility, which re-entry
    raises in proportion to identity. The share of a gain kept at home is ``a / (s + a)``.
    """

    susceptibility: float = 0.01
    """Base daily pull toward the network (DeGroot 1974 weighting); assumption."""
    conviction: float = 0.05
    """Daily pull toward one's own conviction; assumption. Sized so that, as Paluck, Green &
    Green (2019) found, effects 180 days or more after contact (d = 0.31) are not much
    smaller than the pooled d = 0.39; but that figure does not pin it (half and double
    still pass), so it is labelled an assumption (docs/simulation.md, 'What is labelled')."""
    conviction_decay: float = 0.0
    """Persistence of feelings toward the other side's people: the daily share of the gap
    between a member's conviction and its starting image that closes (feelings fade back).
    Paluck, Green & Green (2019) find no reliable slope of contact effects on delay over the
    months measured, so the default is none; assumption (the source gives the direction, a
    slope indistinguishable from zero, not a rate)."""
    idea_spread: float = 0.05
    """Daily share of the gap to the neighbours' ideas closed (ideas only spread upward)."""
    idea_decay: float = 0.002
    """Daily forgetting of ideas that nobody refreshes; assumption."""
    burn_in: int = 5
    """Influence iterations run before step 0 so that the start is near equilibrium."""

    def __post_init__(self) -> None:
        _check_fields(
            self,
            {
                "susceptibility": (0.0, 0.5),
                "conviction": (0.0, 0.5),
                "conviction_decay": (0.0, 1.0),
                "idea_spread": (0.0, 1.0),
                "idea_decay": (0.0, 1.0),
            },
        )
        if self.burn_in < 0:
            raise ValidationError("burn_in must be 0 or more")


@dataclass(frozen=True)
class ReentryParameters:
    """In-group pressure on returning participants and marginalisation of non-conformers.

    Pressure adds ``pull * identity * (1 - tie_protection * tie)`` to the susceptibility
    (seed 4.3, fifth point). A participant whose group image lies more than ``tolerance``
    above the network's loses ``marginalisation * home identity * excess`` of influence per
    day and regains ``recovery`` of the gap to the starting influence (Marques, Yzerbyt &
    Leyens 1988: in-group deviants are judged most harshly).
    """

    pull: float = 0.05
    """Daily pull per unit of identity; assumption sized with Schroeder & Risen (2016)'s
    partial fall-back in a strong-identity conflict."""
    tie_protection: float = 0.6
    """Share of the pull a close cross-group friend shields (Schroeder & Risen 2016:
    friends kept more of the gain); assumption."""
    marginalisation: float = 0.1
    tolerance: float = 0.1
    recovery: float = 0.01
    feedback_protection: float = 0.5
    """Share of marginalisation spared when the community was consulted in a feedback
    round (seed 5: ideas modified 'through gathering the reactions of their own
    communities'); assumption."""

    def __post_init__(self) -> None:
        _check_fields(
            self,
            {
                "pull": (0.0, 0.5),
                "tie_protection": (0.0, 1.0),
                "marginalisation": (0.0, 1.0),
                "tolerance": (0.0, 2.0),
                "recovery": (0.0, 1.0),
                "feedback_protection": (0.0, 1.0),
            },
        )


@dataclass(frozen=True)
class TransferParameters:
    """Ideas reaching decision-makers in proportion to the participants' influence.

    Each day a society's decision-makers close ``1 - exp(-rate * sum(influence))`` of their
    gap to the influence-weighted mean ideas of its participants at home (seed 4.1 and 5:
    ideas 'fed back into the political debate and the decision-making'; Kelman 1996
    recruits for access to decision-makers). ``rate`` is an assumption.
    """

    rate: float = 0.0002
    idea_gain_per_day: float = 0.15
    """Share of the gap to a full set of ideas a participant closes per workshop day, times
    the condition factor; assumption."""
    feedback_idea_share: float = 0.5
    """Share of a participant's ideas its neighbours hold after a feedback round."""
    feedback_refinement: float = 0.2
    """Share of the gap to a full set of ideas a feedback round closes for the participant
    (seed 5: 'strengthen, expand, or modify the ideas')."""
    extended_contact_hours: float = 2.0
    """Contact-equivalent hours a neighbour gets by hearing of a participant's cross-group
    experience in a feedback round (Wright, Aron, McLaughlin-Volpe & Ropp 1997: the
    extended contact effect); assumption."""

    def __post_init__(self) -> None:
        _check_fields(
            self,
            {
                "rate": (0.0, 1.0),
                "idea_gain_per_day": (0.0, 1.0),
                "feedback_idea_share": (0.0, 1.0),
                "feedback_refinement": (0.0, 1.0),
                "extended_contact_hours": (0.0, 100.0),
            },
        )


@dataclass(frozen=True)
class RipenessParameters:
    """Each side's costs and its belief that it can win alone: Zartman's stalemate.

    With accumulated costs ``C``: pain ``1 - exp(-C / pain_scale)``, belief
    ``belief_win_alone * exp(-C / belief_scale)``. A side is in the stalemate when its
    belief is below one half and its pain at least ``pain_threshold``; the stalemate is
    mutually hurting when both are (Zartman 1989, 2000).
    """

    pain_scale: float = 1.0
    belief_scale: float = 1.0
    pain_threshold: float = 0.5
    breakdown_cost: float = 0.2
    """Costs each side bears when negotiation breaks down (a failed opening is followed by
    sharper conflict); assumption."""

    def __post_init__(self) -> None:
        _check_fields(
            self,
            {
                "pain_scale": (1e-6, 1e6),
                "belief_scale": (1e-6, 1e6),
                "pain_threshold": (0.0, 1.0),
                "breakdown_cost": (0.0, 1e6),
            },
        )


@dataclass(frozen=True)
class ReadinessParameters:
    """Readiness to negotiate: the stalemate's push plus perceptions, capped by interests.

    ``readiness = push_weight * hurting + (1 - push_weight) * min(perception, 1 -
    clash_share)``, where ``hurting = pain * (1 - belief)`` and ``perception`` is the
    weighted mean of decision-makers' ideas, their image of the other group and the
    public's (rescaled to 0..1), each image ``(1 - trust_share) * feelings + trust_share *
    trust`` while the trust mechanism runs. Formal negotiation starts the first day both sides reach
    ``threshold`` (seed 4.3, second point: a real clash of interests is not cured by better
    perceptions; Zartman: ripeness is necessary, not sufficient). Once under way it can break
    down (:func:`~tracktwo.engines.simulation.mechanisms.readiness.breakdown_hazard`); a
    breakdown adds ``RipenessParameters.breakdown_cost`` to both sides' costs, and talks
    reopen only after readiness has fallen below the threshold and reached it again.
    """

    clash_share: float = 0.3
    """Share of the conflict that is a real clash of interests; scenario-specific."""
    push_weight: float = 0.5
    ideas_weight: float = 0.4
    decision_maker_image_weight: float = 0.3
    public_image_weight: float = 0.3
    trust_share: float = 0.5
    """Share of each image in perception that is trust in the other group's intentions
    rather than feelings toward its people; assumption (Pruitt 2007's readiness theory:
    optimism about the other side's intentions, 'working trust', drives readiness)."""
    threshold: float = 0.5
    breakdown_rate: float = 0.01
    """Daily hazard that a negotiation under way breaks down, at zero readiness and a full
    clash of interests: the hazard is ``breakdown_rate * (1 - readiness) * (1 + clash) / 2``
    with the lower of the two sides' readiness; assumption."""

    def __post_init__(self) -> None:
        _check_fields(
            self,
            {
                "clash_share": (0.0, 1.0),
                "push_weight": (0.0, 1.0),
                "ideas_weight": (0.0, 1.0),
                "decision_maker_image_weight": (0.0, 1.0),
                "public_image_weight": (0.0, 1.0),
                "trust_share": (0.0, 1.0),
                "threshold": (0.0, 1.0),
                "breakdown_rate": (0.0, 1.0),
            },
        )
        total = self.ideas_weight + self.decision_maker_image_weight + self.public_image_weight
        if not math.isclose(total, 1.0, abs_tol=1e-9):
            raise ValidationError(
                f"readiness weights of ideas and images sum to {total:g}; make them sum to 1"
            )


@dataclass(frozen=True)
class Mechanisms:
    """Which mechanisms run; switch one off to see what it does."""

    contact: bool = True
    everyday_contact: bool = True
    negative_contact: bool = True
    hypothesis_confirmation: bool = True
    reentry: bool = True
    marginalisation: bool = True
    diffusion: bool = True
    transfer: bool = True
    ripeness: bool = True
    interests: bool = True
    breakdown: bool = True
    trust: bool = True
    extended_contact: bool = True


def _two_societies() -> tuple[SocietyParameters, SocietyParameters]:
    return (SocietyParameters(name="A"), SocietyParameters(name="B"))


@dataclass(frozen=True)
class ModelParameters:
    """Everything the model needs besides the programme."""

    societies: tuple[SocietyParameters, SocietyParameters] = field(default_factory=_two_societies)
    network: NetworkParameters = field(default_factory=NetworkParameters)
    contact: ContactParameters = field(default_factory=ContactParameters)
    hypothesis_confirmation: HypothesisConfirmationParameters = field(
        default_factory=HypothesisConfirmationParameters
    )
    trust: TrustParameters = field(default_factory=TrustParameters)
    social_influence: SocialInfluenceParameters = field(default_factory=SocialInfluenceParameters)
    reentry: ReentryParameters = field(default_factory=ReentryParameters)
    transfer: TransferParameters = field(default_factory=TransferParameters)
    ripeness: RipenessParameters = field(default_factory=RipenessParameters)
    readiness: ReadinessParameters = field(default_factory=ReadinessParameters)
    mechanisms: Mechanisms = field(default_factory=Mechanisms)

    def __post_init__(self) -> None:
        if len(self.societies) != 2:
            raise ValidationError(f"the model needs two societies, not {len(self.societies)}")
        if self.societies[0].name == self.societies[1].name:
            raise ValidationError("give the two societies different names")
        most = (
            self.social_influence.susceptibility
            + self.reentry.pull
            + self.social_influence.conviction
        )
        if most > 1.0:
            raise ValidationError(
                f"susceptibility + re-entry pull + conviction is {most:g}; keep it at most 1 "
                "so that a day's pull cannot overshoot"
            )
