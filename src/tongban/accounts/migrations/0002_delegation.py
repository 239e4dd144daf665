# 委托授权 is the accounts app's (docs/architecture.md). The table already exists under this
# name (cases 0008 renamed it): this migration only tells the model's new home.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("cases", "0008_delegation_table"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Delegation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "item_codes",
                            models.JSONField(
                                blank=True,
                                default=list,
                                verbose_name="授权事项（实施编码，空表示全部）",
                            ),
                        ),
                        ("valid_from", models.DateTimeField(verbose_name="生效时间")),
                        ("valid_until", models.DateTimeField(verbose_name="失效时间")),
                        (
                            "revoked_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="撤销时间"),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "agent",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="delegations_held",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "applicant",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="delegations_given",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "enterprise",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                to="accounts.enterprise",
                                verbose_name="代表企业",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "委托授权",
                        "verbose_name_plural": "委托授权",
                        "indexes": [
                            models.Index(
                                fields=["agent", "applicant"], name="delegation_agent_applicant"
                            )
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("valid_until__gt", models.F("valid_from"))),
                                name="delegation_period",
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
