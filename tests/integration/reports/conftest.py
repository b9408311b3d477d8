"""The API tests' app and seeded world, for the export tests."""

from __future__ import annotations

from tests.integration.api.conftest import api, world

__all__ = ["api", "world"]
