"""Emergency release: blood given before the patient's group is confirmed. Pure.

When a patient needs blood before two concordant determinations confirm the group (DM 2
novembre 2015, art. 10 and Allegato VII: the urgency is declared by the physician, who takes
responsibility for it), the transfusion service releases **only** components that no ABO/RhD
group can reject:

=========  ===========================================================================
component  allowed under emergency release, group not confirmed
=========  ===========================================================================
red cells  group O RhD negative; group O RhD positive **only** when the declaration
           allows it *and* the patient qualifies under the hospital's declared policy:
           a male aged 18 or more, or a female aged ``CHILDBEARING_AGE_LIMIT`` (50) or
           more (past child-bearing age: no risk of anti-D in a later pregnancy)
plasma     group AB (RhD not relevant: plasma carries no red-cell antigens)
platelets  refused: platelets wait for the confirmed group
=========  ===========================================================================

Anything else is refused with the reason. The crossmatch and the group's regularisation
follow: the bag is marked as released in emergency and stays *pending* until the
transfusion service records a compatible crossmatch for it.
"""

from __future__ import annotations

from corsia.core.domain.codes import LabelledCode
from corsia.transfusion.domain.isbt128 import Abo, BloodGroup
from corsia.transfusion.domain.products import Component

ADULT_AGE = 18
CHILDBEARING_AGE_LIMIT = 50  # the hospital's declared policy: a woman from 50 is past it


class RhdPolicy(LabelledCode):
    NEGATIVE_ONLY = "negative_only", "Solo emazie O RhD negative"
    POSITIVE_ALLOWED = (
        "positive_allowed",
        "Emazie O RhD positive ammesse (maschio adulto o donna oltre l'età fertile)",
    )


def rhd_positive_eligible(sex: str, age_years: int) -> bool:
    """May this patient receive O RhD-positive red cells in an emergency? A male adult, or a
    female past child-bearing age; anyone else (a girl, a woman of child-bearing age, sex
    not recorded) receives O RhD-negative only."""
    if sex == "M":
        return age_years >= ADULT_AGE
    if sex == "F":
        return age_years >= CHILDBEARING_AGE_LIMIT
    return False


def emergency_refusal(component: Component, donor: BloodGroup, policy: RhdPolicy) -> str | None:
    """Why this bag may not be released before the group is confirmed (Italian), or None."""
    if component is Component.PLATELETS:
        return (
            "In emergenza, con il gruppo non confermato, si rilasciano solo emazie di gruppo O "
            "e plasma di gruppo AB: le piastrine attendono il gruppo confermato."
        )
    if component is Component.PLASMA:
        if donor.abo is Abo.AB:
            return None
        return (
            f"In emergenza si rilascia solo plasma di gruppo AB (questa sacca è "
            f"{donor.label_it()})."
        )
    if donor.abo is not Abo.O:
        return (
            f"In emergenza si rilasciano solo emazie di gruppo O (questa sacca è "
            f"{donor.label_it()})."
        )
    if donor.rhd_positive is False:
        return None
    if donor.rhd_positive is True and policy is RhdPolicy.POSITIVE_ALLOWED:
        return None
    return (
        "In emergenza questo paziente riceve solo emazie O RhD negative (O RhD positivo non "
        "dichiarato ammesso, o RhD della sacca non specificato)."
    )
