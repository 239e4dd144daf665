"""Synthetic identity documents for tests, the demo and the OCR benchmark. Never real people.

Renders a resident ID card (front: the portrait side; back: the emblem side) and a business
licence with the project's vendored OFL font (Noto Sans SC), then optionally degrades the
image as a phone camera would: rotation (±10°), blur, JPEG compression, uneven light.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import random
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from tongban.core.synthetic import make_id_number, make_uscc

if TYPE_CHECKING:
    from tongban.forms.schema import Field, FormSchema

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "vendor" / "noto-sans-sc-5.3.0"

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "子涵雨桐思远浩然欣怡梓轩宇航佳琪晨曦嘉懿若溪明哲静怡文博语嫣"
ETHNICITIES = ["汉", "汉", "汉", "回", "满", "蒙古", "壮", "苗"]
REGIONS = {
    "610113": ("陕西省西安市雁塔区", "西安市公安局雁塔分局"),
    "610102": ("陕西省西安市新城区", "西安市公安局新城分局"),
    "610103": ("陕西省西安市碑林区", "西安市公安局碑林分局"),
    "610104": ("陕西省西安市莲湖区", "西安市公安局莲湖分局"),
}
ROADS = ["雁塔路", "长安南路", "含光路", "太白北路", "朱雀大街", "科技路", "丈八东路", "东大街"]
SHOPS = ["书香", "墨韵", "知行", "启明", "青禾", "时光"]


@dataclasses.dataclass(frozen=True)
class ResidentCard:
    name: str
    sex: str
    ethnicity: str
    birth_date: dt.date
    address: str
    id_number: str
    issuing_authority: str
    valid_from: dt.date
    valid_until: dt.date | None  # None: 长期


@dataclasses.dataclass(frozen=True)
class BusinessLicence:
    credit_code: str
    name: str
    kind: str
    legal_representative: str
    registered_capital: str
    established: dt.date
    address: str
    scope: str


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def random_card(rng: random.Random) -> ResidentCard:
    region = rng.choice(sorted(REGIONS))
    place, authority = REGIONS[region]
    birth = dt.date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))
    sequence = rng.randint(0, 999)
    number = make_id_number(region, birth, sequence)
    sex = "男" if int(number[16]) % 2 else "女"
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
    road, house = rng.choice(ROADS), rng.randint(1, 299)
    flat = f"{rng.randint(1, 30)}栋{rng.randint(1, 28)}0{rng.randint(1, 4)}室"
    address = f"{place}{road}{house}号{flat}"
    valid_from = dt.date(rng.randint(2016, 2025), rng.randint(1, 12), rng.randint(1, 28))
    age = (valid_from - birth).days // 365
    years = 10 if age < 26 else 20 if age < 46 else None
    return ResidentCard(
        name=name,
        sex=sex,
        ethnicity=rng.choice(ETHNICITIES),
        birth_date=birth,
        address=address,
        id_number=number,
        issuing_authority=authority,
        valid_from=valid_from,
        valid_until=_add_years(valid_from, years) if years else None,
    )


def random_licence(rng: random.Random) -> BusinessLicence:
    region = rng.choice(sorted(REGIONS))
    place, _ = REGIONS[region]
    name = f"西安{rng.choice(SHOPS)}{rng.choice(['书店', '文化', '图书'])}有限公司"
    return BusinessLicence(
        credit_code=make_uscc("91", region, rng.randint(10_000_000, 99_999_999)),
        name=name,
        kind="有限责任公司（自然人独资）",
        legal_representative=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
        registered_capital=f"{rng.choice([10, 20, 50, 100])}万元人民币",
        established=dt.date(rng.randint(2015, 2025), rng.randint(1, 12), rng.randint(1, 28)),
        address=f"{place}{rng.choice(ROADS)}{rng.randint(1, 299)}号",
        scope="图书、报刊零售；文化用品销售；预包装食品销售",
    )


@cache
def _font(size: int, bold: bool = False, latin: bool = False) -> ImageFont.FreeTypeFont:
    subset = "latin" if latin else "chinese-simplified"
    weight = 700 if bold else 400
    return ImageFont.truetype(str(FONT_DIR / f"noto-sans-sc-{subset}-{weight}-normal.woff2"), size)


def _text(
    draw: ImageDraw.ImageDraw,
    xy: tuple[int, int],
    text: str,
    size: int,
    *,
    bold: bool = False,
    fill: tuple[int, int, int] = (20, 20, 20),
    spacing: int = 0,
) -> int:
    """Draw mixed Chinese/Latin text (the vendored font comes in two subsets); returns x after."""
    x, y = xy
    for ch in text:
        font = _font(size, bold, latin=ch.isascii())
        draw.text((x, y), ch, font=font, fill=fill)
        x += int(font.getlength(ch)) + spacing
    return x


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)]


def _date_cn(day: dt.date) -> str:
    return f"{day.year}  年  {day.month}  月  {day.day}  日"


def render_card_front(card: ResidentCard) -> Image.Image:
    img = Image.new("RGB", (856, 540), (236, 242, 246))
    draw = ImageDraw.Draw(img)
    for y in range(0, 540, 6):  # a faint guilloche-like background
        draw.line([(0, y), (856, y + 40)], fill=(226, 234, 240))
    muted = (70, 90, 120)
    _text(draw, (60, 50), "姓名", 26, fill=muted)
    _text(draw, (160, 44), card.name, 36, spacing=4)
    _text(draw, (60, 120), "性别", 26, fill=muted)
    _text(draw, (160, 116), card.sex, 30)
    _text(draw, (270, 120), "民族", 26, fill=muted)
    _text(draw, (370, 116), card.ethnicity, 30)
    _text(draw, (60, 185), "出生", 26, fill=muted)
    _text(draw, (160, 181), _date_cn(card.birth_date), 30)
    _text(draw, (60, 250), "住址", 26, fill=muted)
    for i, line in enumerate(_wrap(card.address, 12)):
        _text(draw, (160, 246 + i * 42), line, 30)
    _text(draw, (60, 450), "公民身份号码", 26, fill=muted)
    _text(draw, (270, 444), card.id_number, 36, spacing=6)
    # the portrait area: a silhouette, never a face
    draw.rounded_rectangle([600, 60, 800, 310], radius=8, fill=(210, 220, 230))
    draw.ellipse([655, 95, 745, 195], fill=(160, 172, 186))
    draw.pieslice([620, 200, 780, 400], 180, 360, fill=(160, 172, 186))
    return img


def render_card_back(card: ResidentCard) -> Image.Image:
    img = Image.new("RGB", (856, 540), (238, 242, 236))
    draw = ImageDraw.Draw(img)
    draw.ellipse([60, 40, 200, 180], outline=(200, 40, 40), width=6)  # the emblem's place
    _text(draw, (260, 70), "中华人民共和国", 44, bold=True, spacing=6)
    _text(draw, (300, 160), "居民身份证", 56, bold=True, spacing=12)
    muted = (70, 90, 120)
    _text(draw, (120, 370), "签发机关", 26, fill=muted)
    _text(draw, (280, 366), card.issuing_authority, 30)
    _text(draw, (120, 440), "有效期限", 26, fill=muted)
    until = f"{card.valid_until:%Y.%m.%d}" if card.valid_until else "长期"
    _text(draw, (280, 436), f"{card.valid_from:%Y.%m.%d}-{until}", 30)
    return img


def render_licence(licence: BusinessLicence) -> Image.Image:
    img = Image.new("RGB", (1200, 850), (252, 250, 244))
    draw = ImageDraw.Draw(img)
    draw.rectangle([20, 20, 1180, 830], outline=(180, 140, 60), width=8)
    _text(draw, (460, 60), "营业执照", 64, bold=True, spacing=16)
    muted = (60, 60, 60)
    _text(draw, (80, 190), "统一社会信用代码", 26, fill=muted)
    _text(draw, (320, 186), licence.credit_code, 32, spacing=4)
    rows = [
        ("名称", licence.name),
        ("类型", licence.kind),
        ("法定代表人", licence.legal_representative),
        ("注册资本", licence.registered_capital),
        ("成立日期", _date_cn(licence.established)),
        ("住所", licence.address),
        ("经营范围", licence.scope),
    ]
    for i, (label, value) in enumerate(rows):
        y = 270 + i * 70
        _text(draw, (80, y), label, 26, fill=muted)
        _text(draw, (260, y - 4), value, 30)
    _text(draw, (760, 760), "登记机关（印）", 26, fill=muted)
    return img


DEGRADATIONS = ("clean", "rotated", "blurred", "jpeg", "uneven_light")


def degrade(img: Image.Image, kind: str, rng: random.Random) -> Image.Image:
    """One of the ways a phone photo or a cheap scanner spoils a document."""
    if kind == "clean":
        return img
    if kind == "rotated":
        angle = rng.uniform(-10, 10)
        return img.rotate(
            angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(120, 120, 120)
        )
    if kind == "blurred":
        return img.filter(ImageFilter.GaussianBlur(rng.uniform(1.0, 1.6)))
    if kind == "jpeg":
        buffer = io.BytesIO()
        img.save(buffer, "JPEG", quality=rng.randint(18, 30))
        return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    if kind == "uneven_light":
        width, height = img.size
        shade = (
            Image.linear_gradient("L").rotate(rng.choice([0, 90, 180, 270])).resize((width, height))
        )
        dark = Image.new("RGB", img.size, (40, 40, 30))
        return Image.composite(img, dark, shade.point(lambda v: 110 + v * 145 // 255))
    raise ValueError(f"unknown degradation {kind!r}")


def to_bytes(img: Image.Image, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    return buffer.getvalue()


# --- synthetic form data (demo city, bench, tests) ----------------------------------------------


def fill_form(
    schema: FormSchema,
    situations: Mapping[str, str],
    given: Mapping[str, Any],
    rng: random.Random,
) -> dict[str, Any]:
    """`given` (e.g. what prefill found) completed with plausible synthetic values for every
    other visible field, so the demo's and the benchmark's applications pass validation."""
    from tongban.forms.schema import is_visible

    data: dict[str, Any] = dict(given)
    for f in schema.fields:
        if f.key in data or f.type == "file" or not is_visible(f, data, situations):
            continue
        if f.type == "table":
            rows = max(f.min_rows, 1)
            data[f.key] = [{c.key: _sample(c, rng) for c in f.columns} for _ in range(rows)]
        else:
            data[f.key] = _sample(f, rng)
    return data


def _sample(f: Field, rng: random.Random) -> Any:
    region = rng.choice(sorted(REGIONS))
    place, _ = REGIONS[region]
    if f.type == "number":
        low = int(f.min) if f.min is not None else 0
        high = int(f.max) if f.max is not None else low + 100
        return str(rng.randint(low, min(high, low + 200)))
    if f.type == "date":
        return dt.date(rng.randint(2015, 2025), rng.randint(1, 12), rng.randint(1, 28)).isoformat()
    if f.type == "choice":
        return rng.choice(f.choices)[0]
    if f.type == "id_number":
        birth = dt.date(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28))
        return make_id_number(region, birth, rng.randint(0, 999))
    if f.type == "credit_code":
        return make_uscc("91", region, rng.randint(10_000_000, 99_999_999))
    if f.type == "phone":
        return f"1{rng.choice([39, 58, 86, 77])}{rng.randint(0, 99_999_999):08d}"
    if f.type == "region":
        return region
    if f.type == "address":
        return f"{place}{rng.choice(ROADS)}{rng.randint(1, 299)}号"
    return (rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN))[: f.max_length]


def card_expected(card: ResidentCard) -> dict[str, str]:
    """What a correct reading of `card` holds, per field."""
    return {
        "name": card.name,
        "sex": card.sex,
        "ethnicity": card.ethnicity,
        "birth_date": card.birth_date.isoformat(),
        "address": card.address,
        "id_number": card.id_number,
        "issuing_authority": card.issuing_authority,
        "valid_from": card.valid_from.isoformat(),
        "valid_until": card.valid_until.isoformat() if card.valid_until else "长期",
    }


def licence_expected(licence: BusinessLicence) -> dict[str, str]:
    return {
        "credit_code": licence.credit_code,
        "company_name": licence.name,
        "company_kind": licence.kind,
        "legal_representative": licence.legal_representative,
        "registered_capital": licence.registered_capital,
        "established": licence.established.isoformat(),
        "company_address": licence.address,
        "scope": licence.scope,
    }


def render_not_a_document(rng: random.Random) -> Image.Image:
    """A photo of something else with text on it (a café menu): must not read as a card."""
    img = Image.new("RGB", (856, 540), (250, 246, 236))
    draw = ImageDraw.Draw(img)
    _text(draw, (320, 40), "今日菜单", 48, bold=True)
    dishes = ["拿铁咖啡", "桂花乌龙", "葱油拌面", "肉夹馍", "凉皮", "酸梅汤"]
    for i, dish in enumerate(rng.sample(dishes, 5)):
        _text(draw, (180, 140 + i * 70), dish, 34)
        _text(draw, (560, 140 + i * 70), f"{rng.randint(8, 38)}元", 34)
    return img


def with_bad_checksum(card: ResidentCard) -> ResidentCard:
    last = card.id_number[-1]
    wrong = "0" if last != "0" else "1"
    return dataclasses.replace(card, id_number=card.id_number[:-1] + wrong)


def expired(card: ResidentCard) -> ResidentCard:
    start = dt.date(2004, card.valid_from.month, card.valid_from.day)
    return dataclasses.replace(card, valid_from=start, valid_until=_add_years(start, 20))
