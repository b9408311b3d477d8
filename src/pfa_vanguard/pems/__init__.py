"""PEMS (HxGN EAM) connector: the async client, the alias -> field mapping, and a simulator.

Public surface: `PemsConfig`, `PemsClient`, `WriteResult`, `PemsRecord`, `map_row`,
`load_mapping`, and the errors `PemsError`, `PemsTransientError`, `PemsTerminalError`.
"""

from pfa_vanguard.pems.client import PemsClient, WriteResult
from pfa_vanguard.pems.config import PemsConfig
from pfa_vanguard.pems.errors import PemsError, PemsTerminalError, PemsTransientError
from pfa_vanguard.pems.mapping import FieldMapping, load_mapping, map_row
from pfa_vanguard.pems.records import PemsRecord

__all__ = [
    "FieldMapping",
    "PemsClient",
    "PemsConfig",
    "PemsError",
    "PemsRecord",
    "PemsTerminalError",
    "PemsTransientError",
    "WriteResult",
    "load_mapping",
    "map_row",
]
