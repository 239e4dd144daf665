"""The demo city's one published password: every demo account signs in with it."""

DEMO_PASSWORD = "Tongban-Demo-2026"  # noqa: S105 — a published demo login, not a secret
