"""core.domain.codes: a code list whose members carry their Italian label."""

import copy

import pytest

from corsia.core.domain.codes import LabelledCode, code_of
from corsia.core.domain.errors import ValidationFailed


class Method(LabelledCode):
    CT = "ct", "TC"
    MRI = "mri", "RM"


def test_a_member_is_its_code_and_carries_its_label() -> None:
    assert isinstance(Method.CT, str)
    assert Method.CT.value == "ct"
    assert str(Method.CT) == "ct"
    assert f"{Method.MRI}" == "mri"
    assert Method("mri") is Method.MRI
    assert Method.MRI.label_it == "RM"
    assert copy.deepcopy(Method.CT) is Method.CT


def test_labels_in_declaration_order() -> None:
    assert list(Method.labels_it().items()) == [(Method.CT, "TC"), (Method.MRI, "RM")]


def test_an_unknown_code_is_refused() -> None:
    with pytest.raises(ValueError):
        Method("pet")


def test_a_code_without_its_label_is_refused_when_declared() -> None:
    with pytest.raises(TypeError, match="label"):

        class Bad(LabelledCode):
            X = "x"


def test_code_of_finds_the_member_or_refuses_with_the_message() -> None:
    assert code_of(Method, "mri", "method", "Metodo sconosciuto.") is Method.MRI
    for sent in ("pet", "ct" * 30, None):
        with pytest.raises(ValidationFailed) as refused:
            code_of(Method, sent, "method", "Metodo sconosciuto.")
        assert (refused.value.code, refused.value.field, refused.value.message) == (
            "method_unknown",
            "method",
            "Metodo sconosciuto.",
        )
