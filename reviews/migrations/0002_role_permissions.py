from django.db import migrations

from accounts.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial"), ("indicators", "0004_role_permissions")]
    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
