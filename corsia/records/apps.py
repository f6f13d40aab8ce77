from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "corsia.records"
    label = "records"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The archived PDF of a letter about a masked encounter is hidden like the letter:
        # documents sits below records, so it reads them through the reader registered here.
        from corsia.documents.hidden import hidden_documents_reader_register
        from corsia.records import audit_events  # noqa: F401  # registers the event types
        from corsia.records.selectors_letters import masked_letter_document_ids

        hidden_documents_reader_register("records", masked_letter_document_ids)
        # Signing in the diary is a care relationship (corsia.patients.scope).
        from corsia.patients.scope import care_reader_register
        from corsia.records.care import diary_care_patient_ids

        care_reader_register("records.diary", diary_care_patient_ids)
        # A patient merge re-points this module's rows (corsia.patients.merging).
        from corsia.patients.merging import merge_hook_register
        from corsia.records import merge as _merge

        merge_hook_register(module="records", move=_merge.move, move_back=_merge.move_back)
