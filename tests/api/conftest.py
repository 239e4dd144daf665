"""The API's cross-cutting tests use the hall's fixtures too (a hall with a kiosk)."""

from tests.hall.conftest import hall_clerk, hs, second_clerk

__all__ = ["hall_clerk", "hs", "second_clerk"]
