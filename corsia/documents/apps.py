from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "corsia.documents"
    label = "documents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A patient merge re-points this module's rows (corsia.patients.merging).
        from corsia.documents import merge as _merge
        from corsia.patients.merging import merge_hook_register

        merge_hook_register(module="documents", move=_merge.move, move_back=_merge.move_back)
