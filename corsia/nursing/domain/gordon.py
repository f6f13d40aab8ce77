"""Gordon's eleven functional health patterns, the frame of the nursing anamnesis and of
the nursing process (Gordon M., Nursing diagnosis: process and application, 1982). The
pattern names are public; the prompts are Corsia's own wording (no NANDA-I, NIC or NOC
text)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pattern:
    code: str
    label: str
    prompt: str  # what the nurse asks and observes, in a line


PATTERNS: tuple[Pattern, ...] = (
    Pattern(
        "health_perception",
        "Percezione e gestione della salute",
        "Come la persona vede la propria salute, la malattia e le cure; abitudini (fumo, alcol).",
    ),
    Pattern(
        "nutrition_metabolic",
        "Nutrizione e metabolismo",
        "Appetito, dieta, peso recente, deglutizione, cavo orale, cute e mucose.",
    ),
    Pattern("elimination", "Eliminazione", "Alvo, diuresi, continenza, stomie, sudorazione."),
    Pattern(
        "activity_exercise",
        "Attività ed esercizio",
        "Autonomia nelle attività quotidiane, mobilità, ausili, respiro e fatica.",
    ),
    Pattern(
        "sleep_rest", "Sonno e riposo", "Ore e qualità del sonno, risvegli, farmaci per dormire."
    ),
    Pattern(
        "cognitive_perceptual",
        "Cognizione e percezione",
        "Orientamento, memoria, vista, udito, dolore e come lo descrive.",
    ),
    Pattern(
        "self_perception",
        "Percezione di sé e concetto di sé",
        "Come si sente riguardo a sé e al proprio corpo; paure, ansia, umore.",
    ),
    Pattern(
        "roles_relationships",
        "Ruoli e relazioni",
        "Con chi vive, chi lo assiste, lavoro, famiglia, persona di riferimento.",
    ),
    Pattern(
        "sexuality_reproduction",
        "Sessualità e riproduzione",
        "Aspetti che la persona desidera riferire; fertilità e contraccezione durante le cure.",
    ),
    Pattern(
        "coping_stress",
        "Coping e tolleranza allo stress",
        "Come affronta le difficoltà, a chi si rivolge, cambiamenti recenti.",
    ),
    Pattern(
        "values_beliefs",
        "Valori e convinzioni",
        "Convinzioni, fede, preferenze che contano per le cure.",
    ),
)

PATTERN_CODES: tuple[str, ...] = tuple(p.code for p in PATTERNS)


def pattern(code: str) -> Pattern | None:
    return next((p for p in PATTERNS if p.code == code), None)
