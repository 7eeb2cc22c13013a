import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [
        migrations.AddField(
            model_name="outletsettings",
            name="logo",
            field=models.ForeignKey(
                blank=True,
                help_text="The publisher logo search engines and link previews show: at least "
                "112×112 pixels. The site's own mark is used when empty.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="wagtailimages.image",
            ),
        ),
    ]
