"""The diary's, the vital signs' and the laboratory results' indexes whole for their pages (issue 27): the patient,
newest first, the id last (the pages' total order)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0010_merge_movable"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="diaryentry", name="diary_by_patient"),
        migrations.AddIndex(
            model_name="diaryentry",
            index=models.Index(
                fields=["patient", "-written_at", "-id"], name="diary_by_patient_id"
            ),
        ),
        migrations.RemoveIndex(model_name="labresult", name="lab_by_patient"),
        migrations.AddIndex(
            model_name="labresult",
            index=models.Index(
                fields=["patient", "-collected_at", "-id"], name="lab_by_patient_id"
            ),
        ),
        migrations.RemoveIndex(model_name="vitalsigns", name="vitals_by_patient"),
        migrations.AddIndex(
            model_name="vitalsigns",
            index=models.Index(
                fields=["patient", "-measured_at", "-id"], name="vitals_by_patient_id"
            ),
        ),
    ]
