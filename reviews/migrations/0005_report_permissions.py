from django.db import migrations

from accounts.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [("reviews", "0004_reports")]
    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
