from datetime import UTC, datetime

from pipeline.config import Rule
from pipeline.fetch.curate import compile_rules, curate
from pipeline.models import Author, Paper


def rule(**kw):
    data = {"id": "t", "name": {"en": "T"}, "description": {"en": "d"}, "include": {"keywords": ["reasoning"]}}
    data.update(kw)
    return Rule.model_validate(data)


def paper(pid="arxiv:1", title="A paper", abstract="", categories=("cs.AI",), authors=(), source="s"):
    return Paper(
        id=pid,
        title=title,
        source=source,
        source_label="S",
        abstract=abstract,
        categories=categories,
        authors=tuple(Author(a) for a in authors),
        published=datetime(2026, 1, 1, tzinfo=UTC),
    )


def kept(papers, *rules):
    return curate(papers, compile_rules(list(rules)))[0]


def test_keywords_are_whole_words_case_insensitive_with_hyphens_as_spaces():
    r = rule(include={"keywords": ["chain-of-thought", "RL"]})
    assert kept([paper(title="Chain of Thought prompting")], r)
    assert kept([paper(abstract="we use chain‐of‐thought".replace("‐", "-"))], r)
    assert not kept([paper(title="CURL and TRLX")], r)  # "rl" inside words does not match
    assert kept([paper(title="Offline RL, revisited")], r)


def test_wildcard_suffix():
    r = rule(include={"keywords": ["agent*"]})
    assert kept([paper(title="Agentic workflows")], r)
    assert not kept([paper(title="Reagents in chemistry")], r)


def test_a_selection_names_the_words_its_keywords_matched_never_a_stem():
    r = rule(include={"keywords": ["agent*", "quantum comput*", "chain-of-thought", "vision-language model*"]})
    [p] = kept(
        [
            paper(
                title="Agentic agents for Quantum Computing",
                abstract="Chain of thought in vision-language models, and one more agent.",
            )
        ],
        r,
    )
    assert p.topics[0].keywords == ("agent*", "quantum comput*", "chain-of-thought", "vision-language model*")
    assert p.topics[0].words == (
        "agentic",
        "agents",
        "agent",
        "quantum computing",
        "chain-of-thought",
        "vision-language models",
    )


def test_categories_gate_and_min_score():
    r = rule(include={"categories": ["cs.CL"], "keywords": ["reasoning", "math*"]}, min_score=2)
    assert not kept([paper(title="Reasoning about math", categories=("cs.AI",))], r)
    assert not kept([paper(title="Reasoning", categories=("cs.CL",))], r)
    [p] = kept([paper(title="Reasoning about mathematics", categories=("cs.LG", "cs.CL"))], r)
    assert p.topics[0].keywords == ("reasoning", "math*") and p.topics[0].categories == ("cs.CL",)


def test_category_only_rule_takes_the_whole_category():
    r = rule(include={"categories": ["quant-ph"]})
    assert kept([paper(categories=("quant-ph",))], r) and not kept([paper(categories=("cs.AI",))], r)


def test_exclusions_apply_before_anything_else():
    r = rule(include={"keywords": ["reasoning"], "authors": ["Yingqi Fan"]}, exclude={"keywords": ["survey"]})
    assert not kept([paper(title="A survey of reasoning", authors=["Yingqi Fan"])], r)


def test_followed_authors_are_always_kept_whatever_the_spelling():
    r = rule(include={"categories": ["cs.CL"], "authors": ["Yingqi Fan", "José Raúl Romero"]})
    [p] = kept([paper(title="Unrelated", categories=("q-bio.GN",), authors=["yingqi  FAN"])], r)
    assert p.topics[0].authors == ("Yingqi Fan",)
    assert kept([paper(authors=["Jose Raul Romero"], categories=("x",))], r)


def test_best_rule_first_and_cap_per_day_keeps_the_best():
    broad = rule(id="broad", include={"keywords": ["model*"]}, max_per_day=1)
    narrow = rule(id="narrow", include={"keywords": ["reasoning", "models"]})
    a = paper("arxiv:a", title="Reasoning models", abstract="models")
    b = paper("arxiv:b", title="Other", abstract="models of things")
    result = {p.id: p for p in kept([b, a], broad, narrow)}
    assert [t.rule for t in result["arxiv:a"].topics] == ["narrow", "broad"]
    assert [t.rule for t in result["arxiv:b"].topics] == ["narrow"]  # broad's cap kept only the best


def test_rule_text_is_literal_never_a_regular_expression():
    r = rule(include={"keywords": ["(a+)+$", "c++"]})
    hostile = "a" * 50_000 + "!"
    assert not kept([paper(title=hostile)], r)
    assert kept([paper(title="Modern C++ compilers")], r)


def test_source_restriction():
    r = rule(include={"keywords": ["cancer"], "sources": ["nature"]})
    assert kept([paper(title="Cancer", source="nature")], r) and not kept([paper(title="Cancer", source="x")], r)


def test_cjk_keywords_match_inside_runs_of_han_kana_and_hangul_as_phrases():
    r = rule(include={"keywords": ["量子纠错", "ＬＬＭ", "トランスフォーマー", "양자"]})
    assert kept([paper(title="基于量子纠错码的容错计算")], r)
    assert kept([paper(abstract="大语言模型（LLM）的评测")], r)  # full-width keyword, half-width text
    assert kept([paper(title="トランスフォーマーの解析")], r) and kept([paper(title="양자컴퓨터의 오류")], r)
    assert not kept([paper(title="量子纠缠与纠错")], r)  # both words, not side by side
    assert not kept([paper(title="LLMs at scale")], r)  # Latin words stay whole


def test_author_names_fold_width_and_the_spaces_inside_cjk_names():
    r = rule(include={"authors": ["张 伟", "Ｙｉｎｇｑｉ Ｆａｎ", "王·小明"]})
    assert (
        len(
            kept(
                [
                    paper(pid="a:1", authors=["张伟"]),
                    paper(pid="a:2", authors=["Yingqi Fan"]),
                    paper(pid="a:3", authors=["王小明"]),
                ],
                r,
            )
        )
        == 3
    )
    assert not kept([paper(authors=["张伟明"])], r)


def test_excluded_authors_leave_out_every_paper_they_wrote():
    r = rule(include={"keywords": ["reasoning"], "authors": ["Yingqi Fan"]}, exclude={"authors": ["Someone Else"]})
    assert kept([paper(title="Reasoning", authors=["Ada"])], r)
    assert not kept([paper(title="Reasoning", authors=["Ada", "someone   else"])], r)
    assert not kept([paper(authors=["Yingqi Fan", "Someone Else"])], r)  # muting wins over following
