# Issue 27: the access log searched by patient or by user, the newest first, page by page:
# (patient, id) replaces the patient's own index, (username, id) added.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0006_chain_heads_by_shard_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="accesslogentry",
            name="patient_id",
            field=models.BigIntegerField(),
        ),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(fields=["patient_id", "id"], name="accesslog_patient_id"),
        ),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(fields=["username", "id"], name="accesslog_username_id"),
        ),
    ]
