"""The shipped pain scales: NRS, VAS, FLACC (children). Wording and sources as in
``catalogue``."""

from __future__ import annotations

from typing import Any

from corsia.nursing.domain.scale_items import band, choice

NRS: dict[str, Any] = {
    "code": "nrs",
    "name": "NRS – scala numerica del dolore",
    "version": "1",
    "purpose": "Intensità del dolore",
    "population": "Adulti e bambini dagli 8 anni",
    "source": (
        "Scala numerica 0-10 (Downie WW et al. Ann Rheum Dis 1978;37:378-81). Fasce della "
        "pratica clinica: 1-3 lieve, 4-6 moderato, 7-10 grave."
    ),
    "higher_is_worse": True,
    "items": [
        {
            "code": "intensity",
            "label": "Intensità del dolore (0 nessun dolore, 10 il peggiore immaginabile)",
            "min": 0,
            "max": 10,
        }
    ],
    "bands": [
        band(0, 0, "Nessun dolore", 0),
        band(1, 3, "Dolore lieve", 1),
        band(4, 6, "Dolore moderato", 2),
        band(7, 10, "Dolore grave", 3),
    ],
}

VAS: dict[str, Any] = {
    "code": "vas",
    "name": "VAS – scala visuo-analogica del dolore",
    "version": "1",
    "purpose": "Intensità del dolore",
    "population": "Adulti",
    "source": (
        "Linea di 100 mm. Fasce: Jensen MP, Chen C, Brugger AM. J Pain 2003;4(7):407-14 "
        "(0-4 nessun dolore, 5-44 lieve, 45-74 moderato, 75-100 grave)."
    ),
    "higher_is_worse": True,
    "items": [
        {
            "code": "mm",
            "label": "Distanza dall'estremo «nessun dolore» (mm, 0-100)",
            "min": 0,
            "max": 100,
        }
    ],
    "bands": [
        band(0, 4, "Nessun dolore", 0),
        band(5, 44, "Dolore lieve", 1),
        band(45, 74, "Dolore moderato", 2),
        band(75, 100, "Dolore grave", 3),
    ],
}

FLACC: dict[str, Any] = {
    "code": "flacc",
    "name": "FLACC – dolore nel bambino",
    "version": "1",
    "purpose": "Intensità del dolore (osservazione del comportamento)",
    "population": "Bambini da 2 mesi a 7 anni, o che non possono riferire il dolore",
    "source": (
        "Merkel SI, Voepel-Lewis T, Shayevitz JR, Malviya S. The FLACC: a behavioral scale "
        "for scoring postoperative pain in young children. Pediatr Nurs 1997;23(3):293-7 "
        "(0 rilassato, 1-3 lieve disagio, 4-6 dolore moderato, 7-10 dolore grave)."
    ),
    "higher_is_worse": True,
    "items": [
        choice(
            "face",
            "Volto",
            ("0", "Espressione neutra o sorriso", 0),
            ("1", "Smorfie o fronte aggrottata a tratti, chiuso, disinteressato", 1),
            ("2", "Mento tremante o mascelle serrate, spesso o sempre", 2),
        ),
        choice(
            "legs",
            "Gambe",
            ("0", "Posizione normale o rilassate", 0),
            ("1", "Inquiete, agitate, tese", 1),
            ("2", "Scalcia o tiene le gambe rigide", 2),
        ),
        choice(
            "activity",
            "Attività",
            ("0", "Sdraiato tranquillo, si muove con facilità", 0),
            ("1", "Si contorce, si dondola, è teso", 1),
            ("2", "Inarcato, rigido o a scatti", 2),
        ),
        choice(
            "cry",
            "Pianto",
            ("0", "Non piange", 0),
            ("1", "Geme o piagnucola, qualche lamento", 1),
            ("2", "Piange in modo continuo, urla o singhiozza, lamenti frequenti", 2),
        ),
        choice(
            "consolability",
            "Consolabilità",
            ("0", "Tranquillo, rilassato", 0),
            ("1", "Si calma se toccato, abbracciato o distratto", 1),
            ("2", "Difficile da consolare o da confortare", 2),
        ),
    ],
    "bands": [
        band(0, 0, "Rilassato, a suo agio", 0),
        band(1, 3, "Lieve disagio", 1),
        band(4, 6, "Dolore moderato", 2),
        band(7, 10, "Dolore grave", 3),
    ],
}
