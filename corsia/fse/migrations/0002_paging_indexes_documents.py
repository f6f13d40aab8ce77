# Issue 27: the FSE documents page by page, the newest first, of every state or of one.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("fse", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="fsedocument",
            index=models.Index(fields=["-created_at", "-id"], name="fse_created_id"),
        ),
        migrations.AddIndex(
            model_name="fsedocument",
            index=models.Index(fields=["state", "-created_at", "-id"], name="fse_state_created_id"),
        ),
    ]
