"""A radar shared as a link, with hostile values, exported as a rule file in Chromium: `academichub rules
check` accepts the file, and it says exactly what the link chose — no value escapes its YAML string, no
text reaches a comment, and the descriptions stay within the limit however many names the radar holds."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import yaml
from browser import ARGS, CHROMIUM, NO_CHROMIUM, serving
from site_helpers import built_site

from pipeline.config import load_rules

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM)

INJECTED = "x\nexclude:\n  keywords: [llm]\nmin_score: 99"
AUTHORS = [
    'Ellie "The" Pavlick',
    "O'Brien, J. #1",
    f"Name{INJECTED}",
    "Line\u2028Separator and\u0085NEL",
    "Tab\tand\\slash",
    "- &anchor *alias !tag {flow}: [list]",
    "Ünïcødé 张伟 🧪",
    "Del\u007fand\u0080C1\u009fcontrols",
    "N" * 120,
]
KEYWORDS = ["quantum error correction", "a: b", "'quoted'", "%YAML 1.2", "--- document", "k" * 120, "@mention|pipe"]
MUTED = ["muted\nauthor", "x]y"]
TOO_LONG = "z" * 121  # longer than a rule allows: the radar does not hold it


def export(page, base: str, query: str) -> str | None:
    page.goto(f"{base}radar.html?{query}")
    page.locator("#radar-follows").wait_for()
    page.click("#radar-rule")
    if page.locator("#radar-rule-box").is_hidden():
        return None
    text = page.evaluate("() => document.getElementById('radar-yaml').textContent")
    href = page.locator("#radar-pr").get_attribute("href")
    assert parse_qs(urlsplit(href).query)["value"] == [text]  # the pull request gets the same file
    return text


def test_a_hostile_shared_radar_exports_the_rule_it_chose(run_cli, tmp_path, case):
    from playwright.sync_api import sync_playwright

    query = urlencode(
        {
            "topic": ["language-models", INJECTED, "not-a-topic"],
            "author": AUTHORS + [TOO_LONG],
            "keyword": KEYWORDS,
            "mute-author": MUTED,
            "mute-keyword": [INJECTED],
            "like": 'garbage 2604.22038 doi:10.1038/s41586-024-07657-w doi:not"a-doi',
        },
        doseq=True,
    )
    with serving(built_site().output) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        text = export(page, base, query)
        topics_only = export(page, base, "topic=language-models&mute-author=Someone")
        message = page.locator("#radar-message").text_content()
        browser.close()
    assert not errors, errors
    assert topics_only is None and "the topics you follow are rules already" in message

    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "my-radar.yml").write_text(text, encoding="utf-8")
    checked = run_cli("rules", "check", "--rules", str(rules))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    (rule,) = load_rules(rules)
    assert rule.include.authors == AUTHORS and rule.include.keywords == KEYWORDS
    assert rule.exclude.authors == MUTED and rule.exclude.keywords == [INJECTED]
    assert rule.similar_to.papers == ["2604.22038", "10.1038/s41586-024-07657-w"]  # what is not an id, left out
    assert rule.min_score == 1 and rule.id == "my-radar"
    assert set(yaml.safe_load(text)) == {"id", "name", "description", "include", "exclude", "similar_to", "min_score"}
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert re.fullmatch(r"# A curation rule made from a reader's radar on 127\.0\.0\.1:\d+\.", comments[0])
    assert comments[1:] == [
        "# Check the id, name and description, then send it as a pull request.",
        "# the radar also follows these topics, which are rules already: language-models",
        "# the papers rated 👍 on the radar: papers close in content to one of them are selected too",
    ]
    assert len(rule.description.en) <= 200 and len(rule.description.zh) <= 200
    assert rule.description.en.startswith('Papers by Ellie "The" Pavlick, ') and " more" in rule.description.en
    case(
        "radar",
        "a shared radar link with a newline + YAML in topic, author and muted values, quotes, #, &, *, "
        "U+2028, NEL, DEL/C1 controls, 9 authors and 7 keywords (two of 120 characters), a 121-character name, "
        "papers liked by ids that are not ids; "
        "its rule file exported in Chromium, then `rules check`",
        "accepted; the values read back exactly as chosen; no text in a comment; descriptions within 200 characters",
        f"accepted; {len(AUTHORS)} authors, {len(KEYWORDS)} keywords and 3 mutes read back exactly; descriptions "
        f"{len(rule.description.en)} and {len(rule.description.zh)} characters",
    )
