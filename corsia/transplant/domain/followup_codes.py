"""The follow-up's code lists: each code (stored, sent by the API) with its Italian label."""

from __future__ import annotations

from corsia.core.domain.codes import LabelledCode


class VisitState(LabelledCode):
    DRAFT = "draft", "Bozza"
    SIGNED = "signed", "Firmata"


class Immunosuppressant(LabelledCode):
    NONE = "none", "Nessuno"
    CICLOSPORIN = "ciclosporin", "Ciclosporina"
    TACROLIMUS = "tacrolimus", "Tacrolimus"
    SIROLIMUS = "sirolimus", "Sirolimus"


class LevelBand(LabelledCode):
    LOW = "low", "Sotto l'intervallo"
    IN_RANGE = "in_range", "Nell'intervallo"
    HIGH = "high", "Sopra l'intervallo"
    NO_TARGET = "no_target", "Nessun intervallo bersaglio per il giorno"
    NOT_A_TROUGH = "not_a_trough", "Non è una valle (orario del prelievo)"


class Virus(LabelledCode):
    CMV = "cmv", "CMV-DNA"
    EBV = "ebv", "EBV-DNA"


class LoadKind(LabelledCode):
    QUANTIFIED = "quantified", "Quantificato"
    BELOW_LLOQ = "below_lloq", "Rilevato, sotto il limite di quantificazione"
    NOT_DETECTED = "not_detected", "Non rilevato"


class LoadUnit(LabelledCode):
    IU_ML = "IU/mL", "UI/mL"
    COPIES_ML = "copies/mL", "copie/mL"


class Change(LabelledCode):
    SIGNIFICANT_RISE = "significant_rise", "Aumento significativo (≥ 0,5 log)"
    SIGNIFICANT_FALL = "significant_fall", "Riduzione significativa (≥ 0,5 log)"
    STABLE = "stable", "Stabile (< 0,5 log)"
    NEW_DETECTION = "new_detection", "Nuova positività"
    CLEARED = "cleared", "Negativizzato"
    UNQUANTIFIED = "unquantified", "Non quantificato"
    NOT_COMPARABLE = "not_comparable", "Non confrontabile (unità diverse)"


class Response(LabelledCode):
    COMPLETE_REMISSION = "complete_remission", "Remissione completa"
    PARTIAL_RESPONSE = "partial_response", "Risposta parziale"
    STABLE_DISEASE = "stable_disease", "Malattia stabile"
    PROGRESSION = "progression", "Recidiva / progressione"
    NOT_EVALUATED = "not_evaluated", "Non valutata"


class TimePoint(LabelledCode):
    DAY_100 = "day_100", "Giorno +100"
    ONE_YEAR = "one_year", "1 anno"
    ANNUAL = "annual", "Follow-up annuale"


class Survival(LabelledCode):
    ALIVE = "alive", "Vivo"
    DEAD = "dead", "Deceduto"
    LOST = "lost_to_follow_up", "Perso al follow-up"


class DeathCause(LabelledCode):
    RELAPSE_OR_PROGRESSION = "relapse_or_progression", "Recidiva o progressione"
    SECONDARY_MALIGNANCY = "secondary_malignancy", "Seconda neoplasia"
    HSCT_RELATED = "hsct_related", "Legata al trapianto"
    CELL_THERAPY_RELATED = "cell_therapy_related", "Legata a terapia cellulare"
    UNKNOWN = "unknown", "Sconosciuta"
    OTHER = "other", "Altra"


class HsctRelatedCause(LabelledCode):
    GVHD = "gvhd", "GVHD"
    INFECTION = "infection", "Infezione"
    INTERSTITIAL_PNEUMONITIS = "interstitial_pneumonitis", "Polmonite interstiziale"
    TOXICITY = "toxicity", "Tossicità"
    REJECTION_OR_GRAFT_FAILURE = "rejection_or_graft_failure", "Rigetto / fallimento del graft"
    HAEMORRHAGE = "haemorrhage", "Emorragia"
    VOD_SOS = "vod_sos", "VOD/SOS"
    OTHER = "other", "Altra"


class ConsentKind(LabelledCode):
    TRANSPLANT = "transplant", "Consenso al trapianto"
    REGISTRY = "registry", "Trasmissione dati al registro EBMT"
    RESEARCH = "research", "Uso di dati e campioni per ricerca"


class AdverseSeverity(LabelledCode):
    NON_SERIOUS = "non_serious", "Non grave"
    SERIOUS = "serious", "Grave (SAE)"


class AdverseRelation(LabelledCode):
    PRODUCT = "product", "Correlato al prodotto cellulare"
    PROCEDURE = "procedure", "Correlato alla procedura"
    UNRELATED = "unrelated", "Non correlato"
    UNKNOWN = "unknown", "Non determinato"
