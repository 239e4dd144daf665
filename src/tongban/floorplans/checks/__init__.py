"""The checks a jurisdiction's rules call, by name (`CHECKS`): each module registers its own."""

from tongban.floorplans.checks import drawing, flows, zones  # noqa: F401 — they register
from tongban.floorplans.checks.base import CHECKS, check

__all__ = ["CHECKS", "check"]
