"""The contextual help, one file per area of Corsia (``corsia.core.help`` gathers them).

To give a new module's pages their help, add a file here — ``corsia/core/help_areas/<area>.py``
(for example ``nursing.py``) — and touch nothing else: every module of this package is found
and read by ``corsia.core.help``, so two branches adding two areas never edit the same
lines. The file defines, as ``agenda.py`` does:

- ``MODULES: dict[str, PageHelp]`` — the text of each of its modules (the URL namespace
  before the colon), shown on its pages that have none of their own; every namespace with a
  page needs one;
- ``PAGES: dict[str, PageHelp]`` — each page's own text, keyed by URL name
  (``"nursing:ward"``): a title of a few words and two or three sentences, Italian, in
  ``gettext_lazy`` (the English goes at the end of ``locale/en/LC_MESSAGES/django.po``);
- ``NOT_PAGES: frozenset[str]`` — its URL names that are not pages a user reads (form posts
  answered with a redirect, htmx fragments, PDFs, label files, exports).

A name given twice, in one area or two, stops the start-up (``help_registry``);
``tests/core/test_help.py`` checks that every URL name is in ``PAGES`` or ``NOT_PAGES`` and
that nothing names a URL that does not exist.
"""
