# Issue 27: a patient's dose records page by page, the latest given first (the FHIR
# server's MedicationAdministration paged in the database).

import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("therapy", "0002_dose_corrections_cabinet"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="doserecord",
            index=models.Index(
                models.F("patient"),
                models.OrderBy(
                    django.db.models.functions.comparison.Coalesce("given_at", "recorded_at"),
                    descending=True,
                ),
                models.OrderBy(models.F("id"), descending=True),
                name="dose_patient_at",
            ),
        ),
    ]
