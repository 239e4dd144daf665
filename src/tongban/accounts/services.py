"""Writes on people, enterprises, departments, roles and devices; audited personal-info reads."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tongban.accounts.models import (
    Department,
    DeviceIdentity,
    Enterprise,
    EnterpriseMember,
    Role,
    RoleGrant,
    User,
)
from tongban.core.audit import audit_log
from tongban.core.ids import normalize_id_number, normalize_uscc
from tongban.core.masking import mask_id_number, mask_phone


def _full_clean(instance: User | Enterprise | Department | DeviceIdentity) -> None:
    instance.full_clean()


@transaction.atomic
def department_create(
    *,
    code: str,
    name: str,
    short_name: str,
    region_code: str,
    name_en: str = "",
    credit_code: str = "",
    address: str = "",
    phone: str = "",
    order: int = 0,
) -> Department:
    department = Department(
        code=code,
        name=name,
        name_en=name_en,
        short_name=short_name,
        region_code=region_code,
        credit_code=normalize_uscc(credit_code) if credit_code else "",
        address=address,
        phone=phone,
        order=order,
    )
    _full_clean(department)
    department.save()
    audit_log(
        action="department.create",
        obj=department,
        changes={"code": [None, code], "name": [None, name]},
    )
    return department


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    real_name: str,
    roles: Iterable[str] = (Role.APPLICANT,),
    id_number: str = "",
    phone: str = "",
    department: Department | None = None,
    email: str = "",
    staff_number: str = "",
    password_hash: str = "",
) -> User:
    """Create a person's account; every field is validated before anything is written.
    `password_hash`: the password already hashed (the demo city's many accounts share one
    published password, checked and hashed once: Argon2 is slow by design)."""
    user = User(
        username=username,
        real_name=real_name,
        id_number=normalize_id_number(id_number) if id_number else None,
        phone=phone.strip(),
        department=department,
        email=email,
        staff_number=staff_number.strip() or None,
    )
    errors: dict[str, list[str]] = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not password_hash:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
    role_list = list(dict.fromkeys(roles))
    unknown = [r for r in role_list if r not in Role.values]
    if unknown:
        errors["roles"] = [f"未知角色：{'、'.join(unknown)}"]
    staff_roles = [r for r in role_list if r in (Role.CLERK, Role.REVIEWER, Role.DATA_STEWARD)]
    if staff_roles and department is None:
        errors["department"] = ["窗口、审批和数据管理人员必须属于一个部门"]
    if errors:
        raise ValidationError(errors)
    if password_hash:
        user.password = password_hash
    else:
        user.set_password(password)
    _apply_admin_flags(user, set(role_list))
    user.save()
    RoleGrant.objects.bulk_create(RoleGrant(user=user, role=r) for r in role_list)
    audit_log(
        action="user.create",
        obj=user,
        changes={
            "username": [None, username],
            "roles": [None, role_list],
            "department": [None, department.code if department else None],
            # The audit log is itself read by people: personal information stays masked here.
            "id_number": [None, mask_id_number(user.id_number or "")],
            "phone": [None, mask_phone(user.phone)],
        },
    )
    return user


def _apply_admin_flags(user: User, roles: set[str]) -> None:
    """The Django admin is for administrators (everything) and hall managers (the catalog)."""
    user.is_superuser = Role.ADMINISTRATOR in roles
    user.is_staff = bool(roles & {Role.ADMINISTRATOR, Role.HALL_MANAGER})


def _roles_changed(user: User) -> None:
    user.__dict__.pop("_role_cache", None)
    _apply_admin_flags(user, set(user.role_grants.values_list("role", flat=True)))
    user.save(update_fields=["is_staff", "is_superuser"])


@transaction.atomic
def role_grant(*, user: User, role: str) -> RoleGrant:
    if role not in Role.values:
        raise ValidationError({"role": [f"未知角色：{role}"]})
    grant, created = RoleGrant.objects.get_or_create(user=user, role=role)
    if created:
        _roles_changed(user)
        audit_log(action="user.role_grant", obj=user, changes={"role": [None, role]})
    return grant


@transaction.atomic
def role_revoke(*, user: User, role: str) -> None:
    deleted, _ = RoleGrant.objects.filter(user=user, role=role).delete()
    if deleted:
        _roles_changed(user)
        audit_log(action="user.role_revoke", obj=user, changes={"role": [role, None]})


@transaction.atomic
def enterprise_register(
    *,
    name: str,
    uscc: str,
    legal_representative: str,
    region_code: str,
    address: str = "",
    handler: User | None = None,
    capacity: str = EnterpriseMember.Capacity.HANDLER,
) -> Enterprise:
    enterprise = Enterprise(
        name=name,
        uscc=normalize_uscc(uscc),
        legal_representative=legal_representative,
        region_code=region_code,
        address=address,
    )
    _full_clean(enterprise)
    enterprise.save()
    if handler is not None:
        EnterpriseMember.objects.create(user=handler, enterprise=enterprise, capacity=capacity)
    audit_log(
        action="enterprise.register",
        obj=enterprise,
        changes={
            "name": [None, name],
            "uscc": [None, enterprise.uscc],
            "handler": [None, handler.username if handler else None],
        },
    )
    return enterprise


# --- devices -------------------------------------------------------------------------------

DEVICE_KEY_SCHEME = "Device"
LAST_SEEN_RESOLUTION = dt.timedelta(minutes=1)


def _key_digest(secret: str) -> str:
    # The secret is 32 random bytes, so a plain SHA-256 is enough (no password stretching needed).
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedDeviceKey:
    device: DeviceIdentity
    api_key: str  # shown once; only its digest is stored


@transaction.atomic
def device_register(*, kind: str, name: str, location: str = "") -> IssuedDeviceKey:
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    device = DeviceIdentity(
        kind=kind, name=name, location=location, key_id=key_id, key_hash=_key_digest(secret)
    )
    _full_clean(device)
    device.save()
    audit_log(
        action="device.register",
        obj=device,
        changes={"kind": [None, kind], "name": [None, name], "key_id": [None, key_id]},
    )
    return IssuedDeviceKey(device=device, api_key=f"{key_id}.{secret}")


@transaction.atomic
def device_rekey(*, device: DeviceIdentity) -> IssuedDeviceKey:
    """A new key for a device whose key was lost or exposed; the old key stops working."""
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    DeviceIdentity.objects.filter(pk=device.pk).update(key_id=key_id, key_hash=_key_digest(secret))
    device.refresh_from_db()
    audit_log(action="device.rekey", obj=device, changes={"key_id": [None, key_id]})
    return IssuedDeviceKey(device=device, api_key=f"{key_id}.{secret}")


@transaction.atomic
def device_revoke(*, device: DeviceIdentity) -> DeviceIdentity:
    if device.revoked_at is None:
        device.revoked_at = timezone.now()
        device.save(update_fields=["revoked_at"])
        audit_log(action="device.revoke", obj=device, changes={"revoked_at": [None, "now"]})
    return device


def device_authenticate(api_key: str) -> DeviceIdentity | None:
    """The active device holding this key, or None. Constant-time comparison of digests."""
    key_id, _, secret = api_key.strip().partition(".")
    if not key_id or not secret:
        return None
    device = DeviceIdentity.objects.filter(key_id=key_id).first()
    if device is None or not hmac.compare_digest(device.key_hash, _key_digest(secret)):
        return None
    if device.revoked_at is not None:
        return None
    now = timezone.now()
    if device.last_seen_at is None or now - device.last_seen_at > LAST_SEEN_RESOLUTION:
        # At most one write a minute per device: a busy kiosk's every call is not a write.
        DeviceIdentity.objects.filter(pk=device.pk).update(last_seen_at=now)
    return device


# --- personal information ------------------------------------------------------------------

PERSONAL_FIELDS = ("id_number", "phone")


@transaction.atomic
def personal_info_reveal(*, viewer: User, subject: User, reason: str) -> dict[str, str]:
    """The full ID number and phone of `subject`, for a viewer whose role needs them; audited."""
    if not viewer.has_perm("accounts.view_personal_info", subject):
        raise PermissionDenied("无权查看完整个人信息")
    if not reason.strip():
        raise ValidationError({"reason": ["查看完整个人信息须说明事由"]})
    audit_log(
        action="personal_info.reveal",
        obj=subject,
        changes={"fields": [None, list(PERSONAL_FIELDS)], "reason": [None, reason.strip()]},
    )
    return {"id_number": subject.id_number or "", "phone": subject.phone}


def personal_info_masked(subject: User) -> dict[str, str]:
    return {
        "id_number": mask_id_number(subject.id_number or ""),
        "phone": mask_phone(subject.phone),
    }


# --- sign-in events ------------------------------------------------------------------------


def auth_event_record(*, action: str, username: str, user: User | None = None) -> None:
    """Sign-ins, sign-outs and failed attempts in the audit chain (never the password)."""
    from tongban.core.context import Actor

    actor = Actor(id=f"user:{user.pk}", label=user.username) if user else Actor("anonymous", "匿名")
    audit_log(
        action=action,
        object_type="accounts.user",
        object_id=str(user.pk) if user else "",
        changes={"username": [None, username[:150]]},
        actor=actor,
    )
