"""Render synthetic identity documents (never real people) with a manifest of expected fields:
the fixed test sample under tests/data/ and the OCR benchmark's sets."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from PIL import ImageFilter

from tongban.forms import synthetic as s


def write_samples(
    out: Path, *, cards: int, licences: int, seed: int, degraded: bool
) -> list[dict[str, Any]]:
    """PNG/JPEG files in `out` and their manifest rows (file, kind, variant, expected)."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)  # noqa: S311 — synthetic test images, not secrets
    variants = s.DEGRADATIONS if degraded else ("clean",)
    rows: list[dict[str, Any]] = []

    def save(img: Any, name: str, variant: str, kind: str, expected: dict[str, str]) -> None:
        fmt = "PNG" if variant == "clean" else "JPEG"
        file = f"{name}-{variant}.{fmt.lower().replace('jpeg', 'jpg')}"
        (out / file).write_bytes(s.to_bytes(s.degrade(img, variant, rng), fmt))
        rows.append({"file": file, "kind": kind, "variant": variant, "expected": expected})

    for n in range(cards):
        card = s.random_card(rng)
        expected = s.card_expected(card)
        front = {
            k: expected[k]
            for k in ("name", "sex", "ethnicity", "birth_date", "address", "id_number")
        }
        back = {k: expected[k] for k in ("issuing_authority", "valid_from", "valid_until")}
        for variant in variants:
            save(s.render_card_front(card), f"card{n:03d}-front", variant, "id_card_front", front)
            save(s.render_card_back(card), f"card{n:03d}-back", variant, "id_card_back", back)
    for n in range(licences):
        licence = s.random_licence(rng)
        for variant in variants:
            save(
                s.render_licence(licence),
                f"licence{n:03d}",
                variant,
                "business_licence",
                s.licence_expected(licence),
            )
    (out / "manifest.json").write_text(
        json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return rows


def write_bad_samples(out: Path, seed: int) -> None:
    """The documents that must be refused or flagged: not a document, a bad checksum, expired."""
    rng = random.Random(seed)  # noqa: S311 — synthetic test images, not secrets
    out.mkdir(parents=True, exist_ok=True)
    (out / "not-a-document.png").write_bytes(s.to_bytes(s.render_not_a_document(rng)))
    bad = s.with_bad_checksum(s.random_card(rng))
    (out / "bad-checksum-front.png").write_bytes(s.to_bytes(s.render_card_front(bad)))
    old = s.expired(s.random_card(rng))
    (out / "expired-back.png").write_bytes(s.to_bytes(s.render_card_back(old)))
    blurred = s.render_card_front(s.random_card(rng)).filter(ImageFilter.GaussianBlur(9))
    (out / "very-blurred-front.jpg").write_bytes(s.to_bytes(blurred, "JPEG"))


class Command(BaseCommand):
    help = "生成合成证件图片（虚构人员）及其预期字段，用于测试和识别基准"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path)
        parser.add_argument("--cards", type=int, default=3)
        parser.add_argument("--licences", type=int, default=1)
        parser.add_argument("--seed", type=int, default=20261128)
        parser.add_argument("--degraded", action="store_true")
        parser.add_argument("--bad", action="store_true", help="也生成应被拒绝或标出的样本")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = write_samples(
            options["out"],
            cards=options["cards"],
            licences=options["licences"],
            seed=options["seed"],
            degraded=options["degraded"],
        )
        if options["bad"]:
            write_bad_samples(options["out"], options["seed"])
        self.stdout.write(f"{len(rows)} 张样本已写入 {options['out']}")
