"""The brief stage: a short bilingual brief for every paper entry, written into the entry itself,
then the daily and weekly cross-domain briefs.

For each entry that still needs one, the stage asks the language model (one call per paper, every
configured language at once; ``paper``, or the Batch API: ``batch``), validates the answer
(``schemas``) and writes it into the entry (``entries``): a ``Brief:`` metadata line with the brief
as JSON, ``Brief_status: done`` and, after the ``<!-- brief -->`` marker, the brief as escaped HTML
text. Answers are cached under ``state/brief-cache/`` by model, prompt and request content
(``cache``), so re-running a day makes no API call at all. Without an API key the stage writes an
*extractive* brief instead (``extractive``): sentences quoted from the abstract, labelled as such,
never presented as model output. ``daily`` and ``weekly`` write the cross-domain briefs over the
cards of a radar day or week (``numbering``); ``stage`` runs it all. Only ``stage`` imports the
parts that follow it; ``llm`` is the OpenAI-compatible client every part calls through.  It may
import ``config``, ``archive`` and ``semantic`` (the day's clusters).
"""

from ..config.brief import BriefConfig, load_config
from ..errors import LLMError
from .report import BriefReport
from .settings import Settings, resolve_settings
from .stage import run_brief

__all__ = ["BriefConfig", "BriefReport", "LLMError", "Settings", "load_config", "resolve_settings", "run_brief"]
