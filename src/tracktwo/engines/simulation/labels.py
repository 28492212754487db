"""What stands behind each behavioural parameter: a calibration, a study, or an assumption.

Every field of the parameter dataclasses in :mod:`.parameters` is either a behavioural
parameter, with a :class:`Label` in :data:`LABELS`, or part of the setting (a name, a size,
a switch, a numerical warm-up), listed with its reason in :data:`SETTINGS`. Keys are the
dotted paths scenarios use (``contact.floor``; ``societies.FIELD`` for both societies).

- ``calibrated``: set so that a simulated study reproduces a published figure of
  ``CALIBRATION.md``; ``test`` names the test in
  ``tests/unit/simulation/test_simulation_calibration.py`` that asserts the figure and
  ``check`` the criterion of :data:`~tracktwo.engines.simulation.experiment.CALIBRATION_CHECKS`
  it applies. A test runs that criterion at half and at double the value and requires it to
  fail at both: a figure that does not move when the parameter does pins nothing.
- ``sourced``: the value (not only the direction) comes from the named study.
- ``assumption``: a direction the seed or a paper argues, or a plausible value, with no
  published size; these are what a sensitivity analysis varies.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tracktwo.errors import ValidationError


class Basis(StrEnum):
    """Where a parameter's value comes from."""

    CALIBRATED = "calibrated"
    SOURCED = "sourced"
    ASSUMPTION = "assumption"


@dataclass(frozen=True)
class Label:
    """A parameter's basis and what supports it (the figure, the study or the reason)."""

    basis: Basis
    note: str
    test: str = ""
    check: str = ""

    def __post_init__(self) -> None:
        if not self.note:
            raise ValidationError("a parameter label needs a note: the figure, study or reason")
        calibrated = self.basis is Basis.CALIBRATED
        if calibrated != bool(self.test and self.check):
            raise ValidationError("a calibrated label, and only one, names its test and check")


def calibrated(figure: str, *, test: str, check: str) -> Label:
    """Return the label of a parameter pinned by ``figure``, asserted by ``test``."""
    return Label(Basis.CALIBRATED, figure, test=test, check=check)


def sourced(study: str) -> Label:
    """Return the label of a parameter whose value comes from ``study``."""
    return Label(Basis.SOURCED, study)


def assumption(reason: str) -> Label:
    """Return the label of a parameter with no published size."""
    return Label(Basis.ASSUMPTION, reason)


_PT = "pettigrew-tropp-2006"
_PGG = "paluck-green-green-2019-short-delay"

LABELS: dict[str, Label] = {
    # societies ---------------------------------------------------------------------------
    "societies.elite_share": assumption("pool of potential participants; Kelman 1996 gives none"),
    "societies.decision_makers": assumption("size of the policy elite; scenario-specific"),
    "societies.group_image_mean": assumption("a protracted conflict's hostile start"),
    "societies.group_image_sd": assumption("spread of images; the effect sizes' standardiser"),
    "societies.individual_image_sd": assumption("individuals met vary around the group image"),
    "societies.identity_mean": assumption("Tajfel & Turner 1979 give the construct, not a level"),
    "societies.identity_sd": assumption("spread of identity strength"),
    "societies.influence_sigma": assumption("lognormal spread of ordinary members' influence"),
    "societies.elite_influence": assumption("elites' influence multiple (Kelman 1996)"),
    "societies.decision_maker_influence": assumption("decision-makers' influence multiple"),
    "societies.cost_per_step": assumption("daily drift of the conflict's costs; scenario-specific"),
    "societies.cost_sd": assumption("day-to-day spread of the costs"),
    "societies.cost_jump_chance": assumption("daily chance of a costly event (an escalation)"),
    "societies.cost_jump_size": assumption("mean cost of such an event"),
    "societies.initial_costs": assumption("costs already borne; scenario-specific"),
    "societies.belief_win_alone": assumption("Zartman 1989 names the belief, not its level"),
    # network -----------------------------------------------------------------------------
    "network.mean_degree": assumption("Watts & Strogatz 1998 give the model, not a degree"),
    "network.rewiring": assumption("small-world rewiring probability"),
    "network.decision_maker_elite_ties": assumption("decision-makers' ties to elites"),
    "network.cross_ties_mean": assumption("mean ties across the divide; few in a divided society"),
    "network.cross_ties_shape": assumption("skew of cross-divide ties: most have none"),
    "network.cross_ties_locality": assumption(
        "share of cross-divide ties formed in shared places; Feld 1981 (foci) and Kossinets & "
        "Watts 2006 (triadic closure) give the mechanism, no study gives the share"
    ),
    "network.place_size": assumption("members of the home ring who share one place"),
    # contact -----------------------------------------------------------------------------
    "contact.rate_per_hour": calibrated(
        "Paluck, Green & Green 2019: one randomised intervention, short-delay d = 0.39 "
        "(simulated d within 0.1 of it and in 0.2-0.5)",
        test="test_a_randomised_workshop_evaluation_finds_a_short_delay_d_between_0_2_and_0_5",
        check=_PGG,
    ),
    "contact.floor": calibrated(
        "Pettigrew & Tropp 2006: r = -.287 with Allport's conditions against -.204 without "
        "(each simulated mean within .03)",
        test="test_contact_without_structured_conditions_gives_about_minus_0_20",
        check=_PT,
    ),
    "contact.identity_damping": assumption("seed 4.3: limited use in identity conflicts"),
    "contact.everyday_hours_per_tie": calibrated(
        "Pettigrew & Tropp 2006: contact-prejudice r = -.215 over all samples (simulated "
        "mean within .03)",
        test="test_contact_and_prejudice_correlate_about_minus_0_21_overall",
        check=_PT,
    ),
    "contact.everyday_index": assumption("seed 4.3: everyday conditions are rarely met"),
    "contact.friendship_per_day": assumption("Schroeder & Risen 2016: some campers befriended"),
    "contact.negative_chance": assumption(
        "chance that a workshop day goes badly with none of the conditions met; Barlow et al. "
        "2012 and Graf, Paolini & Rubin 2014 find negative contact rarer than positive"
    ),
    "contact.everyday_negative_share": assumption(
        "everyday encounters along existing ties go badly less often than a workshop among "
        "strangers"
    ),
    "contact.extended_share": assumption(
        "extended contact per in-group friend with a tie across, as a share of one's own tie: "
        "Wright et al. 1997 (the effect); Zhou et al. 2019 (r = .25, .17 net of direct "
        "friendship: smaller than direct contact); the share is ours"
    ),
    "contact.negative_weight": assumption(
        "Barlow et al. 2012 ('The contact caveat', PSPB): negative contact is more strongly "
        "associated with prejudice than positive; the direction is theirs, the size is ours"
    ),
    # hypothesis confirmation -------------------------------------------------------------
    "hypothesis_confirmation.strength": assumption(
        "Rothbart & John 1985; Lord, Ross & Lepper 1979: direction only"
    ),
    "hypothesis_confirmation.generalisation": sourced(
        "Pettigrew & Tropp 2006: contact effects generalise to the entire outgroup"
    ),
    # trust --------------------------------------------------------------------------------
    "trust.decay": assumption(
        "daily fall-back of beliefs about intentions; shorter-lived than feelings, which "
        "Paluck, Green & Green 2019 find persistent; no study gives a rate"
    ),
    "trust.event_impact": assumption(
        "trust lost to a costly event; Canetti-Nisim et al. 2009 give the direction"
    ),
    "trust.official_signal": assumption(
        "trust gained when talks open, lost when they break down; Osgood 1962 (direction)"
    ),
    "trust.confirmation_rate": assumption(
        "seed 4.3, hypothesis confirmation: statements believed when actions confirm them; "
        "direction only"
    ),
    "trust.public_visibility": assumption("how much of the returnees' conduct the public sees"),
    # social influence --------------------------------------------------------------------
    "social_influence.susceptibility": assumption("DeGroot 1974 gives the form, not the size"),
    "social_influence.conviction": assumption(
        "Paluck, Green & Green 2019's long-delay figure does not pin it: half and double still "
        "pass (docs/simulation.md, 'What is labelled')"
    ),
    "social_influence.conviction_decay": assumption(
        "persistence of feelings: Paluck, Green & Green 2019 find no reliable slope on delay, "
        "so none by default; a direction (about zero), not a rate"
    ),
    "social_influence.idea_spread": assumption("daily spread of ideas upward"),
    "social_influence.idea_decay": assumption("forgetting of unrefreshed ideas"),
    # re-entry ----------------------------------------------------------------------------
    "reentry.pull": assumption(
        "Schroeder & Risen 2016 give the shape (partial fall-back), not a size: half and "
        "double still pass (docs/simulation.md, 'What is labelled')"
    ),
    "reentry.tie_protection": assumption("Schroeder & Risen 2016: friends kept more; no size"),
    "reentry.marginalisation": assumption("Marques, Yzerbyt & Leyens 1988: direction only"),
    "reentry.tolerance": assumption("how far above the network a member may stand unpunished"),
    "reentry.recovery": assumption("daily recovery of lost influence"),
    "reentry.feedback_protection": assumption("seed 5: consulted communities; no size"),
    # transfer ----------------------------------------------------------------------------
    "transfer.rate": assumption("seed 4.1 and 5; Kelman 1996: direction only"),
    "transfer.idea_gain_per_day": assumption("ideas developed per workshop day"),
    "transfer.feedback_idea_share": assumption("share of ideas neighbours hear in feedback"),
    "transfer.feedback_refinement": assumption("seed 5: feedback modifies ideas; no size"),
    "transfer.extended_contact_hours": assumption(
        "Wright, Aron, McLaughlin-Volpe & Ropp 1997: extended contact; no size in hours"
    ),
    # ripeness ----------------------------------------------------------------------------
    "ripeness.pain_scale": assumption("Zartman 1989: costs hurt; the scale is ours"),
    "ripeness.belief_scale": assumption("Zartman 1989: costs erode the belief; scale ours"),
    "ripeness.pain_threshold": assumption("pain at which a stalemate hurts"),
    "ripeness.breakdown_cost": assumption(
        "costs a breakdown of negotiation adds (Zartman 2000: a failed opening sharpens "
        "the conflict); no size"
    ),
    # readiness and negotiation ----------------------------------------------------------
    "readiness.clash_share": assumption("seed 4.3: a real clash of interests; scenario-specific"),
    "readiness.push_weight": assumption("weight of the stalemate's push in readiness"),
    "readiness.ideas_weight": assumption("weight of decision-makers' ideas in perception"),
    "readiness.decision_maker_image_weight": assumption("weight of their image of the other"),
    "readiness.public_image_weight": assumption("seed 4.1: the public's support; weight ours"),
    "readiness.trust_share": assumption(
        "weight of trust against feelings in perception; Pruitt 2007 (readiness theory: "
        "working trust) gives the direction"
    ),
    "readiness.threshold": assumption("readiness both sides need to open negotiation"),
    "readiness.breakdown_rate": assumption(
        "daily hazard of a breakdown at zero readiness and a full clash of interests"
    ),
}
"""The label of every behavioural parameter, by dotted path."""

SETTINGS: dict[str, str] = {
    "societies.name": "a society's name",
    "societies.members": "the population's size, chosen per run (effects are per member)",
    "social_influence.burn_in": "numerical warm-up before day 0, not behaviour",
    "mechanisms.*": "switches that turn a mechanism on or off",
}
"""Fields that are not behavioural parameters, with the reason."""


def label_of(path: str) -> Label:
    """Return the label of the parameter at dotted ``path``."""
    try:
        return LABELS[path]
    except KeyError:
        raise ValidationError(f"parameter {path!r} has no label") from None


def paths(basis: Basis) -> list[str]:
    """Return the dotted paths of the parameters labelled ``basis``, in order."""
    return [path for path, label in LABELS.items() if label.basis is basis]
