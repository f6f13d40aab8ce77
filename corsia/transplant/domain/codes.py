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
BEFORE_INFUSION = frozenset(
    {
        CaseState.TAKEN_IN_CHARGE,
        CaseState.DONOR_SEARCH,
        CaseState.DONOR_CHOSEN,
        CaseState.COLLECTED,
        CaseState.CONDITIONING,
    }
)


class TransplantType(LabelledCode):
    AUTOLOGOUS = "autologous", "Autologo"
    ALLOGENEIC = "allogeneic", "Allogenico"


class StemCellSource(LabelledCode):
    PERIPHERAL_BLOOD = "pb", "Sangue periferico (CSE mobilizzate)"
    BONE_MARROW = "bm", "Midollo osseo"
    CORD_BLOOD = "cb", "Sangue cordonale"


# --- the pre-transplant path ---------------------------------------------------------------


class DonorKind(LabelledCode):
    SIBLING = "sibling", "Fratello/sorella HLA-identico"
    HAPLO = "haplo", "Familiare aploidentico"
    UNRELATED = "unrelated", "Non consanguineo da registro (IBMDR)"
    CORD = "cord", "Unità di sangue cordonale"


RELATED = frozenset({DonorKind.SIBLING, DonorKind.HAPLO})


class DonorState(LabelledCode):
    CANDIDATE = "candidate", "In valutazione"
    CHOSEN = "chosen", "Scelto"
    EXCLUDED = "excluded", "Escluso"


class Sex(LabelledCode):
    MALE = "M", "Maschio"
    FEMALE = "F", "Femmina"


class Serostatus(LabelledCode):
    UNKNOWN = "unknown", "Non noto"
    NEGATIVE = "negative", "Negativo"
    POSITIVE = "positive", "Positivo"


class CollectionMethod(LabelledCode):
    APHERESIS = "apheresis", "Aferesi (CSE da sangue periferico)"
    MARROW = "marrow", "Espianto di midollo osseo"
    CORD_UNIT = "cord_unit", "Unità cordonale da banca"


class CustodyKind(LabelledCode):
    COLLECTED = "collected", "Raccolto"
    RECEIVED = "received", "Ricevuto in laboratorio"
    CRYOPRESERVED = "cryopreserved", "Criopreservato"
    THAWED = "thawed", "Scongelato"
    ISSUED = "issued", "Rilasciato per l'infusione"
    INFUSED = "infused", "Infuso"


# what may follow each step of the chain of custody
CUSTODY_NEXT: dict[CustodyKind, frozenset[CustodyKind]] = {
    CustodyKind.COLLECTED: frozenset({CustodyKind.RECEIVED}),
    CustodyKind.RECEIVED: frozenset({CustodyKind.CRYOPRESERVED, CustodyKind.ISSUED}),
    CustodyKind.CRYOPRESERVED: frozenset({CustodyKind.THAWED}),
    CustodyKind.THAWED: frozenset({CustodyKind.ISSUED}),
    CustodyKind.ISSUED: frozenset({CustodyKind.INFUSED}),
    CustodyKind.INFUSED: frozenset(),
}


class Intensity(LabelledCode):
    MAC = "MAC", "Mieloablativo (MAC)"
    RIC = "RIC", "A intensità ridotta (RIC)"
    NMA = "NMA", "Non mieloablativo (NMA)"
