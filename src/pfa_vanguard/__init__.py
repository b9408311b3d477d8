"""PFA Vanguard: a Cached Mirror + Delta data platform in front of PEMS (HxGN EAM)."""

__version__ = "0.1.0"
