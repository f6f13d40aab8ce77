from django.apps import AppConfig


class NutritionConfig(AppConfig):
    name = "corsia.nutrition"
    label = "nutrition"
    verbose_name = "Nutrizione parenterale"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A patient merge re-points this module's orders (corsia.patients.merging).
        from corsia.nutrition import audit_events  # noqa: F401  # registers the event types
        from corsia.nutrition import merge as _merge
        from corsia.patients.merging import merge_hook_register

        merge_hook_register(module="nutrition", move=_merge.move, move_back=_merge.move_back)
        # The care scope (corsia.patients.scope) reads, from here, whom a user cared for
        # through an NPT order and the patients the pharmacy compounds a bag for.
        from corsia.nutrition.care import (
            nutrition_care_patient_ids,
            nutrition_pharmacy_patient_ids,
        )
        from corsia.patients.scope import care_reader_register, pharmacy_reader_register

        care_reader_register("nutrition.orders", nutrition_care_patient_ids)
        pharmacy_reader_register("nutrition.orders", nutrition_pharmacy_patient_ids)
