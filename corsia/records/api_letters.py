"""JSON API of the clinical letters and tumour boards, beside the chart's:
/api/v1/patients/{id}/letters and /api/v1/patients/{id}/tumour-boards; the stay's diary
printed at discharge from the letters page: /api/v1/patients/{id}/stay-diary.pdf."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from corsia.core.access import api_perm
from corsia.core.web import acting, reading
from corsia.records import selectors_letters as selectors
from corsia.records import services
from corsia.records.models import ClinicalLetter, TumourBoard
from corsia.records.prints import stay_diary_print
from corsia.records.schemas_letters import (
    BoardIn,
    BoardOut,
    BoardUpdateIn,
    CorrectionIn,
    LetterCreateIn,
    LetterOut,
    LetterUpdateIn,
    VersionIn,
    board_input,
    board_out,
    letter_out,
)

router = Router(tags=["records"])
VIEW = "records.view_chart"
WRITE = "records.write_diary"
SIGN = "records.sign_letter"


def _letter(request: HttpRequest, patient_id: int, letter_id: int) -> ClinicalLetter:
    """The patient's letter (another patient's id in the path: not found). Access-logged."""
    return selectors.letter_get(**reading(request), letter_id=letter_id, patient_id=patient_id)


@router.get("/{patient_id}/letters", response=list[LetterOut])
@api_perm(VIEW)
def letters(request: HttpRequest, patient_id: int) -> list[LetterOut]:
    """Every letter (drafts, signed versions, corrections), newest first."""
    found = selectors.patient_letters(**reading(request), patient_id=patient_id)
    return [letter_out(x) for x in found]


@router.post("/{patient_id}/letters", response={201: LetterOut})
@api_perm(WRITE)
def letter_draft(
    request: HttpRequest, patient_id: int, payload: LetterCreateIn
) -> Status[LetterOut]:
    """A draft letter built from the chart (kind: discharge_letter, outpatient_report,
    diary_report); ``texts``: the physician's free-text sections."""
    created = services.letter_draft_create(
        **acting(request),
        patient_id=patient_id,
        kind=payload.kind,
        encounter_id=payload.encounter_id,
        day=payload.day,
        texts=payload.texts,
        channel="api",
    )
    return Status(201, letter_out(created))


@router.get("/{patient_id}/letters/{letter_id}", response=LetterOut)
@api_perm(VIEW)
def letter(request: HttpRequest, patient_id: int, letter_id: int) -> LetterOut:
    return letter_out(_letter(request, patient_id, letter_id))


@router.put("/{patient_id}/letters/{letter_id}", response=LetterOut)
@api_perm(WRITE)
def letter_update(
    request: HttpRequest, patient_id: int, letter_id: int, payload: LetterUpdateIn
) -> LetterOut:
    """Save the free text of a draft (``refresh``: gather the chart's data again); a
    signed letter: 409 ``letter_signed``."""
    found = _letter(request, patient_id, letter_id)
    updated = services.letter_draft_update(
        **acting(request),
        letter_id=found.pk,
        texts=payload.texts,
        expected_version=payload.expected_version,
        refresh=payload.refresh,
    )
    return letter_out(updated)


@router.post("/{patient_id}/letters/{letter_id}/sign", response=LetterOut)
@api_perm(SIGN)
def letter_sign(
    request: HttpRequest, patient_id: int, letter_id: int, payload: VersionIn
) -> LetterOut:
    """Sign (PAdES) and archive; refused with 409 ``chart_changed`` when the chart no
    longer holds what the draft shows."""
    found = _letter(request, patient_id, letter_id)
    signed = services.letter_sign(
        **acting(request),
        letter_id=found.pk,
        expected_version=payload.expected_version,
    )
    return letter_out(signed)


@router.post("/{patient_id}/letters/{letter_id}/corrections", response={201: LetterOut})
@api_perm(SIGN)
def letter_correct(
    request: HttpRequest, patient_id: int, letter_id: int, payload: CorrectionIn
) -> Status[LetterOut]:
    """Start the correction of a signed letter: a new draft version with the reason."""
    found = _letter(request, patient_id, letter_id)
    created = services.letter_correct(**acting(request), letter_id=found.pk, reason=payload.reason)
    return Status(201, letter_out(created))


# --- tumour boards ------------------------------------------------------------------------------


def _board(request: HttpRequest, patient_id: int, board_id: int) -> TumourBoard:
    return selectors.board_get(**reading(request), board_id=board_id, patient_id=patient_id)


@router.get("/{patient_id}/tumour-boards", response=list[BoardOut])
@api_perm(VIEW)
def boards(request: HttpRequest, patient_id: int) -> list[BoardOut]:
    found = selectors.patient_boards(**reading(request), patient_id=patient_id)
    return [board_out(b) for b in found]


@router.post("/{patient_id}/tumour-boards", response={201: BoardOut})
@api_perm(WRITE)
def board_record(request: HttpRequest, patient_id: int, payload: BoardIn) -> Status[BoardOut]:
    """Record a multidisciplinary meeting (a draft until signed)."""
    created = services.board_record(
        **acting(request),
        patient_id=patient_id,
        data=board_input(payload),
    )
    return Status(201, board_out(created))


@router.get("/{patient_id}/tumour-boards/{board_id}", response=BoardOut)
@api_perm(VIEW)
def board(request: HttpRequest, patient_id: int, board_id: int) -> BoardOut:
    return board_out(_board(request, patient_id, board_id))


@router.put("/{patient_id}/tumour-boards/{board_id}", response=BoardOut)
@api_perm(WRITE)
def board_update(
    request: HttpRequest, patient_id: int, board_id: int, payload: BoardUpdateIn
) -> BoardOut:
    found = _board(request, patient_id, board_id)
    updated = services.board_update(
        **acting(request),
        board_id=found.pk,
        data=board_input(payload),
        expected_version=payload.expected_version,
    )
    return board_out(updated)


@router.post("/{patient_id}/tumour-boards/{board_id}/sign", response=BoardOut)
@api_perm(SIGN)
def board_sign(
    request: HttpRequest, patient_id: int, board_id: int, payload: VersionIn
) -> BoardOut:
    """Close the meeting: minutes signed (PAdES) and archived; read-only from then on."""
    found = _board(request, patient_id, board_id)
    signed = services.board_sign(
        **acting(request),
        board_id=found.pk,
        expected_version=payload.expected_version,
    )
    return board_out(signed)


PDF_ANSWER = {
    "responses": {
        200: {"description": "The stay's diary, archived.", "content": {"application/pdf": {}}}
    }
}


@router.get("/{patient_id}/stay-diary.pdf", openapi_extra=PDF_ANSWER)
@api_perm(VIEW)
def stay_diary_pdf(request: HttpRequest, patient_id: int, encounter_id: int) -> HttpResponse:
    """The clinical diary of one stay of the patient (the current entries written during
    it, oldest first) through the editable template ``discharge_diary``, archived unsigned
    with its template version as the patient's document; the PDF answered is the archived
    copy, whose id is in ``X-Corsia-Document``. An unknown stay, another patient's or one
    masked from the caller: 404 ``encounter_not_found``; an unknown patient 404
    ``patient_not_found``; no ``encounter_id``: 422 ``validation_failed``."""
    document = stay_diary_print(
        **acting(request), patient_id=patient_id, encounter_id=encounter_id, channel="api"
    )
    response = HttpResponse(bytes(document.content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="diario-ricovero-{encounter_id}.pdf"'
    response["X-Corsia-Document"] = str(document.pk)
    return response
