"""Accounts API: the signed-in person (masked) and the calling device."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router
from ninja.security import HttpBearer, SessionAuth

from tongban.accounts.models import DeviceIdentity
from tongban.accounts.requests import request_device, request_user
from tongban.accounts.schemas import DeviceOut, MeOut
from tongban.accounts.services import DEVICE_KEY_SCHEME, device_authenticate, personal_info_masked

router = Router(tags=["账户 accounts"])


class DeviceKeyAuth(HttpBearer):
    """`Authorization: Device <key id>.<secret>` — a machine identity, never a person."""

    openapi_scheme = DEVICE_KEY_SCHEME.lower()

    def __call__(self, request: HttpRequest) -> DeviceIdentity | None:
        header = request.headers.get("Authorization", "")
        scheme, _, key = header.partition(" ")
        if scheme != DEVICE_KEY_SCHEME or not key:
            return None
        return self.authenticate(request, key)

    def authenticate(self, request: HttpRequest, token: str) -> DeviceIdentity | None:
        return device_authenticate(token)


@router.get("/me", response=MeOut, auth=SessionAuth(), summary="当前用户（个人信息脱敏）")
def me(request: HttpRequest) -> dict[str, object]:
    user = request_user(request)
    return {
        "username": user.username,
        "real_name": user.real_name,
        "roles": sorted(user.role_set()),
        "department": user.department.name if user.department else None,
        **personal_info_masked(user),
        "masked": True,
    }


@router.get("/devices/me", response=DeviceOut, auth=DeviceKeyAuth(), summary="当前设备身份")
def device_me(request: HttpRequest) -> DeviceIdentity:
    device = request_device(request)
    if device is None:  # pragma: no cover - DeviceKeyAuth admits devices only
        raise PermissionDenied("请提供有效的设备密钥")
    return device
