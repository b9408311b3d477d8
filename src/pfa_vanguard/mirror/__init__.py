"""The baseline: the PEMS mirror's read side (encoded-record snapshots for the merged read)."""
