"""docs/how-to/theming.md says what each template receives: a radar's build checks it against what Pelican and the
site plugin really give each template."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import jinja2
from radar import ROOT, make_radar

from pipeline.site import build

DOC = ROOT / "docs" / "how-to" / "theming.md"
THEME = ROOT / "pipeline" / "site" / "theme" / "templates"


def documented() -> tuple[set[str], dict[str, set[str]]]:
    """The names every template receives, and each template's own, as docs/how-to/theming.md lists them."""
    text = DOC.read_text(encoding="utf-8").split("## What each template receives", 1)[1]
    common_part, *sections = re.split(r"^### ", text, flags=re.M)[1:]
    common = set(re.findall(r"^\| `(\w+)` \|", common_part, re.M))
    own = {}
    for section in sections:
        name = re.match(r"`([\w.]+)`", section).group(1)
        receives = re.search(r"Receives(?: nothing of its own|: (.*?)\.(?:\s|$))", section, re.S)
        assert receives, f"docs/how-to/theming.md: say what {name} receives"
        own[name] = set(re.findall(r"`(\w+)`", receives.group(1) or ""))
    return common, own


def test_the_documented_context_is_what_each_template_receives(tmp_path, monkeypatch):
    radar = make_radar(
        tmp_path / "radar",
        "--name",
        "Context Radar",
        "--language",
        "en",
        "--topics",
        "quantum-information,language-models",
    )
    settings = radar / "pelicanconf.py"
    settings.write_text(settings.read_text() + "AUTHOR_PAGE_MIN_PAPERS = 1  # every template is rendered\n")
    given: dict[str, set[str]] = defaultdict(set)
    every: dict[str, set[str] | None] = defaultdict(lambda: None)
    render = jinja2.Template.render

    def recording(self, *args, **kwargs):
        names = {name for name in dict(*args, **kwargs) if not name.isupper()}
        given[self.name] |= names
        every[self.name] = names if every[self.name] is None else every[self.name] & names
        return render(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", recording)
    build(
        radar / "content",
        radar / "output",
        settings_file=settings,
        rules=radar / "rules",
        state=radar / "state",
        search=False,
    )

    common, own = documented()
    pages = {p.name for p in THEME.glob("*.html") if not p.name.startswith("_")} - {"base.html"}
    assert set(own) == pages, "docs/how-to/theming.md has a section for every page template, and only for them"
    assert set(given) == pages, f"not rendered: {pages - set(given)}"
    for template in sorted(pages):
        # what the page documents, it receives every time it is rendered ...
        missing = (common | own[template]) - every[template]
        assert not missing, f"{template}: documented, not given: {sorted(missing)}"
        # ... and nothing it receives is left undocumented
        unlisted = given[template] - common - own[template]
        assert not unlisted, f"{template}: given, not in docs/how-to/theming.md: {sorted(unlisted)}"


def test_the_theme_named_in_the_docs_is_the_packages():
    from pipeline.site import defaults

    assert Path(defaults.THEME).resolve() == THEME.parent.resolve()
    assert "THEME_TEMPLATES_OVERRIDES" in DOC.read_text() and defaults.THEME_TEMPLATES_OVERRIDES == ["templates"]
