"""Every settings file people write, validated strictly: ``sources.yml`` (``sources``), ``rules/*.yml``
(``rules``), ``brief.yml`` (``brief``), ``semantic.yml`` (``semantic``) and ``notify.yml`` (``notify``), all read by ``loader``,
which reports each problem as ``file:line: field: message``. The stages import their settings from here.
"""

from .loader import HttpAddress, load_yaml
from .rules import Rule, load_rules
from .sources import KIND_DEFAULTS, HttpSettings, SourceConfig, SourcesFile, load_sources

__all__ = ["KIND_DEFAULTS", "HttpAddress", "HttpSettings", "Rule", "SourceConfig", "SourcesFile", "load_rules",
           "load_sources", "load_yaml"]
