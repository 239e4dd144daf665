"""The demo city's last mile: two locker banks on the simulator (the article's 国际港务区 bank
and one at the 新城区 centre), and a staff credential for the window clerk, who also takes
results to the door. The demo courier needs no seeding: it is a registered plugin."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from tongban.delivery.models import LockerBank, LockerCredential
from tongban.delivery.services.credentials import credential_issue
from tongban.delivery.services.setup import locker_bank_setup

BANKS = [
    (
        "gwq-01",
        "国际港务区信包箱01",
        "国际港务区政务服务中心一楼东门（24小时开放）",
        "610111",
        ["S"] * 4 + ["M"] * 6 + ["L"] * 2,
    ),
    ("xc-01", "新城区政务服务中心信包箱", "新城区政务服务中心大厅入口", "610102", ["M"] * 8),
]


def demo_delivery_seed() -> dict[str, str]:
    """Set up what is missing; returns the keys and PINs made now (shown once)."""
    people = get_user_model().objects
    manager = people.filter(username="manager").first()
    clerk = people.filter(username="clerk").first()
    shown: dict[str, str] = {}
    for code, name, place, region, sizes in BANKS:
        if LockerBank.objects.filter(code=code).exists():
            continue
        _bank, key = locker_bank_setup(
            code=code,
            name=name,
            place=place,
            sizes=sizes,
            region_code=region,
            staff=[manager] if manager else [],
        )
        shown[f"{name}（设备密钥）"] = key
    if (
        manager is not None
        and clerk is not None
        and not LockerCredential.objects.filter(holder=clerk, revoked_at__isnull=True).exists()
    ):
        credential, pin = credential_issue(actor=manager, holder=clerk, kind="staff")
        shown[f"信包箱工作人员凭证（{clerk}）"] = f"凭证号 {credential.number}  口令 {pin}"
    return shown
