"""Public JSON shapes of the catalog API."""

from ninja import Schema


class DepartmentOut(Schema):
    code: str
    name: str
    short_name: str
    item_count: int


class LifeEventOut(Schema):
    code: str
    name: str
    audience: str


class ItemSummaryOut(Schema):
    code: str
    version: int
    name: str
    name_en: str = ""  # the English name, where the catalogue gives one
    department: str
    item_type: str
    item_type_label: str
    audience: str
    legal_limit_days: int
    promised_limit_days: float
    visits_required: int
    online_depth: int
    url: str


class ItemPageOut(Schema):
    count: int
    items: list[ItemSummaryOut]


class LegalBasisOut(Schema):
    key: str
    law: str
    article: str


class ConditionOut(Schema):
    text: str
    legal_basis: str | None


class OptionOut(Schema):
    code: str
    label: str


class SituationOut(Schema):
    code: str
    question: str
    options: list[OptionOut]


class CatalogMaterialOut(Schema):
    name: str
    requirement: str
    originals: int
    copies: int
    source: str
    source_label: str
    applies_when: list[str]


class ItemDetailOut(ItemSummaryOut):
    basic_code: str
    summary: str
    case_kind: str
    visits_reason: str
    handling_forms: list[str]
    delivery_modes: list[str]
    fee_charged: bool
    fee_standard: str
    fee_basis: str
    result_name: str
    result_type: str
    location: str
    hours: str
    consult_phone: str
    legal_bases: list[LegalBasisOut]
    conditions: list[ConditionOut]
    situations: list[SituationOut]
    materials: list[CatalogMaterialOut]


class CatalogStatsOut(Schema):
    total: int
    by_type: dict[str, int]
    by_visits: dict[str, int]
    no_visit_share: float | None
    at_most_one_visit_share: float | None
    mean_promised_to_legal: float | None
    total_limit_reduction: float | None
    immediate_items: int
    unbased_precondition_items: int
