"""The codes of the transplant case, each with its Italian label (EBMT/JACIE wording).
Pure Python."""

from __future__ import annotations

from corsia.core.domain.codes import LabelledCode


class CaseState(LabelledCode):
    """Where the case stands, from taking the recipient in charge to engraftment (the
    follow-up states come after ``engrafted``)."""

    TAKEN_IN_CHARGE = "taken_in_charge", "Presa in carico"
    DONOR_SEARCH = "donor_search", "Ricerca del donatore"
    DONOR_CHOSEN = "donor_chosen", "Donatore scelto"
    COLLECTED = "collected", "Raccolta eseguita"
    CONDITIONING = "conditioning", "Condizionamento"
    INFUSED = "infused", "Infuso (giorno 0)"
    ENGRAFTED = "engrafted", "Attecchito"
    FOLLOW_UP = "follow_up", "Follow-up"
    CLOSED = "closed", "Chiuso"
    CANCELLED = "cancelled", "Annullato"


OPEN_STATES = frozenset(CaseState) - {CaseState.CLOSED, CaseState.CANCELLED}


class TransplantType(LabelledCode):
    AUTOLOGOUS = "autologous", "Autologo"
    ALLOGENEIC = "allogeneic", "Allogenico"


class StemCellSource(LabelledCode):
    PERIPHERAL_BLOOD = "pb", "Sangue periferico (CSE mobilizzate)"
    BONE_MARROW = "bm", "Midollo osseo"
    CORD_BLOOD = "cb", "Sangue cordonale"
