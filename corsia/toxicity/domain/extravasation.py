"""Extravasation (stravaso) of antineoplastic drugs: class and management procedure per
active ingredient.

Written by hand from the **ESMO–EONS Clinical Practice Guidelines on the management of
chemotherapy extravasation** (Pérez Fidalgo JA, García Fabregat L, Cervantes A, Margulies A,
Vidall C, Roila F; Ann Oncol 2012;23 Suppl 7:vii167–73, doi:10.1093/annonc/mds294):
Table 1 (classification), the initial management and the specific measures (antidotes,
cold or warm compresses). Keys are the ingredient codes of ``corsia.drugs``
(``ActiveIngredient.code``: English INN, lower case, underscores; mechlorethamine is
``chlormethine`` there).

Clinical-safety note: reference content, to be reviewed by the hospital's pharmacist and
oncologists and replaced by the local extravasation protocol before clinical use. An
ingredient the guideline does not name is ``UNKNOWN``: the page then says to ask the
pharmacist, it never guesses "non-vesicant".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import ValidationFailed

SOURCE = (
    "ESMO–EONS Clinical Practice Guidelines: management of chemotherapy extravasation "
    "(Pérez Fidalgo JA et al., Ann Oncol 2012;23 Suppl 7:vii167–73)"
)


class ExtravasationClass(LabelledCode):
    VESICANT = "vesicant", "Vescicante"
    IRRITANT = "irritant", "Irritante"
    NON_VESICANT = "non_vesicant", "Non vescicante"
    UNKNOWN = "unknown", "Non classificato"


CLASS_LABELS_IT: dict[ExtravasationClass, str] = ExtravasationClass.labels_it()


class Compress(StrEnum):
    COLD = "cold"
    WARM = "warm"
    NONE = "none"


@dataclass(frozen=True)
class Step:
    code: str  # stable: recorded in ExtravasationEvent.steps_done
    text_it: str


# --- the steps ------------------------------------------------------------------------------

STOP = Step("stop", "Sospendere subito l'infusione; chiudere la linea.")
DISCONNECT = Step("disconnect", "Scollegare il deflussore lasciando in sede l'ago o la cannula.")
ASPIRATE = Step(
    "aspirate",
    "Aspirare dalla cannula quanto più farmaco possibile, senza premere sulla zona.",
)
REMOVE = Step("remove", "Rimuovere l'ago o la cannula.")
MARK = Step("mark", "Delimitare l'area con un pennarello (e fotografarla, se previsto).")
ELEVATE = Step("elevate", "Sollevare l'arto.")
INFORM = Step("inform", "Avvisare il medico responsabile.")
ANALGESIA = Step("analgesia", "Valutare il dolore e somministrare analgesia se necessario.")
COLD = Step(
    "cold_compress",
    "Impacchi freddi asciutti (ghiaccio protetto) per 15–20 minuti, almeno 4 volte al giorno "
    "per 1–2 giorni.",
)
WARM = Step(
    "warm_compress",
    "Impacchi caldi asciutti per 15–20 minuti, almeno 4 volte al giorno per 1–2 giorni. "
    "NON applicare freddo.",
)
DEXRAZOXANE = Step(
    "dexrazoxane",
    "Dexrazoxano e.v. entro 6 ore dallo stravaso, in una vena dell'arto opposto, per 3 giorni: "
    "1000 mg/m² il giorno 1 e il giorno 2, 500 mg/m² il giorno 3 (massimo 2000 mg nei giorni "
    "1–2 e 1000 mg il giorno 3). Togliere il freddo almeno 15 minuti prima dell'infusione. "
    "Non associare DMSO.",
)
DMSO_IF_NO_DEXRAZOXANE = Step(
    "dmso_alternative",
    "Solo se il dexrazoxano non è disponibile: DMSO 99% topico ogni 8 ore per 7–14 giorni.",
)
DMSO = Step("dmso", "DMSO 99% topico sull'area ogni 8 ore per 7–14 giorni, lasciandolo asciugare.")
HYALURONIDASE = Step(
    "hyaluronidase",
    "Ialuronidasi per via sottocutanea in più punti attorno all'area (150–1500 UI, secondo il "
    "protocollo locale), il prima possibile.",
)
HYALURONIDASE_LARGE = Step(
    "hyaluronidase",
    "Negli stravasi estesi valutare ialuronidasi sottocutanea attorno all'area (secondo il "
    "protocollo locale).",
)
THIOSULFATE = Step(
    "thiosulfate",
    "Sodio tiosolfato 1/6 M per via sottocutanea attorno all'area, il prima possibile "
    "(dose secondo il protocollo del farmacista).",
)
OBSERVE = Step(
    "observe",
    "Controllare l'area a 24 ore, a 48 ore e a 1 settimana; consulenza chirurgica se compare "
    "necrosi o dolore persistente.",
)
DOCUMENT = Step("document", "Registrare lo stravaso (questo modulo) e informare il paziente.")


@dataclass(frozen=True)
class Procedure:
    code: str
    title_it: str
    compress: Compress
    steps: tuple[Step, ...]
    antidote_it: str = ""

    def step_codes(self) -> frozenset[str]:
        return frozenset(s.code for s in self.steps)


_START = (STOP, DISCONNECT, ASPIRATE, REMOVE, MARK, ELEVATE, INFORM, ANALGESIA)
_END = (OBSERVE, DOCUMENT)

ANTHRACYCLINE = Procedure(
    "anthracycline",
    "Antracicline: freddo e dexrazoxano",
    Compress.COLD,
    (*_START, COLD, DEXRAZOXANE, DMSO_IF_NO_DEXRAZOXANE, *_END),
    antidote_it="Dexrazoxano (entro 6 ore)",
)
DNA_BINDING_ANTIBIOTIC = Procedure(
    "dmso_cold",
    "Vescicante (mitomicina, dactinomicina): freddo e DMSO",
    Compress.COLD,
    (*_START, COLD, DMSO, *_END),
    antidote_it="DMSO 99% topico",
)
VINCA = Procedure(
    "vinca",
    "Alcaloidi della vinca: caldo e ialuronidasi, mai freddo",
    Compress.WARM,
    (*_START, WARM, HYALURONIDASE, *_END),
    antidote_it="Ialuronidasi",
)
TAXANE = Procedure(
    "taxane",
    "Taxani: freddo; ialuronidasi negli stravasi estesi",
    Compress.COLD,
    (*_START, COLD, HYALURONIDASE_LARGE, *_END),
    antidote_it="Ialuronidasi (stravasi estesi)",
)
MECHLORETHAMINE = Procedure(
    "thiosulfate",
    "Mecloretamina (clormetina): sodio tiosolfato e freddo",
    Compress.COLD,
    (*_START, THIOSULFATE, COLD, *_END),
    antidote_it="Sodio tiosolfato 1/6 M",
)
VESICANT_NO_ANTIDOTE = Procedure(
    "vesicant_cold",
    "Vescicante senza antidoto specifico: freddo e osservazione stretta",
    Compress.COLD,
    (*_START, COLD, *_END),
)
IRRITANT_COLD = Procedure(
    "irritant_cold",
    "Irritante: freddo e osservazione",
    Compress.COLD,
    (*_START, COLD, *_END),
)
OXALIPLATIN = Procedure(
    "irritant_warm",
    "Oxaliplatino: caldo, mai freddo (il freddo scatena la neurotossicità)",
    Compress.WARM,
    (*_START, WARM, *_END),
)
NON_VESICANT = Procedure(
    "non_vesicant",
    "Non vescicante: sospendere, sollevare l'arto, osservare",
    Compress.NONE,
    (STOP, DISCONNECT, REMOVE, MARK, ELEVATE, INFORM, OBSERVE, DOCUMENT),
)
UNKNOWN_PROCEDURE = Procedure(
    "unknown",
    "Farmaco non classificato: misure iniziali e consulto immediato del farmacista",
    Compress.NONE,
    (*_START, *_END),
)


@dataclass(frozen=True)
class Guidance:
    ingredient_code: str
    klass: ExtravasationClass
    procedure: Procedure
    note_it: str = ""
    source: str = SOURCE

    @property
    def class_label_it(self) -> str:
        return CLASS_LABELS_IT[self.klass]


V, IR, NV = (
    ExtravasationClass.VESICANT,
    ExtravasationClass.IRRITANT,
    ExtravasationClass.NON_VESICANT,
)

# ingredient code -> (class, procedure, note). Table 1 of the guideline, row by row.
_TABLE: dict[str, tuple[ExtravasationClass, Procedure, str]] = {
    # Vesicants, DNA-binding: alkylating agents
    "chlormethine": (V, MECHLORETHAMINE, "Mecloretamina."),
    "bendamustine": (
        V,
        VESICANT_NO_ANTIDOTE,
        "Vescicante nella tabella ESMO–EONS (con nota: alcuni autori la considerano irritante).",
    ),
    # Vesicants, DNA-binding: anthracyclines
    "doxorubicin": (V, ANTHRACYCLINE, ""),
    "daunorubicin": (V, ANTHRACYCLINE, ""),
    "epirubicin": (V, ANTHRACYCLINE, ""),
    "idarubicin": (V, ANTHRACYCLINE, ""),
    # Vesicants, DNA-binding: others (antibiotics)
    "dactinomycin": (V, DNA_BINDING_ANTIBIOTIC, ""),
    "mitomycin": (V, DNA_BINDING_ANTIBIOTIC, "Mitomicina C."),
    # Vesicants, non-DNA-binding: vinca alkaloids
    "vinblastine": (V, VINCA, ""),
    "vincristine": (V, VINCA, ""),
    "vindesine": (V, VINCA, ""),
    "vinorelbine": (V, VINCA, ""),
    "vinflunine": (
        V,
        VINCA,
        "Alcaloide della vinca non nominato nella tabella: trattato come la sua classe.",
    ),
    # Vesicants, non-DNA-binding: taxanes, others
    "docetaxel": (V, TAXANE, ""),
    "paclitaxel": (V, TAXANE, ""),
    "trabectedin": (V, VESICANT_NO_ANTIDOTE, ""),
    # Irritants: alkylating agents
    "carmustine": (IR, IRRITANT_COLD, ""),
    "ifosfamide": (IR, IRRITANT_COLD, ""),
    "streptozocin": (IR, IRRITANT_COLD, ""),
    "dacarbazine": (IR, IRRITANT_COLD, ""),
    "melphalan": (IR, IRRITANT_COLD, ""),
    # Irritants: anthracyclines (other)
    "mitoxantrone": (IR, IRRITANT_COLD, "Tra le «antracicline (altre)» della tabella."),
    "daunorubicin_cytarabine_liposomal": (
        IR,
        IRRITANT_COLD,
        "Daunorubicina liposomiale (in associazione con citarabina): irritante.",
    ),
    # Irritants: topoisomerase II inhibitors
    "etoposide": (IR, IRRITANT_COLD, "Etoposide; l'etoposide fosfato è non vescicante."),
    "teniposide": (IR, IRRITANT_COLD, ""),
    # Irritants: antimetabolites
    "fluorouracil": (IR, IRRITANT_COLD, ""),
    # Irritants: platinum salts
    "carboplatin": (IR, IRRITANT_COLD, ""),
    "cisplatin": (IR, IRRITANT_COLD, ""),
    "oxaliplatin": (IR, OXALIPLATIN, ""),
    # Irritants: topoisomerase I inhibitors, others
    "irinotecan": (IR, IRRITANT_COLD, ""),
    "topotecan": (IR, IRRITANT_COLD, ""),
    "ixabepilone": (IR, IRRITANT_COLD, ""),
    # Non-vesicants
    "arsenic_trioxide": (NV, NON_VESICANT, ""),
    "asparaginase": (NV, NON_VESICANT, ""),
    "pegaspargase": (NV, NON_VESICANT, "Asparaginasi peghilata."),
    "bleomycin": (NV, NON_VESICANT, ""),
    "bortezomib": (NV, NON_VESICANT, ""),
    "cladribine": (NV, NON_VESICANT, ""),
    "cytarabine": (NV, NON_VESICANT, ""),
    "gemcitabine": (NV, NON_VESICANT, ""),
    "fludarabine": (NV, NON_VESICANT, ""),
    "methotrexate": (NV, NON_VESICANT, ""),
    "pemetrexed": (NV, NON_VESICANT, ""),
    "raltitrexed": (NV, NON_VESICANT, ""),
    "temsirolimus": (NV, NON_VESICANT, ""),
    "thiotepa": (NV, NON_VESICANT, ""),
    "cyclophosphamide": (NV, NON_VESICANT, ""),
}

# "Monoclonal antibodies" are one row of the non-vesicant column; the ones in the catalogue.
# Antibody–drug conjugates are NOT included: their payload decides, and the table is silent.
MONOCLONAL_ANTIBODIES: tuple[str, ...] = (
    "alemtuzumab", "atezolizumab", "avelumab", "bevacizumab", "cemiplimab", "cetuximab",
    "daratumumab", "dostarlimab", "durvalumab", "elotuzumab", "ipilimumab", "isatuximab",
    "necitumumab", "nivolumab", "obinutuzumab", "ofatumumab", "panitumumab", "pembrolizumab",
    "pertuzumab", "ramucirumab", "rituximab", "trastuzumab", "tremelimumab",
)  # fmt: skip
for _code in MONOCLONAL_ANTIBODIES:
    _TABLE[_code] = (NV, NON_VESICANT, "Anticorpo monoclonale.")


def guidance_for(ingredient_code: str) -> Guidance:
    """The class and procedure for an ingredient; UNKNOWN (never a guess) if not in the table."""
    found = _TABLE.get(ingredient_code)
    if found is None:
        return Guidance(
            ingredient_code,
            ExtravasationClass.UNKNOWN,
            UNKNOWN_PROCEDURE,
            "Non classificato dalla linea guida ESMO–EONS 2012: chiedere subito al farmacista e "
            "consultare l'RCP; in attesa, trattarlo come vescicante.",
        )
    klass, procedure, note = found
    return Guidance(ingredient_code, klass, procedure, note)


def classified_codes() -> frozenset[str]:
    return frozenset(_TABLE)


def ensure_steps(procedure: Procedure, done: list[str]) -> list[str]:
    """The steps recorded as done, deduplicated in the procedure's order; unknown codes refused."""
    unknown = sorted(set(done) - procedure.step_codes())
    if unknown:
        raise ValidationFailed(
            "Passi della procedura non riconosciuti: " + ", ".join(unknown) + ".",
            code="unknown_step",
            field="steps_done",
        )
    chosen = set(done)
    return [s.code for s in procedure.steps if s.code in chosen]
