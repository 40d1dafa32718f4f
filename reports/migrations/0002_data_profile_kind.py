from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reportjob",
            name="kind",
            field=models.CharField(
                choices=[
                    ("council_profile", "Council summary (PDF)"),
                    ("data_profile", "Council data profile (PDF)"),
                ],
                max_length=40,
            ),
        ),
    ]
