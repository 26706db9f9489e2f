# Settings for publishing (GitHub Pages): everything from pelicanconf.py, plus what a
# public build needs. Set ACADEMICHUB_SITEURL to the public address, e.g.
# https://<user>.github.io/<repository>.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # this radar's pelicanconf.py, first
from pelicanconf import *  # noqa: E402,F401,F403
from pipeline.environment import Environment  # noqa: E402

SITEURL = (Environment.read().siteurl or "https://academichub.github.io/academichub").rstrip("/")
FEED_DOMAIN = SITEURL
# The output folder is kept between builds: pages whose inputs did not change are not rendered
# again, and pages of entries that are gone are pruned, so it always equals a clean build.
DELETE_OUTPUT_DIRECTORY = False
