"""Every settings file people write, validated strictly: ``sources.yml`` (``sources``, with each source
kind's own settings in its module of ``pipeline.fetch.sources``), ``rules/*.yml`` (``rules``),
``brief.yml`` (``brief``), ``semantic.yml`` (``semantic``) and ``notify.yml`` (``notify``, with each
channel kind's own settings in its module of ``pipeline.notify``), all read by ``loader``, which
reports each problem as ``file:line: field: message``. The stages import their settings from here.
"""

from .loader import HttpAddress, load_yaml
from .rules import Rule, load_rules
from .sources import HttpSettings, SourceSettings

__all__ = ["HttpAddress", "HttpSettings", "Rule", "SourceSettings", "load_rules", "load_yaml"]
