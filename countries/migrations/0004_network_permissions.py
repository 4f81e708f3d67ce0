from django.db import migrations

from accounts.roles import sync_role_groups


class Migration(migrations.Migration):
    # After the latest migration of every app with role permissions, so that all exist.
    dependencies = [
        ("countries", "0003_partners_and_tools"),
        ("accounts", "0002_role_groups"),
        ("indicators", "0005_report_introduction"),
        ("reviews", "0005_report_permissions"),
    ]
    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
