from django.db import migrations

from countries.member_states import load_member_states


def load(apps, schema_editor):
    load_member_states(apps.get_model("countries", "Country"))


class Migration(migrations.Migration):
    dependencies = [("countries", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
