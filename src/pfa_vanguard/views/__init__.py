"""Named views of the grid (filters and sort under a name), per user, optionally shared."""
