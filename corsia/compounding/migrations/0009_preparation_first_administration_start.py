"""Preparations keep the first start of their administration at the bedside (set by
administration's bedside service from now on; backfilled here from the administrations
recorded so far, matched by label like the timing report did): the pharmacy's timing
report reads it in one query. The backfill runs while the history triggers are removed
(a derived value: no history row per preparation)."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


def backfill_first_starts(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Each preparation's first administration start: the earliest ``started_at`` of the
    administrations with its label code (one UPDATE joined to one hash aggregate)."""
    quote = schema_editor.quote_name
    preparation = quote(apps.get_model("compounding", "Preparation")._meta.db_table)
    administration = quote(apps.get_model("administration", "Administration")._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(  # the two table names come from the models, nothing else is text
            f"""
            UPDATE {preparation} AS p SET first_administration_started_at = s.first
            FROM (
                SELECT preparation_ref, min(started_at) AS first FROM {administration}
                WHERE preparation_ref <> '' GROUP BY preparation_ref
            ) AS s
            WHERE p.label_code = s.preparation_ref
            """  # noqa: S608
        )


class Migration(migrations.Migration):
    dependencies = [
        ("compounding", "0008_paging_indexes_exposures_leftovers"),
        ("administration", "0009_pump_awaiting_ack"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="preparation",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="preparation",
            name="update_update",
        ),
        migrations.AddField(
            model_name="preparation",
            name="first_administration_started_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="preparationevent",
            name="first_administration_started_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(backfill_first_starts, migrations.RunPython.noop),
        pgtrigger.migrations.AddTrigger(
            model_name="preparation",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "compounding_preparationevent" ("bag_before_at", "bag_before_by_id", "bag_before_g", "bag_before_reason", "bag_before_scale_id", "bag_before_source", "bag_overfill_ml", "bag_volume_ml", "blocking_reason", "checkout_id", "created_at", "diluent", "dose_mg", "dose_unit", "ended_at", "expiry_at", "final_concentration_mg_ml", "final_volume_ml", "first_administration_started_at", "formulation", "hood_id", "id", "label_code", "order_id", "order_item_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "planned_vials", "product_id", "protect_from_light", "released_at", "released_by_id", "route", "scheduled_date", "session_id", "started_at", "state", "state_reason", "storage", "technician_id", "updated_at", "updated_by_id", "validated_at", "validated_by_id", "version", "volume_to_draw_ml", "warnings") VALUES (NEW."bag_before_at", NEW."bag_before_by_id", NEW."bag_before_g", NEW."bag_before_reason", NEW."bag_before_scale_id", NEW."bag_before_source", NEW."bag_overfill_ml", NEW."bag_volume_ml", NEW."blocking_reason", NEW."checkout_id", NEW."created_at", NEW."diluent", NEW."dose_mg", NEW."dose_unit", NEW."ended_at", NEW."expiry_at", NEW."final_concentration_mg_ml", NEW."final_volume_ml", NEW."first_administration_started_at", NEW."formulation", NEW."hood_id", NEW."id", NEW."label_code", NEW."order_id", NEW."order_item_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."planned_vials", NEW."product_id", NEW."protect_from_light", NEW."released_at", NEW."released_by_id", NEW."route", NEW."scheduled_date", NEW."session_id", NEW."started_at", NEW."state", NEW."state_reason", NEW."storage", NEW."technician_id", NEW."updated_at", NEW."updated_by_id", NEW."validated_at", NEW."validated_by_id", NEW."version", NEW."volume_to_draw_ml", NEW."warnings"); RETURN NULL;',
                    hash="1a1fb30a9811647b03da055c1e139e08d9362e36",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_cb0a0",
                    table="compounding_preparation",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="preparation",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "compounding_preparationevent" ("bag_before_at", "bag_before_by_id", "bag_before_g", "bag_before_reason", "bag_before_scale_id", "bag_before_source", "bag_overfill_ml", "bag_volume_ml", "blocking_reason", "checkout_id", "created_at", "diluent", "dose_mg", "dose_unit", "ended_at", "expiry_at", "final_concentration_mg_ml", "final_volume_ml", "first_administration_started_at", "formulation", "hood_id", "id", "label_code", "order_id", "order_item_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "planned_vials", "product_id", "protect_from_light", "released_at", "released_by_id", "route", "scheduled_date", "session_id", "started_at", "state", "state_reason", "storage", "technician_id", "updated_at", "updated_by_id", "validated_at", "validated_by_id", "version", "volume_to_draw_ml", "warnings") VALUES (NEW."bag_before_at", NEW."bag_before_by_id", NEW."bag_before_g", NEW."bag_before_reason", NEW."bag_before_scale_id", NEW."bag_before_source", NEW."bag_overfill_ml", NEW."bag_volume_ml", NEW."blocking_reason", NEW."checkout_id", NEW."created_at", NEW."diluent", NEW."dose_mg", NEW."dose_unit", NEW."ended_at", NEW."expiry_at", NEW."final_concentration_mg_ml", NEW."final_volume_ml", NEW."first_administration_started_at", NEW."formulation", NEW."hood_id", NEW."id", NEW."label_code", NEW."order_id", NEW."order_item_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."planned_vials", NEW."product_id", NEW."protect_from_light", NEW."released_at", NEW."released_by_id", NEW."route", NEW."scheduled_date", NEW."session_id", NEW."started_at", NEW."state", NEW."state_reason", NEW."storage", NEW."technician_id", NEW."updated_at", NEW."updated_by_id", NEW."validated_at", NEW."validated_by_id", NEW."version", NEW."volume_to_draw_ml", NEW."warnings"); RETURN NULL;',
                    hash="8d46068bf84d85e7b6cfb2203b43a0af9376fdf3",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_30a3c",
                    table="compounding_preparation",
                    when="AFTER",
                ),
            ),
        ),
    ]
