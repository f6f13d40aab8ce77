"""Help of the parenteral nutrition pages (issue 18)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from corsia.core.help_text import PageHelp

MODULES: dict[str, PageHelp] = {
    "nutrition": PageHelp(
        _("Nutrizione parenterale"),
        _(
            "Il calcolo delle sacche di nutrizione parenterale per adulti, bambini e neonati, "
            "con il catalogo dei componenti, i limiti per kg e le curve calcio-fosfato "
            "mantenuti dalla Farmacia."
        ),
    )
}

PAGES: dict[str, PageHelp] = {
    "nutrition:calculator": PageHelp(
        _("Calcolo della nutrizione parenterale"),
        _(
            "Indica peso, età, via e i componenti (in mL, g, mmol, mEq, fiale o per kg): la "
            "pagina mostra volume, calorie, rapporto calorie non proteiche/azoto, velocità di "
            "infusione del glucosio, osmolarità e compatibilità calcio-fosfato con le loro "
            "formule, e ogni avviso o blocco. Non salva nulla."
        ),
    ),
}

NOT_PAGES: frozenset[str] = frozenset({"nutrition:compounder_csv"})  # a CSV download
