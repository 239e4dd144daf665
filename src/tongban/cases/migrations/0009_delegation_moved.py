# The case's delegation now points at accounts.Delegation (the same table, renamed in 0008);
# the cases app forgets the model. Nothing changes in the database.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_delegation_table"),
        ("accounts", "0002_delegation"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="delegation",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        to="accounts.delegation",
                        verbose_name="委托授权",
                    ),
                ),
                migrations.DeleteModel(name="Delegation"),
            ],
        ),
    ]
