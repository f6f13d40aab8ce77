"""The shape of a page's contextual help (``corsia.core.help``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class PageHelp:
    title: str | Promise  # what the page is for, in a few words
    text: str | Promise  # what to do on it, two or three sentences
