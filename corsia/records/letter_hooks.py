"""Other modules told when a letter is signed — after the signature commits, never inside
it: a module above records (the FSE publication) registers here at start-up, so records
never imports it. A hook's failure never undoes or fails the signature: the hook records
its own refusal (the FSE module audits why a letter was not sent)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from corsia.core.actors import User, Workstation


@dataclass(frozen=True)
class SignedLetter:
    letter_id: int
    patient_id: int
    kind: str  # records' LetterKind value: discharge_letter, outpatient_report, diary_report
    version: int  # 1 for a first letter, n + 1 for the n-th correction


SignedHook = Callable[[SignedLetter, User, Workstation], None]
_HOOKS: dict[str, SignedHook] = {}


def letter_signed_hook_register(*, module: str, hook: SignedHook) -> None:
    """Called at start-up (``AppConfig.ready``); one hook per module, the last one wins."""
    _HOOKS[module] = hook


def letter_signed_notify(letter: SignedLetter, actor: User, workstation: Workstation) -> None:
    """Run every hook once the current transaction commits (at once outside one)."""

    def notify() -> None:
        for hook in list(_HOOKS.values()):
            hook(letter, actor, workstation)

    transaction.on_commit(notify)
