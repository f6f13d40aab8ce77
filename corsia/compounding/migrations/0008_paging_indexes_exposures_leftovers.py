# Issue 27: the exposure register and the closed leftovers page by page, the latest first.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("compounding", "0007_device_results_transport_time"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="exposurerecord",
            index=models.Index(fields=["-started_at", "-id"], name="exposure_started_id"),
        ),
        migrations.AddIndex(
            model_name="leftover",
            index=models.Index(
                condition=models.Q(("state", "open"), _negated=True),
                fields=["-expires_at", "-id"],
                name="leftover_closed_expiry",
            ),
        ),
    ]
