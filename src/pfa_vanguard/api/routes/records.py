"""Routes of the records area (filled in by later steps)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["records"])
