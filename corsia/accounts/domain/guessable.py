"""Guessable passwords: common ones, and ones made only of words an attacker tries first.

Pure: the word lists are passed in (``corsia.accounts.passwords`` reads them from the files
shipped with Django and with Corsia; no network, no breach API — hospital servers often
have no way out). The rule:

- the password is *normalised* (lower case, leetspeak digits and symbols read as letters,
  trailing digits and punctuation dropped): ``P@ssw0rd2024!`` → ``password``;
- it is refused when its normalised form is a common password, or when every piece of it
  (split at anything that is not a letter or a digit) is a known word, a number,
  a keyboard walk, or shorter than three letters: ``corsia-demo``,
  ``Ospedale.Marzo2025``, ``qwerty-Rossi-1``.

A password with at least one piece of its own (``Giusta-pass-2024``: *giusta*) is left to
the other validators (length, similarity, history).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from enum import StrEnum

__all__ = [
    "Weakness",
    "keyboard_walks",
    "normalise",
    "password_weakness",
    "words_of",
]

# Digits and symbols people use for letters ("p4ssw0rd", "c0rs!a").
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", "$": "s"}
)
_PIECES = re.compile(r"(?:[^\W_]|[@$])+")  # letters, digits, and "@" "$" read as letters
_TRAILING = re.compile(r"[\d\W_]+$")
_LEADING_DIGITS = re.compile(r"^\d+")
_MIN_WORD = 3  # a piece shorter than this adds nothing an attacker would not try
_KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "qwertzuiop", "azertyuiop")
_MIN_WALK = 4


class Weakness(StrEnum):
    COMMON = "password_common"
    GUESSABLE = "password_guessable"


def keyboard_walks() -> frozenset[str]:
    """Runs of four or more neighbouring keys on a row, both ways (``qwer``, ``lkjhg``)."""
    walks: set[str] = set()
    for row in _KEYBOARD_ROWS:
        for start in range(len(row)):
            for end in range(start + _MIN_WALK, len(row) + 1):
                walks.add(row[start:end])
                walks.add(row[start:end][::-1])
    return frozenset(walks)


def words_of(*texts: str) -> frozenset[str]:
    """The words of a name, a username, a hospital's name (``"inf.rossi"`` → rossi, inf)."""
    found: set[str] = set()
    for text in texts:
        for word in re.findall(r"[^\W\d_]+", text.casefold()):
            if len(word) >= _MIN_WORD:
                found.add(word)
    return frozenset(found)


def normalise(password: str) -> str:
    """Lower case, trailing digits/punctuation dropped, leetspeak read as letters."""
    text = _TRAILING.sub("", password.casefold())
    return text.translate(_LEET)


def _piece_is_weak(piece: str, weak: Collection[str], common: Collection[str]) -> bool:
    bare = _LEADING_DIGITS.sub("", _TRAILING.sub("", piece))
    if len(bare) < _MIN_WORD:
        return True  # digits only ("2024"), or one or two letters
    # "d3m0": its trailing 0 is a letter too
    candidates = {bare, bare.translate(_LEET), _TRAILING.sub("", piece.translate(_LEET))}
    if any(c in weak or c in common for c in candidates):
        return True
    return any(_made_of(c, weak) for c in candidates)


def _made_of(text: str, weak: Collection[str]) -> bool:
    """Whether ``text`` is a concatenation of weak words and digits ("corsiademo")."""
    reachable = [True] + [False] * len(text)
    for end in range(1, len(text) + 1):
        for start in range(end):
            if not reachable[start]:
                continue
            part = text[start:end]
            if part.isdigit() or (len(part) >= _MIN_WORD and part in weak):
                reachable[end] = True
                break
    return reachable[len(text)]


def password_weakness(
    password: str,
    *,
    common: Collection[str],
    context_words: Iterable[str],
    personal_words: Iterable[str] = (),
) -> Weakness | None:
    """Why ``password`` is guessable, or ``None``.

    ``common``: common passwords, lower case (Django's list). ``context_words``: words of
    the place (Corsia, the hospital, months, seasons, "password"...), lower case.
    ``personal_words``: the user's username, name and surname, split into words.
    """
    lowered = password.casefold()
    if lowered in common or normalise(password) in common:
        return Weakness.COMMON
    weak = frozenset(context_words) | frozenset(personal_words) | keyboard_walks()
    pieces = _PIECES.findall(lowered)
    if not pieces:
        return Weakness.GUESSABLE  # only punctuation: nothing of its own
    if all(_piece_is_weak(piece, weak, common) for piece in pieces):
        return Weakness.GUESSABLE
    return None
