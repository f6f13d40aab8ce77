"""The permissions of the agenda, named once here (labels and roles in
``corsia/accounts/domain/roles.py``)."""

from __future__ import annotations

VIEW = "agenda.view_agenda"  # the day, the week, the call-in list
BOOK = "agenda.book"  # book, move, confirm, check in, cancel
MANAGE = "agenda.manage_agenda"  # agendas, hours, closed days, booking types, nurses
PROGRAMME = "agenda.plan_programme"  # propose and confirm a line's programme
REMIND = "agenda.send_reminders"
