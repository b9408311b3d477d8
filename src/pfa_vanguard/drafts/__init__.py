"""Per-user drafts: saving, listing and discarding (repository + service), commit, conflicts."""
