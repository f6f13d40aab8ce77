"""The agenda's pure rules: booking states, opening hours, phases of an access, the therapy
programme. No Django, no clock, no I/O (``corsia/agenda/README.md``)."""
