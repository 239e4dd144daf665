"""Certificate numbers from a type's rule: `{region}`, `{year}`, `{seq:06d}` and an optional
final `{check}` (ISO 7064 MOD 11-2 over the digits before it, as in ID numbers). The sequence is
per type and year, gap-free: the counter row is locked while the number is taken."""

from __future__ import annotations

import string

from stdnum.iso7064 import mod_11_2

from tongban.certificates.models import CertificateType, NumberCounter

PLACEHOLDERS = {"region", "year", "seq", "check"}


def pattern_problems(pattern: str) -> list[str]:
    """Why a numbering rule cannot be used (in Chinese), or nothing."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError:
        return ["编号规则格式错误（花括号不成对）"]
    problems = []
    if unknown := [n for n in names if n not in PLACEHOLDERS]:
        problems.append(f"编号规则含未知占位符：{'、'.join(unknown)}")
    if "seq" not in names:
        problems.append("编号规则须包含顺序号 {seq}")
    if "check" in names and not pattern.endswith("{check}"):
        problems.append("校验码 {check} 只能在编号末尾")
    if not problems:
        try:
            sample = number_format(pattern, region="610100", year=2026, seq=1)
        except (ValueError, KeyError, IndexError):
            return ["编号规则格式错误"]
        if len(sample) > 40:
            problems.append("编号长度不能超过40位")
    return problems


def check_digit(prefix: str) -> str:
    return str(mod_11_2.calc_check_digit("".join(c for c in prefix if c.isdigit())))


def number_format(pattern: str, *, region: str, year: int, seq: int) -> str:
    body = pattern.removesuffix("{check}")
    number = body.format(region=region, year=year, seq=seq)
    if body != pattern:
        number += check_digit(number)
    return number


def number_checks(pattern: str, number: str) -> bool:
    """Whether a number's check character (if its rule has one) is right."""
    if not pattern.endswith("{check}"):
        return True
    return len(number) > 1 and check_digit(number[:-1]) == number[-1]


# The counter of a rule without {year}: one sequence whatever the year (a per-year sequence
# would repeat last year's numbers).
ALL_YEARS = 0


def number_next(kind: CertificateType, *, year: int, region: str) -> str:
    """Call inside the issuing transaction: the row lock serialises concurrent issues, and a
    rollback gives the number back. The sequence restarts each year only when the rule
    shows the year."""
    sequence = year if "{year" in kind.number_pattern else ALL_YEARS
    NumberCounter.objects.bulk_create(
        [NumberCounter(type=kind, year=sequence)], ignore_conflicts=True
    )
    counter = NumberCounter.objects.select_for_update().get(type=kind, year=sequence)
    counter.last += 1
    counter.save(update_fields=["last"])
    return number_format(kind.number_pattern, region=region, year=year, seq=counter.last)
