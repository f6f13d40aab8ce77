"""Writes of the FSE module, one file per act: ``submit`` (a document handed to the FSE,
the letter hook, a refused letter sent again), ``send`` (the worker's attempts at the gateway), ``manage`` (retry,
obscure, delete)."""

from corsia.fse.services.common import MANAGE, OBSCURE, PUBLISH, VIEW
from corsia.fse.services.manage import (
    fse_document_delete,
    fse_document_obscure,
    fse_document_retry,
)
from corsia.fse.services.send import fse_document_send, fse_due, fse_status_poll
from corsia.fse.services.submit import (
    CdaRefused,
    fse_consent,
    fse_document_submit,
    fse_letter_resend,
    fse_letter_submit,
)
from corsia.fse.services.televisit import fse_televisit_submit

__all__ = [
    "MANAGE",
    "OBSCURE",
    "PUBLISH",
    "VIEW",
    "CdaRefused",
    "fse_consent",
    "fse_document_delete",
    "fse_document_obscure",
    "fse_document_retry",
    "fse_document_send",
    "fse_document_submit",
    "fse_due",
    "fse_letter_resend",
    "fse_letter_submit",
    "fse_status_poll",
    "fse_televisit_submit",
]
