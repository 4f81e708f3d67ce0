"""Columns for the matrix texts in each language; the English ones start as the texts so far."""

from django.db import migrations, models

# table → the columns whose text becomes the English one (the frozen-matrix trigger is set aside:
# this adds a copy, it changes no matrix).
TEXTS = {
    "indicators_outcome": ["title"],
    "indicators_area": ["title"],
    "indicators_indicator": ["title", "guidance", "unit"],
    "indicators_choiceoption": ["label"],
}
COPY = "".join(
    f"ALTER TABLE {table} DISABLE TRIGGER {table}_frozen;\n"
    f"UPDATE {table} SET {', '.join(f'{c}_en = {c}' for c in columns)};\n"
    "SET CONSTRAINTS ALL IMMEDIATE;\n"
    f"ALTER TABLE {table} ENABLE TRIGGER {table}_frozen;\n"
    for table, columns in TEXTS.items()
)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0005_report_introduction"),
    ]

    operations = [
        migrations.AddField(
            model_name="area",
            name="title_ar",
            field=models.CharField(max_length=300, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="area",
            name="title_en",
            field=models.CharField(max_length=300, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="area",
            name="title_es",
            field=models.CharField(max_length=300, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="area",
            name="title_fr",
            field=models.CharField(max_length=300, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="area",
            name="title_ru",
            field=models.CharField(max_length=300, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="area",
            name="title_zh_hans",
            field=models.CharField(max_length=300, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="choiceoption",
            name="label_ar",
            field=models.CharField(max_length=200, null=True, verbose_name="label"),
        ),
        migrations.AddField(
            model_name="choiceoption",
            name="label_en",
            field=models.CharField(max_length=200, null=True, verbose_name="label"),
        ),
        migrations.AddField(
            model_name="choiceoption",
            name="label_es",
            field=models.CharField(max_length=200, null=True, verbose_name="label"),
        ),
        migrations.AddField(
            model_name="choiceoption",
            name="label_fr",
            field=models.CharField(max_length=200, null=True, verbose_name="label"),
        ),
        migrations.AddField(
            model_name="choiceoption",
            name="label_ru",
            field=models.CharField(max_length=200, null=True, verbose_name="label"),
        ),
        migrations.AddField(
            model_name="choiceoption",
            name="label_zh_hans",
            field=models.CharField(max_length=200, null=True, verbose_name="label"),
        ),
        migrations.AddField(
            model_name="indicator",
            name="guidance_ar",
            field=models.TextField(blank=True, null=True, verbose_name="guidance for focal points"),
        ),
        migrations.AddField(
            model_name="indicator",
            name="guidance_en",
            field=models.TextField(blank=True, null=True, verbose_name="guidance for focal points"),
        ),
        migrations.AddField(
            model_name="indicator",
            name="guidance_es",
            field=models.TextField(blank=True, null=True, verbose_name="guidance for focal points"),
        ),
        migrations.AddField(
            model_name="indicator",
            name="guidance_fr",
            field=models.TextField(blank=True, null=True, verbose_name="guidance for focal points"),
        ),
        migrations.AddField(
            model_name="indicator",
            name="guidance_ru",
            field=models.TextField(blank=True, null=True, verbose_name="guidance for focal points"),
        ),
        migrations.AddField(
            model_name="indicator",
            name="guidance_zh_hans",
            field=models.TextField(blank=True, null=True, verbose_name="guidance for focal points"),
        ),
        migrations.AddField(
            model_name="indicator",
            name="title_ar",
            field=models.CharField(max_length=300, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="indicator",
            name="title_en",
            field=models.CharField(max_length=300, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="indicator",
            name="title_es",
            field=models.CharField(max_length=300, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="indicator",
            name="title_fr",
            field=models.CharField(max_length=300, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="indicator",
            name="title_ru",
            field=models.CharField(max_length=300, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="indicator",
            name="title_zh_hans",
            field=models.CharField(max_length=300, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="indicator",
            name="unit_ar",
            field=models.CharField(blank=True, max_length=60, null=True, verbose_name="unit"),
        ),
        migrations.AddField(
            model_name="indicator",
            name="unit_en",
            field=models.CharField(blank=True, max_length=60, null=True, verbose_name="unit"),
        ),
        migrations.AddField(
            model_name="indicator",
            name="unit_es",
            field=models.CharField(blank=True, max_length=60, null=True, verbose_name="unit"),
        ),
        migrations.AddField(
            model_name="indicator",
            name="unit_fr",
            field=models.CharField(blank=True, max_length=60, null=True, verbose_name="unit"),
        ),
        migrations.AddField(
            model_name="indicator",
            name="unit_ru",
            field=models.CharField(blank=True, max_length=60, null=True, verbose_name="unit"),
        ),
        migrations.AddField(
            model_name="indicator",
            name="unit_zh_hans",
            field=models.CharField(blank=True, max_length=60, null=True, verbose_name="unit"),
        ),
        migrations.AddField(
            model_name="outcome",
            name="title_ar",
            field=models.CharField(max_length=300, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="outcome",
            name="title_en",
            field=models.CharField(max_length=300, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="outcome",
            name="title_es",
            field=models.CharField(max_length=300, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="outcome",
            name="title_fr",
            field=models.CharField(max_length=300, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="outcome",
            name="title_ru",
            field=models.CharField(max_length=300, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="outcome",
            name="title_zh_hans",
            field=models.CharField(max_length=300, null=True, verbose_name="title"),
        ),
        migrations.RunSQL(COPY, migrations.RunSQL.noop),
    ]
