"""The permissions this module's services, selectors and pages check, named once here.

Their Italian labels and the roles holding them are declared in
``corsia/accounts/domain/roles.py``."""

from __future__ import annotations

# Infusion pumps
VIEW_PUMPS = "administration.view_pumps"
MANAGE_PUMPS = "administration.manage_pumps"
PROGRAM_PUMP = "administration.program_pump"

# Bedside administration
VIEW_WORKLIST = "administration.view_worklist"
ADMINISTER = "administration.administer"
NURSE_ONLY = "Solo l'infermiere può somministrare."  # the refusal without it
# Held by physicians: an intrathecal drug is given only with a physician identified by
# badge, as the one administering or as the co-signer at the bedside.
COSIGN_INTRATHECAL = "administration.cosign_intrathecal"

# Scheduling
SCHEDULE = "administration.schedule"
