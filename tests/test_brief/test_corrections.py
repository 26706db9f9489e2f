"""Corrections by pull request: reviewed ``corrections/`` files laid over briefs (and surviving a
re-brief), ``brief --stale``, and the pre-filled "report a mistake" issue on the built pages."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import fake_openai

from pipeline.brief import prompts
from pipeline.brief.entries import write_entry
from pipeline.brief.report import BriefReport
from pipeline.brief.settings import resolve_settings
from pipeline.config.brief import BriefConfig
from pipeline.models import PaperView
from pipeline.site.mistakes import report_url
from test_brief.test_stage import entries, run, settings_for

ROOT = Path(__file__).resolve().parents[2]
PAPER = "arxiv:2604.21935"
FIXED = "Reviewed: the abstract reports no accuracy figure <b>at all</b>."


def corrections(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "corrections"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.yml").write_text(text, encoding="utf-8")
    return folder


REPLACE = f"""paper: {PAPER}
action: replace
replace:
  en.results: "{FIXED}"
hide: []
reason: The model invented an accuracy figure.
reviewed_by: "@maintainer"
"""


def model_settings(fake, model: str):
    return resolve_settings(
        BriefConfig(backoff=0.01), model=model, env={"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": fake.url}
    )


def entry_of(layout, paper_id: str):
    return next(e for e in entries(layout) if e.paper.id == paper_id)


def test_a_correction_replaces_a_field_and_survives_a_re_brief(site, fake, tmp_path):
    folder = corrections(tmp_path, fix=REPLACE)
    run(site, settings_for(fake), corrections_dir=folder, digests=False)
    brief = entry_of(site, PAPER).brief
    assert brief["en"]["results"] == FIXED and brief["zh"]["results"] != FIXED  # only the field named
    assert brief["correction"] == {
        "action": "replace",
        "reason": "The model invented an accuracy figure.",
        "reviewed_by": "@maintainer",
    }
    text = entry_of(site, PAPER).path.read_text(encoding="utf-8")
    assert "&lt;b&gt;at all&lt;/b&gt;" in text.split("<!-- brief -->")[1]  # escaped in the entry's HTML
    other = entry_of(site, "arxiv:2604.22038").brief
    assert "correction" not in other

    # another model re-writes every brief (--stale): the correction is laid over the new brief again
    before = fake_openai.chat_calls(fake)
    run(site, model_settings(fake, "test-model-2"), corrections_dir=folder, digests=False, stale=True)
    assert fake_openai.chat_calls(fake) - before == len(entries(site))
    again = entry_of(site, PAPER).brief
    assert (
        again["model"] == "test-model-2"
        and again["en"]["results"] == FIXED
        and again["correction"]["action"] == "replace"
    )


def test_hide_leaves_a_field_out_and_a_correction_of_an_unknown_paper_is_reported(site, fake, tmp_path):
    folder = corrections(
        tmp_path,
        hide=f"paper: {PAPER}\naction: hide\nhide: [en.results, zh.results]\n"
        "reason: Wrong figures.\nreviewed_by: '@maintainer'\n",
        typo="paper: arxiv:2604.99999\naction: pin\nreason: x\nreviewed_by: me\n",
    )
    report = run(site, settings_for(fake), corrections_dir=folder, digests=False)
    brief = entry_of(site, PAPER).brief
    assert "results" not in brief["en"] and "results" not in brief["zh"] and brief["en"]["tldr"]
    assert any("typo.yml: arxiv:2604.99999 is not in the archive" in note for note in report.notes)


def test_stale_rewrites_exactly_the_briefs_of_another_prompt_version_and_never_a_pinned_one(site, fake, tmp_path):
    run(site, settings_for(fake), digests=False)
    *old, pinned_id = sorted(e.paper.id for e in entries(site))[:3]
    for entry in entries(site):
        if entry.paper.id in (*old, pinned_id):  # as an earlier prompt wrote them
            write_entry(
                entry, "done", {**entry.brief, "prompt_version": "paper-v0"}, BriefReport("model", "test-model")
            )
    folder = corrections(
        tmp_path, pin=f"paper: {pinned_id}\naction: pin\nreason: Checked by hand.\nreviewed_by: '@maintainer'\n"
    )
    shutil.rmtree(site.brief_cache)  # no cached answer: a re-brief asks the model
    before = fake_openai.chat_calls(fake)
    run(site, settings_for(fake), corrections_dir=folder, digests=False)  # without --stale: nothing re-written
    assert fake_openai.chat_calls(fake) == before
    report = run(site, settings_for(fake), corrections_dir=folder, digests=False, stale=True)
    assert fake_openai.chat_calls(fake) - before == 2 and report.done == 2
    asked_titles = " ".join(json.dumps(r, ensure_ascii=False) for r in fake.requests[-2:])
    for paper_id in old:
        entry = entry_of(site, paper_id)
        assert entry.brief["prompt_version"] == prompts.load("paper").version
        assert entry.paper.title.split()[0] in asked_titles
    pinned = entry_of(site, pinned_id).brief
    assert pinned["prompt_version"] == "paper-v0" and pinned["correction"]["action"] == "pin"


def test_a_bad_corrections_file_fails_rules_check_with_file_and_line(run_cli, tmp_path):
    folder = corrections(
        tmp_path,
        good=REPLACE,
        bad=f"paper: {PAPER}\naction: replace\nreplace:\n  en.summary: Better.\nreason: x\nreviewd_by: me\n",
    )
    result = run_cli("rules", "check", "--rules", str(ROOT / "rules"), "--corrections", str(folder))
    assert result.returncode != 0
    errors = " ".join(result.stderr.split())
    assert f"{folder / 'bad.yml'}:6: reviewd_by: unknown key 'reviewd_by' (did you mean 'reviewed_by'?)" in errors
    assert f"{folder / 'bad.yml'}:4: replace: 'en.summary' is not a field that can be replaced" in errors
    assert "good.yml" not in errors
    (folder / "bad.yml").unlink()
    result = run_cli("rules", "check", "--rules", str(ROOT / "rules"), "--corrections", str(folder))
    assert result.returncode == 0, result.stderr
    assert f"replace {PAPER}" in " ".join(result.stderr.split())


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "report-mistake" in (attrs.get("class") or ""):
            self.hrefs["report"] = attrs["href"]


def report_link(page: str) -> dict[str, str]:
    parser = Links()
    parser.feed(page)
    href = parser.hrefs["report"]
    assert not re.search(r"[\s<>\"]", href)  # every space, newline and bracket percent-encoded
    parts = urlsplit(href)
    fields = {k: v[0] for k, v in parse_qs(parts.query, strict_parsing=True).items()}
    return {"base": f"{parts.scheme}://{parts.netloc}{parts.path}", **fields}


def test_the_report_link_opens_a_prefilled_issue_and_the_page_says_corrected(site, fake, tmp_path):
    from api_helpers import schema_errors

    from pipeline.site import build

    folder = corrections(tmp_path, fix=REPLACE)
    run(site, settings_for(fake), corrections_dir=folder, day=date(2026, 4, 27))
    root = site.content.parent
    (root / "testconf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"THEME = {str(ROOT / 'theme')!r}\n"
        "REPOSITORY_URL = 'https://github.com/lab/radar'\n",
        encoding="utf-8",
    )
    output = tmp_path / "output"
    build(
        site.content,
        output,
        settings_file=root / "testconf.py",
        rules=ROOT / "rules",
        state=site.state,
        siteurl="https://radar.example.org",
    )
    page = (output / "papers" / "arxiv-2604-21935.html").read_text(encoding="utf-8")
    assert 'corrected · <span lang="zh-CN">已更正</span>' in page and "The model invented an accuracy figure." in page
    assert "&lt;b&gt;at all&lt;/b&gt;" in page and "<b>at all</b>" not in page
    link = report_link(page)
    brief = entry_of(site, PAPER).brief
    assert link["base"] == "https://github.com/lab/radar/issues/new"
    assert PAPER in link["title"] and link["title"].startswith("Brief mistake: ")
    body = link["body"]
    assert "https://radar.example.org/papers/arxiv-2604-21935.html" in body
    assert f"Model: test-model · prompt {brief['prompt_version']}" in body
    assert brief["en"]["tldr"][:60] in body and brief["zh"]["tldr"][:20] in body and FIXED in body
    assert f"paper: {PAPER}" in body and "corrections/" in body
    daily = report_link((output / "briefs" / "2026-04-27.html").read_text(encoding="utf-8"))
    assert "daily brief 2026-04-27" in daily["title"] and "brief: 2026-04-27" in daily["body"]
    api = json.loads((output / "api" / "v1" / "papers" / "arxiv-2604-21935.json").read_text(encoding="utf-8"))
    assert api["paper"]["brief"]["correction"]["reason"] == "The model invented an accuracy figure."
    assert schema_errors(output) == []


def test_no_report_link_without_a_repository_nor_on_an_extractive_brief():
    article = SimpleNamespace(
        brief={"model": "m", "en": {"tldr": "x"}},
        paper=PaperView(id=PAPER, title="T"),
        brief_kind="",
        url="papers/p.html",
    )
    assert report_url(article, "https://github.com/lab/radar").startswith(
        "https://github.com/lab/radar/issues/new?title="
    )
    assert report_url(article, "") == ""
    extractive = SimpleNamespace(**{**vars(article), "brief": {"extractive": True, "en": {"tldr": "x"}}})
    assert report_url(extractive, "https://github.com/lab/radar") == ""


def test_the_guides_example_is_a_valid_correction(tmp_path):
    from pipeline.config.corrections import load_corrections

    guide = (ROOT / "docs" / "how-to" / "briefs.md").read_text(encoding="utf-8").split("## Corrections", 1)[1]
    folder = corrections(tmp_path, example=guide.split("```yaml\n", 1)[1].split("```", 1)[0])
    (correction,) = load_corrections(folder)
    assert correction.target == PAPER and list(correction.replace) == ["en.results"]
