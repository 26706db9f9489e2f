"""The grounding check of model briefs: its rules on their own, then the brief stage against an
OpenAI-compatible server on 127.0.0.1 (the real ``openai`` client) that plants errors of each kind."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import fake_openai
import pytest

from pipeline.brief.daily import read_digest
from pipeline.brief.grounding import check_digest, check_paper, numbers
from pipeline.config.brief import BriefConfig
from test_brief.test_stage import entries, run, settings_for

ROOT = Path(__file__).resolve().parents[2]
ABSTRACT = (
    "Retrieval-augmented generation (RAG) grounds large language models (LLMs) in documents. We present "
    "SparseRAG, which indexes 1,200 documents per second and cuts latency by 35% on Natural Questions and "
    "HotpotQA. With Llama-3-8B it reaches 71.4 exact match, 2x faster than dense retrieval, across six datasets."
)


def brief(en: dict, zh: dict | None = None) -> dict:
    out = {"en": {"tldr": "", "problem": "", "method": "", "results": "", "why_it_matters": "", "keywords": [], **en}}
    if zh is not None:
        out["zh"] = {**{k: "" for k in out["en"]}, "keywords": [], **zh}
    return out


def kinds(result) -> set[str]:
    return {f.kind for f in result.failures}


def test_a_faithful_brief_in_two_languages_is_grounded():
    faithful = brief(
        {
            "tldr": "SparseRAG makes retrieval-augmented generation (RAG) 2× faster than dense retrieval.",
            "results": "71.4 exact match with Llama-3-8B; latency down 35 % on Natural Questions and HotpotQA.",
            "method": "It indexes 1200 documents per second.",
            "keywords": ["RAG", "LLMs", "SparseRAG"],
        },
        {
            "tldr": "SparseRAG 使检索增强生成（RAG）比稠密检索快 2 倍。",
            "results": "在 Natural Questions 和 HotpotQA 上延迟降低 35%，Llama-3-8B 的精确匹配为 71.4。",
            "method": "每秒索引 1200 篇文档。",
            "keywords": ["RAG", "LLMs", "SparseRAG"],
        },
    )
    result = check_paper(faithful, ABSTRACT)
    assert result.grounded, [str(f) for f in result.failures]


@pytest.mark.parametrize(
    "en, kind",
    [
        ({"results": "Latency falls by 53% on Natural Questions."}, "number"),  # a changed number
        ({"results": "It indexes 12,000 documents per second."}, "number"),
        ({"method": "It builds on retrieval-augmented graphs (RAG)."}, "expansion"),  # a wrong expansion
        ({"results": "It is evaluated on ImageNet-21K."}, "name"),  # an invented benchmark
        ({"method": "It fine-tunes GPT-4o."}, "name"),  # an invented model
        ({"method": "It uses a BM25 retriever with DPR."}, "acronym"),  # an acronym the source never uses
        ({"results": "It is evaluated on Atari-57 and TREC-QA."}, "name"),  # hyphenated names
        ({"results": "A MNIST-like benchmark."}, "acronym"),
        ({"results": "It needs 0 labelled documents."}, "number"),  # zero is a claim
    ],
)
def test_each_kind_of_planted_error_is_caught(en, kind):
    assert kind in kinds(check_paper(brief(en), ABSTRACT))


def test_an_acronym_spelled_by_the_source_words_is_derivable():
    # "large language models" spells LLM, "exact match" EM; "dense passage retrieval" is nowhere
    assert check_paper(brief({"results": "EM of 71.4 with an LLM."}), ABSTRACT).grounded
    assert kinds(check_paper(brief({"results": "Better than DPR."}), ABSTRACT)) == {"acronym"}


def test_a_method_family_named_by_its_key_word_may_be_shortened():
    # SciTLDR dev Bygi-YNNC4: the abstract writes "a standard convolutional neural net", its TL;DR "a CNN"
    source = "We explore the behavior of a standard convolutional neural net in a setting of spiking neurons."
    assert check_paper(brief({"tldr": "We study the behavior of a CNN built of an SNN."}), source).grounded
    # a family the source never names, and not common in the field, is still an acronym it does not state
    assert kinds(check_paper(brief({"tldr": "We study the behavior of an LLM."}), source)) == {"acronym"}


@pytest.mark.parametrize(
    "source, claim",
    [
        ("A long short-term memory network reads the text.", "An LSTM reads the text."),
        ("It translates image-to-image without pairs.", "An I2I model without pairs."),  # "to" spells 2
        ("A feedforward neural network predicts it.", "An FFNN predicts it."),  # a compound's parts
        ("A multilayer perceptron predicts it.", "An MLP predicts it."),
        ("A bag of words model counts them.", "A BOW model counts them."),  # a small word spells its letter
        ("We train residual networks deeper.", "ResNet-like models go deeper."),  # a name of word starts
        ("Cycle-consistent adversarial networks adapt domains.", "CycleGANs adapt domains."),
        ("Agents learn from rewards by trial and error.", "An RL agent learns."),  # a common acronym of the field
        ("We find the learned shape is volumetric.", "A 3D shape is learned."),  # 3D is not a count
    ],
)
def test_an_acronym_or_name_derivable_from_the_source_passes(source, claim):
    result = check_paper(brief({"tldr": claim}), source)
    assert result.grounded, [str(f) for f in result.failures]


@pytest.mark.parametrize(
    "source, claim, kind",
    [
        ("It translates image-to-image without pairs.", "An I2V model without pairs.", "acronym"),
        ("A multilayer perceptron predicts it.", "An MLP-Mixer predicts it.", "name"),
        ("We train residual networks deeper.", "ImageNet models go deeper.", "name"),
        ("Cycle-consistent adversarial networks adapt domains.", "StyleGAN adapts domains.", "name"),
        # beside a common acronym, a word start is not enough (SciTLDR dev: CompGCN, AccSGD planted)
        ("Compositional graphs and accurate models.", "CompGCN beats AccSGD.", "name"),
        ("Agents learn from rewards by trial and error.", "It beats BERT on MNIST.", "acronym"),  # models, datasets
        ("We find the learned shape is volumetric.", "It needs 3 GPUs.", "number"),
        # a common acronym of the field is still held to the source's expansion
        ("Reinforcement learning (RL) agents learn.", "Robust learning (RL) agents learn.", "expansion"),
    ],
)
def test_an_acronym_or_name_the_source_does_not_give_still_fails(source, claim, kind):
    assert kind in kinds(check_paper(brief({"tldr": claim}), source))


def test_an_acronym_the_brief_defines_passes_when_the_source_uses_its_words():
    # SciTLDR dev rkgx8x1js7: the abstract never names its model; the TL;DR names it, in the abstract's words
    source = "Translation between modalities with a cycle consistency loss trains a multimodal network."
    good = "The Multimodal Cyclic Translation Network (MCTN) learns joint representations; MCTN is robust."
    assert check_paper(brief({"tldr": good}), source).grounded
    wrong = "The Multimodal Cyclic Transformer Network (MCTN) learns joint representations."
    assert kinds(check_paper(brief({"tldr": wrong}), source)) == {"expansion", "acronym"}


def test_a_long_plain_word_is_read_in_linear_time():
    # a name pattern that can split a word in every way takes 2**n steps to reject an n-letter word
    code = "from pipeline.brief.grounding import names; print(sorted(names('x' * 60 + ' ResNet-50')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.stdout.strip() == "['ResNet-50']", done.stderr


def test_a_quantity_in_another_form_is_derivable():
    assert check_paper(
        brief({"results": "Latency falls by 0.35 of its dense value; six datasets; 1.2k docs/s."}), ABSTRACT
    ).grounded
    assert [q.value for q in numbers("1,200 images, 1.5万 papers, 百分之20")] == [1200, 15000, 20]


def test_languages_that_disagree_fail_parity():
    result = check_paper(brief({"results": "Latency down 35%."}, {"results": "延迟降低 53%。"}), ABSTRACT)
    assert "parity" in kinds(result)
    result = check_paper(brief({"results": "On HotpotQA."}, {"results": "在 Natural Questions 上。"}), ABSTRACT)
    assert "parity" in kinds(result)


def test_a_daily_brief_claim_must_be_in_the_papers_it_cites():
    papers = {
        "a": "Paper A: SparseRAG indexes 1,200 documents per second.",
        "b": "Paper B: a diffusion model for proteins evaluated on CATH-4.2.",
    }
    theme = {"title": "Retrieval", "text": "SparseRAG indexes 1,200 documents per second.", "papers": ["a"]}
    good = {"en": {"headline": "2 papers today.", "themes": [theme], "connections": [], "read_first": []}}
    assert check_digest(good, papers, topics=2).grounded
    wrong = {"en": {**good["en"], "themes": [{**theme, "text": "Evaluated on CATH-4.2.", "papers": ["a"]}]}}
    assert kinds(check_digest(wrong, papers)) == {"attribution"}
    cited = {"en": good["en"], "zh": {**good["en"], "themes": [{**theme, "papers": ["b"]}]}}
    assert "parity" in kinds(check_digest(cited, papers, topics=2))


# ---------------------------------------------------------------- the stage, against the server


def test_grounded_briefs_carry_their_provenance_and_the_run_counts_them(site, fake):
    report = run(site, settings_for(fake, max_papers=4), digests=False)
    assert report.done == 4 and report.grounded == 4 and report.unverified == report.replaced == 0
    assert fake_openai.chat_calls(fake) == 4  # no second try
    done = [e for e in entries(site) if e.status == "done"]
    for entry in done:
        assert entry.brief["grounded"] is True and entry.brief["grounding_failures"] == []
        assert entry.brief["model"] == "test-model" and entry.brief["prompt_version"]
        assert entry.brief["input"] == "abstract" and date.fromisoformat(entry.brief["written"])
        assert "checked against the abstract" in entry.text and "brief-unverified" not in entry.text
    assert report.grounding()["share_grounded"] == 1.0


@pytest.mark.parametrize(
    "fault, kind",
    [("wrong-number", "number"), ("wrong-expansion", "expansion"), ("invented-name", "name"), ("parity", "parity")],
)
def test_a_planted_error_is_asked_again_then_labelled_unverified(site, fake, fault, kind):
    fake.triggers.append(("Math Takes Two", fault))
    report = run(site, settings_for(fake), digests=False)
    assert report.unverified == 1 and report.failures[kind] >= 1, report.grounding()
    asked = [r for r in fake.requests if "Math Takes Two" in str(r["messages"])]
    assert len(asked) == 2 and "Your previous answer stated things" in asked[1]["messages"][-1]["content"]
    entry = next(e for e in entries(site) if e.paper.id == "arxiv:2604.21935")
    assert entry.status == "done" and entry.brief["grounded"] is False
    assert 'class="brief-label brief-unverified"' in entry.text and "未经核实" in entry.text
    assert report.grounded == report.done - 1


def test_a_model_that_corrects_itself_is_grounded_on_the_second_try(site, fake):
    fake.triggers.append(("Math Takes Two", "wrong-number-once"))
    report = run(site, settings_for(fake), digests=False)
    assert report.regrounded == 1 and report.unverified == 0
    entry = next(e for e in entries(site) if e.paper.id == "arxiv:2604.21935")
    assert entry.brief["grounded"] is True


def test_ungrounded_extractive_replaces_the_brief(site, fake):
    fake.triggers.append(("Math Takes Two", "invented-name"))
    settings = settings_for(fake)
    report = run(
        site,
        replace(settings, config=BriefConfig(**{**settings.config.model_dump(), "ungrounded": "extractive"})),
        digests=False,
    )
    assert report.replaced == 1 and report.unverified == 0
    entry = next(e for e in entries(site) if e.paper.id == "arxiv:2604.21935")
    assert entry.status == "extractive" and "ImageNet" not in entry.text


def test_a_daily_brief_that_misattributes_is_labelled(site, fake):
    run(site, settings_for(fake), digests=False)
    fake.triggers.append(("<day>", "misattributed"))
    report = run(site, settings_for(fake), day=date(2026, 4, 27))
    daily = read_digest(site.content / "briefs" / "2026-04-27.md")
    assert daily["grounded"] is False and report.failures["attribution"] >= 1
    assert "未经核实" in (site.content / "briefs" / "2026-04-27.md").read_text(encoding="utf-8")


def test_provenance_and_the_unverified_label_reach_page_api_and_message(site, fake, tmp_path):
    """A planted error in one paper's brief and a misattribution in the daily brief: the pages say
    unverified with what was not found, the API carries the check and validates, and the day's message
    pushes neither the unverified TL;DR nor the unverified daily brief."""
    from api_helpers import schema_errors

    from pipeline.config import load_rules
    from pipeline.notify.message import compose, read_day
    from pipeline.notify.slack import SlackChannel
    from pipeline.site import build

    fake.triggers.append(("<day>", "misattributed"))  # first: the day's request names every paper
    fake.triggers.append(("Math Takes Two", "invented-name"))
    run(site, settings_for(fake), day=date(2026, 4, 27))
    root = site.content.parent
    (root / "testconf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\nTHEME = {str(ROOT / 'theme')!r}\n",
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
    assert 'class="unverified"' in page and "ImageNet-21K" in page and "not in the source" in page
    other = (output / "papers" / "arxiv-2604-22038.html").read_text(encoding="utf-8")
    assert 'class="unverified"' not in other and "checked against its sources" in other
    assert 'class="unverified"' in (output / "briefs" / "2026-04-27.html").read_text(encoding="utf-8")
    api = json.loads((output / "api" / "v1" / "papers" / "arxiv-2604-21935.json").read_text(encoding="utf-8"))
    brief = api["paper"]["brief"]
    assert brief["grounded"] is False and brief["input"] == "abstract" and brief["written"]
    assert any("ImageNet-21K" in f for f in brief["grounding_failures"])
    daily = json.loads((output / "api" / "v1" / "briefs" / "daily" / "2026-04-27.json").read_text(encoding="utf-8"))
    assert daily["grounded"] is False
    assert schema_errors(output) == []
    atom = (output / "feeds" / "all.atom.xml").read_text(encoding="utf-8")  # the entries' brief, provenance included
    assert (
        "Unverified: this brief states" in atom and "from the title and abstract · checked against the abstract" in atom
    )
    checks = [json.loads(line) for line in site.briefs_file.read_text(encoding="utf-8").splitlines()]
    assert checks[-1]["unverified"] == 2 and checks[-1]["failures"]["name"] >= 1  # a paper and the day
    assert checks[-1]["failures"]["attribution"] >= 1 and checks[-1]["day"] == "2026-04-27"
    status = (output / "status.html").read_text(encoding="utf-8")
    assert "Brief checks" in status and "attribution" in status

    day = read_day(site, date(2026, 4, 27), {r.id: r for r in load_rules(ROOT / "rules")})
    assert day.brief.get("extractive")  # the day's overview is pushed instead of the unverified brief
    message = compose(
        day, SlackChannel(id="team", kind="slack", cards=50, webhook_env="TEAM_WEBHOOK"), "https://radar.example.org"
    )
    card = next(c for c in message.cards if c.url.endswith("arxiv-2604-21935.html"))
    assert card.tldr == {} and all("ImageNet" not in t for c in message.cards for t in c.tldr.values())
