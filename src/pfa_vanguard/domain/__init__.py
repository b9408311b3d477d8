"""The PFA domain (domain.md): fields, draft validation and merge, cost and KPI rules."""
