"""The PFA domain (docs/domain.md): fields, draft validation and merge, cost and KPI rules."""
