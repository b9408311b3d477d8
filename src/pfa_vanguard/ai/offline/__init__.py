"""The offline provider: plain-language questions to SQL without a model (deterministic)."""

from pfa_vanguard.ai.offline.phrases import Vocabulary
from pfa_vanguard.ai.offline.translator import OfflineProvider, translate

__all__ = ["OfflineProvider", "Vocabulary", "translate"]
