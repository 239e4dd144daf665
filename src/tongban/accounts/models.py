"""People, enterprises, departments, roles and device identities."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models

from tongban.core.ids import (
    id_digest,
    validate_id_number,
    validate_phone,
    validate_region_code,
    validate_uscc,
)
from tongban.core.models import EnglishNamed


class Role(models.TextChoices):
    APPLICANT = "applicant", "申请人"
    AGENT = "agent", "帮办代办员"
    CLERK = "clerk", "综合窗口人员"
    REVIEWER = "reviewer", "审批人员"
    INSPECTOR = "inspector", "现场核查人员"
    HALL_MANAGER = "hall_manager", "大厅管理员"
    DATA_STEWARD = "data_steward", "数据管理员"
    ADMINISTRATOR = "administrator", "系统管理员"


# Roles whose work needs full ID numbers and phones (always with an audited reveal).
ROLES_NEEDING_PERSONAL_INFO = frozenset({Role.CLERK, Role.REVIEWER, Role.ADMINISTRATOR})
STAFF_ROLES = frozenset(set(Role) - {Role.APPLICANT})


class Department(EnglishNamed):
    code = models.SlugField("部门编码", max_length=40, unique=True)
    name = models.CharField("部门全称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=30)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, blank=True, validators=[validate_uscc]
    )
    region_code = models.CharField("行政区划代码", max_length=6, validators=[validate_region_code])
    address = models.CharField("办公地址", max_length=200, blank=True)
    phone = models.CharField("咨询电话", max_length=30, blank=True)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["order", "code"]

    @property
    def local_short_name(self) -> str:
        """The short name; in English, the English name (there is no short English one)."""
        english = self.local_name
        return english if english != self.name else self.short_name

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """Any person with an account: a citizen, an enterprise's handler, or staff."""

    real_name = models.CharField("姓名", max_length=50, blank=True)
    id_number = models.CharField(
        "公民身份号码",
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_id_number],
    )
    # A keyed digest of the ID number (`id_digest`): staff find a person by the number they
    # type without the number appearing in a query, a URL or a log.
    id_number_digest = models.CharField(
        "身份号码摘要", max_length=64, blank=True, db_index=True, editable=False
    )
    phone = models.CharField("手机号码", max_length=20, blank=True, validators=[validate_phone])
    # Staff only: the number a window shows and a rating names (工号), unique where given.
    staff_number = models.CharField("工号", max_length=20, null=True, blank=True, unique=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name="所属部门",
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.real_name or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.id_number_digest = id_digest(self.id_number) if self.id_number else ""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "id_number" in update_fields:
            kwargs["update_fields"] = {*update_fields, "id_number_digest"}
        super().save(*args, **kwargs)

    def role_set(self) -> frozenset[str]:
        cached: frozenset[str] | None = getattr(self, "_role_cache", None)
        if cached is None:
            cached = frozenset(self.role_grants.values_list("role", flat=True))
            self._role_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set() & set(roles))


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField("授予时间", auto_now_add=True)

    class Meta:
        verbose_name = "角色授予"
        verbose_name_plural = "角色授予"
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_user_role")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class Enterprise(models.Model):
    """A legal person (法人) identified by its unified social credit code."""

    name = models.CharField("名称", max_length=200)
    uscc = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, validators=[validate_uscc]
    )
    legal_representative = models.CharField("法定代表人", max_length=50)
    region_code = models.CharField("行政区划代码", max_length=6, validators=[validate_region_code])
    address = models.CharField("住所", max_length=200, blank=True)
    members: models.ManyToManyField[User, EnterpriseMember] = models.ManyToManyField(
        User, through="EnterpriseMember", related_name="enterprises", verbose_name="经办人"
    )

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"

    def __str__(self) -> str:
        return self.name


class EnterpriseMember(models.Model):
    class Capacity(models.TextChoices):
        LEGAL_REPRESENTATIVE = "legal_rep", "法定代表人"
        HANDLER = "handler", "经办人"

    user = models.ForeignKey(User, on_delete=models.CASCADE)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE)
    capacity = models.CharField("身份", max_length=20, choices=Capacity.choices)

    class Meta:
        verbose_name = "企业经办人"
        verbose_name_plural = "企业经办人"
        constraints = [
            models.UniqueConstraint(fields=["user", "enterprise"], name="unique_enterprise_member")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.user} · {self.get_capacity_display()}"


class DeviceIdentity(models.Model):
    """A kiosk, locker or display board: a machine identity with a revocable API key."""

    class Kind(models.TextChoices):
        KIOSK = "kiosk", "自助机"
        LOCKER = "locker", "智能信包箱"
        DISPLAY = "display", "显示屏"
        RATING_PAD = "rating_pad", "窗口评价器"

    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("名称", max_length=100)
    location = models.CharField("位置", max_length=200, blank=True)
    key_id = models.CharField("密钥标识", max_length=24, unique=True)
    key_hash = models.CharField("密钥摘要", max_length=64)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    last_seen_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "设备身份"
        verbose_name_plural = "设备身份"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Delegation(models.Model):
    """委托授权: an applicant authorises an agent (帮办代办员) to apply and follow up on their
    behalf, for some items or all, until a time, revocable; the case rules read it."""

    applicant = models.ForeignKey(User, on_delete=models.CASCADE, related_name="delegations_given")
    agent = models.ForeignKey(User, on_delete=models.CASCADE, related_name="delegations_held")
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, null=True, blank=True, verbose_name="代表企业"
    )
    item_codes = models.JSONField("授权事项（实施编码，空表示全部）", default=list, blank=True)
    valid_from = models.DateTimeField("生效时间")
    valid_until = models.DateTimeField("失效时间")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "委托授权"
        verbose_name_plural = "委托授权"
        indexes = [models.Index(fields=["agent", "applicant"], name="delegation_agent_applicant")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gt=models.F("valid_from")), name="delegation_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.applicant} → {self.agent}"
