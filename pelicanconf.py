# Pelican settings of the AcademicHub project's own radar (local preview and tests).
# `academichub build` reads this file; `academichub build --publish` reads publishconf.py,
# which imports everything here and overrides what publishing needs. The settings every radar
# shares, and what each means, are in pipeline/site/defaults.py; this file sets the project's own.
# Only UPPERCASE names: Pelican reads them as settings.
# Reference: AcademicHub's documentation, Reference → "Site settings".
from pipeline.site.defaults import *  # noqa: F401,F403

SITENAME = "AcademicHub"
SITESUBTITLE = "Academic Intelligence · Curated Daily"
SITE_DESCRIPTION = "AcademicHub gathers the newest literature from journals and preprint servers."
REPOSITORY_URL = REPOSITORY_URL or "https://github.com/academichub/academichub"  # noqa: F405 (from the environment, else the project's)
DEFAULT_LANG = "zh"  # interface language a first visit sees: "zh" or "en"
