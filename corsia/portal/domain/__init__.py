"""The portal's pure rules: one-time codes, the OpenID Connect checks, messages' hours and
attachments (no Django, no clock, no I/O: the caller passes them in)."""
