"""JSON shapes of the accounts API."""

from ninja import Schema


class MeOut(Schema):
    username: str
    real_name: str
    roles: list[str]
    department: str | None
    id_number: str
    phone: str
    masked: bool


class DeviceOut(Schema):
    kind: str
    name: str
    location: str
