"""The invented island of the demonstration: its people, concerns and ideas.

Every name here is invented; none refers to a real person or place.
"""

from __future__ import annotations

from tracktwo.domain.vocabulary import DEFAULT_ROLES

ISLAND = "Karsa"
NORTH, SOUTH = "Ilvan community", "Sorai community"

FIRST_NAMES = {
    NORTH: [
        "Arel",
        "Mirat",
        "Sevan",
        "Toma",
        "Ilena",
        "Kasar",
        "Dorin",
        "Vessa",
        "Orun",
        "Belis",
        "Taric",
        "Nadel",
        "Ymra",
        "Corvan",
        "Lisan",
        "Edrin",
        "Maro",
        "Tavi",
        "Halun",
        "Ressa",
        "Quorin",
        "Anwe",
    ],
    SOUTH: [
        "Zeyla",
        "Omrin",
        "Faleh",
        "Sabrun",
        "Nerys",
        "Ozal",
        "Temra",
        "Yusar",
        "Hadiye",
        "Kerem",
        "Lunai",
        "Safir",
        "Dunya",
        "Amrel",
        "Esmi",
        "Rauf",
        "Celan",
        "Mehrun",
        "Pinar",
        "Tovan",
        "Ilkan",
        "Suhra",
    ],
}
FAMILY_NAMES = {
    NORTH: [
        "Varkosi",
        "Telamir",
        "Ostrevan",
        "Kelmaro",
        "Dravinos",
        "Solveri",
        "Marakos",
        "Intarro",
        "Belvani",
        "Corothi",
        "Aldenis",
    ],
    SOUTH: [
        "Yildrem",
        "Karavun",
        "Soranel",
        "Demirzah",
        "Olcayun",
        "Tezerim",
        "Bahrenli",
        "Ucarsel",
        "Feyzanur",
        "Guneral",
        "Hasarin",
    ],
}
ROLES = list(DEFAULT_ROLES)


CONCERNS = {
    NORTH: [
        ("fear", "security", "that a shared police force would leave Ilvan villages unprotected"),
        ("need", "identity", "recognition of the Ilvan language in schools and courts"),
        ("priority", "participation", "a guaranteed voice in decisions on water and land"),
    ],
    SOUTH: [
        ("fear", "security", "that displaced Sorai families will never be able to return"),
        ("need", "recognition", "acknowledgement of the 1974 expulsions as an injustice"),
        ("priority", "participation", "equal access to public jobs and port licences"),
    ],
}
IDEAS = [
    (
        "A joint, bilingual community-policing pilot in three mixed towns, reviewed each year",
        [(NORTH, 0), (SOUTH, 0)],
    ),
    (
        "A shared historical commission that records both communities' losses before any "
        "settlement text is drafted",
        [(SOUTH, 1), (NORTH, 1)],
    ),
    (
        "An island water board with rotating chairs and a veto for each community on new wells",
        [(NORTH, 2), (SOUTH, 2)],
    ),
    (
        "Reserved port licences for returning families, funded by a diaspora bond",
        [(SOUTH, 0), (SOUTH, 2)],
    ),
]
CONSTRAINTS = [
    (NORTH, 0, "political", "Any talk of return is framed at home as surrendering land"),
    (SOUTH, 1, "psychological", "Fear that acknowledging Ilvan losses denies our own"),
    (SOUTH, 2, "political", "Elections next spring punish any visible contact"),
]
REASSURANCE_STEPS = [
    (
        NORTH,
        1,
        "Ilvan members of the island assembly",
        "stop using the word 'invaders' in assembly debates",
        "before the next session",
    ),
    (
        SOUTH,
        0,
        "Sorai editors in the workshop",
        "publish an interview with an Ilvan teacher on the language question",
        "within three months",
    ),
]
