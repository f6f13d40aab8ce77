"""Transfusion reactions as haemovigilance reports them (ISBT Working Party on
Haemovigilance definitions, 2011/2013, taken up by the Italian SISTRA system): the
category, its severity and its imputability. Pure."""

from __future__ import annotations

from corsia.core.domain.codes import LabelledCode


class ReactionCategory(LabelledCode):
    FEBRILE_NON_HAEMOLYTIC = "fnhtr", "Reazione febbrile non emolitica (FNHTR)"
    ALLERGIC = "allergic", "Reazione allergica"
    ANAPHYLACTIC = "anaphylactic", "Reazione anafilattica"
    HAEMOLYTIC_ACUTE = "ahtr", "Reazione emolitica acuta (AHTR)"
    HAEMOLYTIC_DELAYED = "dhtr", "Reazione emolitica ritardata (DHTR)"
    DELAYED_SEROLOGIC = "dstr", "Reazione sierologica ritardata (alloimmunizzazione)"
    TACO = "taco", "Sovraccarico circolatorio (TACO)"
    TRALI = "trali", "Danno polmonare acuto (TRALI)"
    TAD = "tad", "Dispnea associata a trasfusione (TAD)"
    HYPOTENSIVE = "hypotensive", "Reazione ipotensiva"
    INFECTION = "tti", "Infezione trasmessa con la trasfusione"
    POST_TRANSFUSION_PURPURA = "ptp", "Porpora post-trasfusionale (PTP)"
    TA_GVHD = "ta_gvhd", "Malattia del trapianto contro l'ospite (TA-GVHD)"
    OTHER = "other", "Altra reazione"


class Severity(LabelledCode):
    NON_SEVERE = "1", "1 — non grave"
    SEVERE = "2", "2 — grave"
    LIFE_THREATENING = "3", "3 — pericolo di vita"
    DEATH = "4", "4 — decesso"


class Imputability(LabelledCode):
    NOT_ASSESSABLE = "not_assessable", "Non valutabile"
    EXCLUDED = "excluded", "Esclusa / improbabile"
    POSSIBLE = "possible", "Possibile"
    PROBABLE = "probable", "Probabile"
    CERTAIN = "certain", "Certa"


# Reactions that stop the transfusion at once (the nurse stops the bag, calls the physician
# and the transfusion service): everything but a mild allergic or febrile one is grave enough
# to be reported; these are the ones the page says must be reported at once.
REPORT_AT_ONCE: frozenset[ReactionCategory] = frozenset(
    {
        ReactionCategory.ANAPHYLACTIC,
        ReactionCategory.HAEMOLYTIC_ACUTE,
        ReactionCategory.TRALI,
        ReactionCategory.TACO,
        ReactionCategory.INFECTION,
    }
)
