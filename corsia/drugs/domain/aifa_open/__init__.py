"""AIFA open data read without the database, and the change set it proposes.

- :mod:`.reading` — bytes to rows: encoding (UTF-8 with or without BOM, latin-1), NUL
  bytes, empty files, the header of the expected kind, Italian decimals and dates.
- :mod:`.files` — the three published files: the class A / class H lists, the
  transparency list (equivalence groups, reference prices), the shortages list.
- :mod:`.diff` — the proposed changes against a snapshot of the archive.
"""
