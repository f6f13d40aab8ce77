"""The anamnesis: four sections, versioned (each save is a new signed version; the
previous ones stay readable); and the "raccordo anamnestico", the dated note written at
each access about what happened since the last one (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.concurrency import LastChange, ensure_current
from corsia.core.domain.errors import ValidationFailed
from corsia.records.domain.text import clinical_text


class Section(LabelledCode):
    FAMILY = "family", "Anamnesi familiare"
    PHYSIOLOGICAL = "physiological", "Anamnesi fisiologica e ambientale"
    RECENT_PATHOLOGICAL = "recent_pathological", "Anamnesi patologica prossima"
    REMOTE_PATHOLOGICAL = "remote_pathological", "Anamnesi patologica remota"


SECTION_LABELS_IT: dict[Section, str] = Section.labels_it()


@dataclass(frozen=True)
class Sections:
    family: str = ""
    physiological: str = ""
    recent_pathological: str = ""
    remote_pathological: str = ""

    def text(self, section: Section) -> str:
        found: str = getattr(self, section.value)
        return found


def checked_sections(raw: Sections) -> Sections:
    """Each section cleaned (may be empty); at least one written."""
    clean = Sections(
        **{s.value: clinical_text(raw.text(s), field=s.value, required=False) for s in Section}
    )
    if not any(clean.text(s) for s in Section):
        raise ValidationFailed(
            "Scrivi almeno una sezione dell'anamnesi.", code="anamnesis_empty", field="family"
        )
    return clean


def ensure_latest(*, expected_version: int, current: int, by: str, at: datetime | None) -> None:
    """The form was built from the latest version (0: there was none yet)."""
    if at is None:  # no version yet: only 0 is current
        at = datetime.min.replace(tzinfo=UTC)
    ensure_current(
        expected_version=expected_version, current=LastChange(version=current, by=by, at=at)
    )
