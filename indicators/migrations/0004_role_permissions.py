from django.db import migrations

from accounts.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [("indicators", "0003_first_cycle"), ("accounts", "0002_role_groups")]
    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
