"""Densities of the carrier solutions, for the gravimetric check (pure data).

Values at about 20 °C: sodium chloride 0.9 % 1.005 g/mL, glucose 5 % 1.017 g/mL
(aqueous solutions; CRC Handbook of Chemistry and Physics, "Concentrative properties
of aqueous solutions": NaCl 0.9 % w/w 1.0046, D-glucose 5 % w/w 1.0175 g/cm³). A
diluent not listed has no density: the weighing is then refused rather than guessed.
"""

from __future__ import annotations

from decimal import Decimal

from corsia.compounding.domain.preparation import GLUCOSE_5, NACL_09

DILUENT_DENSITY_G_ML: dict[str, Decimal] = {
    NACL_09: Decimal("1.005"),
    GLUCOSE_5: Decimal("1.017"),
}
