"""The codes of the venous access register, each with its Italian label (INS 2021 and
GAVeCeLT wording). Pure Python."""

from __future__ import annotations

from corsia.core.domain.codes import LabelledCode


class DeviceType(LabelledCode):
    PIV = "piv", "Catetere venoso periferico (CVP)"
    MIDLINE = "midline", "Midline"
    PICC = "picc", "PICC"
    CVC = "cvc", "CVC non tunnellizzato"
    CVC_TUNNELLED = "cvc_tunnelled", "CVC tunnellizzato"
    PORT = "port", "Port (sistema totalmente impiantabile)"


CENTRAL = frozenset({DeviceType.PICC, DeviceType.CVC, DeviceType.CVC_TUNNELLED, DeviceType.PORT})


class SizeUnit(LabelledCode):
    GAUGE = "G", "Gauge (G)"
    FRENCH = "Fr", "French (Fr)"


class Vein(LabelledCode):
    HAND = "hand", "Vena del dorso della mano"
    FOREARM = "forearm", "Vena dell'avambraccio"
    ANTECUBITAL = "antecubital", "Vena della fossa antecubitale"
    CEPHALIC = "cephalic", "Vena cefalica"
    BASILIC = "basilic", "Vena basilica"
    BRACHIAL = "brachial", "Vena brachiale"
    AXILLARY = "axillary", "Vena ascellare"
    SUBCLAVIAN = "subclavian", "Vena succlavia"
    JUGULAR = "jugular", "Vena giugulare interna"
    BRACHIOCEPHALIC = "brachiocephalic", "Vena anonima (brachiocefalica)"
    FEMORAL = "femoral", "Vena femorale"
    OTHER = "other", "Altra vena"


class Side(LabelledCode):
    RIGHT = "right", "Destro"
    LEFT = "left", "Sinistro"


class TipLocation(LabelledCode):
    ECG = "ecg", "ECG intracavitario"
    FLUOROSCOPY = "fluoroscopy", "Fluoroscopia"
    XRAY = "xray", "Radiografia del torace"
    ECHO = "echo", "Ecocardiografia"
    NONE = "none", "Nessuna (accesso periferico)"


class Indication(LabelledCode):
    VESICANT = "vesicant", "Chemioterapia vescicante o irritante"
    LONG_TERM = "long_term", "Terapia endovenosa prolungata"
    PARENTERAL_NUTRITION = "pn", "Nutrizione parenterale"
    POOR_VEINS = "poor_veins", "Patrimonio venoso periferico scarso"
    SAMPLING = "sampling", "Prelievi e trasfusioni frequenti"
    SHORT_TERM = "short_term", "Terapia endovenosa breve"
    EMERGENCY = "emergency", "Urgenza"


class Incident(LabelledCode):
    ARTERIAL_PUNCTURE = "arterial_puncture", "Puntura arteriosa"
    HAEMATOMA = "haematoma", "Ematoma"
    NERVE = "nerve", "Lesione o irritazione nervosa"
    ARRHYTHMIA = "arrhythmia", "Aritmia"
    PNEUMOTHORAX = "pneumothorax", "Pneumotorace"
    GUIDEWIRE = "guidewire", "Difficoltà di avanzamento della guida"
    MALPOSITION = "malposition", "Malposizionamento primario"


class CareKind(LabelledCode):
    ASSESSMENT = "assessment", "Valutazione della sede"
    DRESSING = "dressing", "Cambio della medicazione"
    FLUSH = "flush", "Lavaggio (flushing)"
    LOCK = "lock", "Chiusura (locking)"
    CONNECTOR = "connector", "Cambio del connettore needle-free"


class Dressing(LabelledCode):
    TRANSPARENT = "transparent", "Pellicola trasparente semipermeabile"
    GAUZE = "gauze", "Garza"


# INS 2021 (standard 41): transparent semipermeable dressings every 7 days, gauze every
# 2 days (sooner when damp, loosened or soiled: a change then is a new record).
DRESSING_DAYS = {Dressing.TRANSPARENT: 7, Dressing.GAUZE: 2}


class Complication(LabelledCode):
    OCCLUSION = "occlusion", "Occlusione"
    THROMBOSIS = "thrombosis", "Trombosi venosa correlata al catetere"
    CRBSI = "crbsi", "Infezione del torrente ematico correlata al catetere (CRBSI/CLABSI)"
    EXIT_SITE = "exit_site", "Infezione dell'exit site"
    DISLODGEMENT = "dislodgement", "Dislocazione"
    MALPOSITION = "malposition", "Malposizionamento secondario"
    EXTRAVASATION = "extravasation", "Stravaso"
    INFILTRATION = "infiltration", "Infiltrazione"
    PHLEBITIS = "phlebitis", "Flebite"


class Certainty(LabelledCode):
    SUSPECTED = "suspected", "Sospetta"
    CONFIRMED = "confirmed", "Confermata"


class RemovalReason(LabelledCode):
    END_OF_THERAPY = "end_of_therapy", "Fine della terapia"
    COMPLICATION = "complication", "Complicanza"
    SUSPECTED_INFECTION = "suspected_infection", "Sospetta infezione"
    ACCIDENTAL = "accidental", "Rimozione accidentale"
    MALFUNCTION = "malfunction", "Malfunzionamento"
    ROUTINE = "routine", "Sostituzione programmata o clinicamente indicata"
    DISCHARGE_OR_DEATH = "discharge", "Dimissione o decesso"
