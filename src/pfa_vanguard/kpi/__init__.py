"""KPI board and timeline bounds (docs/domain.md): baseline from the materialized views, the
caller's drafts applied as a delta."""
