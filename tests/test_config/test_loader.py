import pytest

from pipeline.config import load_rules
from pipeline.errors import ConfigError
from pipeline.fetch.sources import load_sources


def problems(func, path):
    with pytest.raises(ConfigError) as info:
        func(path)
    return info.value.problems


def test_source_problems_name_file_line_and_field(tmp_path):
    path = tmp_path / "sources.yml"
    path.write_text(
        "sources:\n"
        "  - id: a\n"
        "    kind: arxiv_rss\n"
        "    label: arXiv\n"
        "  - id: b\n"
        "    kind: atom\n"
        "    label: B\n"
        "  - id: c\n"
        "    kind: rss\n"
        "    label: C\n"
        "    url: javascript:alert(1)\n"
        "    timeout: 3\n",
        encoding="utf-8",
    )
    found = problems(load_sources, path)
    assert f"{path}:2: sources[0]: a arxiv_rss source needs categories or url" in found
    assert any(p.startswith(f"{path}:6: sources[1].kind: unknown kind 'atom' (kinds: 'arxiv_rss'") for p in found)
    assert f"{path}:11: sources[2].url: expected an http:// or https:// address" in found
    assert any(p.startswith(f"{path}:12: sources[2].timeout: unknown key 'timeout'") for p in found)


def test_a_key_of_another_kind_is_refused_with_its_line(tmp_path):
    path = tmp_path / "sources.yml"
    path.write_text(
        "sources:\n"
        "  - id: journals\n"
        "    kind: crossref\n"
        "    label: J\n"
        "    issn: ['0028-0836']\n"
        "    filter: 'topics.id:T1'\n"
        "  - label: no kind\n"
        "    id: k\n"
        "  - id: oa\n"
        "    kind: openalex\n"
        "    label: OA\n"
        "    filter: 'topics.id:T1'\n"
        "    issn: ['0028-0836']\n"
        "    page_size: 500\n",
        encoding="utf-8",
    )
    found = problems(load_sources, path)
    assert any(p.startswith(f"{path}:6: sources[0].filter: unknown key 'filter' for kind 'crossref'") for p in found)
    assert f"{path}:7: sources[1].kind: required but missing" in found
    assert any(p.startswith(f"{path}:13: sources[2].issn: unknown key 'issn' for kind 'openalex'") for p in found)
    assert any(p.startswith(f"{path}:14: sources[2].page_size: ") and "200" in p for p in found)
    assert len(found) == 4, found


def test_invalid_yaml_points_at_the_line(tmp_path):
    (tmp_path / "r.yml").write_text("id: x\nname: {en: X\ninclude:\n", encoding="utf-8")
    [problem] = problems(load_rules, tmp_path)
    assert problem.startswith(f"{tmp_path / 'r.yml'}:") and "invalid YAML" in problem


def test_rules_need_something_to_match_and_unique_ids(tmp_path):
    (tmp_path / "a.yml").write_text("id: same\nname: {en: A}\ndescription: {en: A}\ninclude: {}\n", encoding="utf-8")
    (tmp_path / "b.yml").write_text(
        "id: same\nname: {en: B}\ndescription: {en: B}\ninclude: {keywords: [x]}\n", encoding="utf-8"
    )
    (tmp_path / "c.yml").write_text(
        "id: same\nname: {en: C}\ndescription: {en: C}\ninclude: {keywords: [y]}\n", encoding="utf-8"
    )
    found = problems(load_rules, tmp_path)
    assert f"{tmp_path / 'a.yml'}:4: include: needs at least one of categories, keywords or authors" in found
    assert f"{tmp_path / 'c.yml'}:1: id: 'same' is already used by {tmp_path / 'b.yml'}" in found


def test_the_shipped_configuration_is_valid():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    assert load_sources(root / "sources.yml").sources
    rules = load_rules(root / "rules")
    assert len(rules) >= 5 and any(r.include.authors for r in rules)


def test_yaml_bombs_and_huge_files_are_refused(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    (tmp_path / "bomb.yml").write_text("id: bomb\n" + bomb, encoding="utf-8")
    [problem] = problems(load_rules, tmp_path)
    assert problem == f"{tmp_path / 'bomb.yml'}:3: YAML aliases (*a) are not allowed; write the values out"
    (tmp_path / "bomb.yml").write_text("id: big\n# " + "x" * 600_000 + "\n", encoding="utf-8")
    [problem] = problems(load_rules, tmp_path)
    assert "the limit is 131,072" in problem


def test_every_retrying_client_waits_the_same_way():
    """Sources, the model and the notify channels share one retry policy: backoff doubled each
    retry, a server's Retry-After honoured when longer, nothing beyond max_retry_after."""
    from pipeline.config.brief import BriefConfig
    from pipeline.config.loader import Retrying
    from pipeline.config.notify import Delivery
    from pipeline.config.sources import HttpSettings

    policy = Retrying(retries=3, backoff=2.0, max_retry_after=10.0)
    assert [policy.delay(n) for n in (1, 2, 3, 4)] == [2.0, 4.0, 8.0, 10.0]
    assert policy.delay(1, asked=7.0) == 7.0  # the server asked for longer
    assert policy.delay(3, asked=1.0) == 8.0  # never sooner than the backoff
    assert policy.delay(1, asked=600.0) == 10.0  # never beyond max_retry_after
    assert policy.delay(1, jitter=0.5) == 3.0
    for settings in (HttpSettings(), BriefConfig(), Delivery()):
        assert isinstance(settings, Retrying) and settings.delay(1) == settings.backoff
    assert (HttpSettings().retries, BriefConfig().retries, Delivery().backoff) == (3, 4, 2.0)
    with pytest.raises(ValueError):
        HttpSettings(backoff=-1)
