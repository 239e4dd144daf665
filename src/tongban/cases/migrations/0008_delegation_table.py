# The delegation table moves to the accounts app (docs/architecture.md): first its table and
# index take the accounts names here, then accounts takes the model (accounts 0002) and the
# case's reference follows it (0009). No row is touched.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_dues_provisional"),
    ]

    operations = [
        migrations.RenameIndex(
            model_name="delegation",
            new_name="delegation_agent_applicant",
            old_name="cases_deleg_agent_i_b9ef1c_idx",
        ),
        migrations.AlterModelTable(name="delegation", table="accounts_delegation"),
    ]
