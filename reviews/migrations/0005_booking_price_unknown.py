"""A booking's price is null when the LGA had set none: a charged booking stored at £0 was one
whose price was not known (the field defaulted to 0), so it becomes "to be confirmed"."""

from django.db import migrations, models


def unknown_prices_to_null(apps, schema_editor):
    Booking = apps.get_model("reviews", "Booking")
    Booking.objects.exclude(charging_basis="free").filter(price_pence=0).update(price_pence=None)


def null_prices_to_zero(apps, schema_editor):
    Booking = apps.get_model("reviews", "Booking")
    Booking.objects.filter(price_pence__isnull=True).update(price_pence=0)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0004_booking_history_row_once")]

    operations = [
        migrations.AlterField(
            model_name="booking",
            name="price_pence",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(unknown_prices_to_null, null_prices_to_zero),
    ]
