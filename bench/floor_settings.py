"""The product's settings with one bench-only route added (see floor_urls)."""

from tongban.settings import *  # noqa: F403

ROOT_URLCONF = "floor_urls"
