"""How well the grounding check of briefs (``pipeline/brief/grounding.py``) tells faithful briefs from
wrong ones, on real papers.

    git clone https://github.com/allenai/scitldr /tmp/scitldr
    python bench/bench_grounding.py --scitldr /tmp/scitldr     # SciTLDR's 618 test papers (minutes)
    python bench/bench_grounding.py --quick                    # the demo's bundled abstracts (seconds)

Correct briefs (they should pass):
  a. SciTLDR's human TL;DRs (the authors' and those derived from peer reviews) against their paper's
     title and abstract: an upper bound, since a human summary may state what the abstract lacks.
  b. the extractive brief of each paper, and the correct counterpart of every planted brief below.
Planted errors (they should fail), each in a brief otherwise quoted from the paper:
  1. a changed number: a number of an abstract sentence changed to one the abstract does not state;
  2. a wrong acronym expansion: an acronym the abstract defines, one word of its expansion swapped
     for another word with the same initial (so that it still spells the acronym);
  3. an invented name: a dataset, benchmark or model name drawn from *other* papers' abstracts;
  4. a claim attributed to the wrong paper: in a two-paper daily brief (``check_digest``), a sentence
     of paper B cited as paper A's;
  5. a zh/en mismatch: a Chinese version that carries the brief's numbers and names, one of them changed.
Rates are shares of papers with a 95 % bootstrap interval (papers resampled).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scitldr import Record, interval, read, show

from pipeline.brief.extractive import extractive_brief, sentences
from pipeline.brief.grounding import Grounding, check_digest, check_paper, counted
from pipeline.fetch.normalise import normalise
from pipeline.fetch.sources import arxiv_api, arxiv_rss, source_settings
from pipeline.models import Paper
from pipeline.project.demo import samples_dir

PLANTS = ("number", "expansion", "name", "attribution", "parity")
FIELDS = ("tldr", "problem", "method", "results", "why_it_matters")
# found independently of the check: a number standing alone, an acronym defined in parentheses, names
# with inner capitals or digits, and capitalised words named as a dataset, benchmark or model
_NUMBER = re.compile(r"(?<=[\s(])\d+(?:[.,]\d+)*(?=\s?%|\s|[),.;:]|$)")
_DEFINED = re.compile(r"((?:[A-Za-z][\w-]*\s+){1,7}?)\(([A-Z][A-Za-z]*[A-Z])s?\)")
_NAME = re.compile(r"\b([A-Z][a-z]+[A-Z][A-Za-z]*(?:-\d+)?|[A-Z]{2,}-?\d+[A-Za-z]*|[A-Z][A-Za-z]+-\d+[A-Za-z]*)\b")
_NAMED = re.compile(r"\b(?:the )?([A-Z][A-Za-z0-9-]{3,})\s(?:dataset|benchmark|corpus|model|suite)s?\b")
_SMALL = {"of", "the", "and", "for", "a", "an", "in", "on", "to", "with", "by", "via", "based"}
TEMPLATES = ("It is also evaluated on {}.", "Experiments on {} confirm this.", "It outperforms {}.")


def source_of(paper: Paper) -> str:
    return f"{paper.title}\n{paper.abstract}"


def brief_en(paper: Paper) -> dict[str, str]:
    """The extractive brief's text fields: a correct brief, quoted from the paper."""
    en = extractive_brief(paper)["en"]
    return {k: en[k] for k in FIELDS if en[k]}


# ---------------------------------------------------------------- planting errors


def changed_number(paper: Paper, rng: random.Random) -> tuple[dict, dict] | None:
    """(correct, planted) briefs: an abstract sentence with a number, then that number changed."""
    found = [
        (s, m)
        for s in sentences(paper.abstract)
        for m in _NUMBER.finditer(s)
        if not re.match(r"[).]", s[m.end() : m.end() + 1])
    ]  # not an enumeration's "(2)" or "2."
    rng.shuffle(found)
    for sentence, match in found:
        text = match.group(0)
        for wrong in _other_numbers(text, rng):
            if not re.search(rf"(?<![\d.,]){re.escape(wrong)}(?![\d]|[.,]\d)", paper.abstract + paper.title):
                planted = sentence[: match.start()] + wrong + sentence[match.end() :]
                return {**brief_en(paper), "results": sentence}, {**brief_en(paper), "results": planted}
    return None


def _other_numbers(text: str, rng: random.Random) -> list[str]:
    """Plausible wrong values for a number as written: a digit changed, scaled, swapped."""
    digits = [i for i, c in enumerate(text) if c.isdigit()]
    out = []
    for i in rng.sample(digits, len(digits)):
        out.append(text[:i] + str((int(text[i]) + rng.randint(1, 8)) % 10) + text[i + 1 :])
    value = Decimal(text.replace(",", ""))
    out += [str(value * 2), str(value + 3)]
    return [o for o in out if not re.match(r"0\d", o)]


def wrong_expansion(paper: Paper, vocabulary: dict[str, list[str]], rng: random.Random) -> tuple[dict, dict] | None:
    """(correct, planted): the sentence defining an acronym, one word of the expansion swapped."""
    for sentence in sentences(paper.abstract):
        for match in _DEFINED.finditer(sentence):
            long, short = match.group(1), match.group(2)
            words = re.split(r"(\s+|-)", long.strip())
            content = [i for i, w in enumerate(words) if w.strip() and w != "-" and w.lower() not in _SMALL]
            picked = content[-len(short) :]
            if len(picked) != len(short) or "".join(words[i][0] for i in picked).upper() != short.upper():
                continue
            i = rng.choice(picked)
            options = [
                w
                for w in vocabulary.get(words[i][0].lower(), [])
                if w.lower() != words[i].lower() and w.lower() not in paper.abstract.lower()
            ]
            if not options:
                continue
            swap = rng.choice(options)
            swap = swap.capitalize() if words[i][0].isupper() else swap
            planted_long = "".join(words[:i] + [swap] + words[i + 1 :])
            start = match.start(1) + len(long) - len(long.lstrip())
            planted = sentence[:start] + planted_long + " " + sentence[match.start(1) + len(long) :]
            return {**brief_en(paper), "method": sentence}, {**brief_en(paper), "method": planted}
    return None


def invented_name(paper: Paper, pool: list[str], rng: random.Random) -> tuple[dict, dict, str] | None:
    """(correct, planted, name): a name from another paper's abstract added to the results."""
    text = source_of(paper).lower()
    options = [n for n in pool if n.lower() not in text]
    if not options:
        return None
    name = rng.choice(options)
    correct = brief_en(paper)
    sentence = rng.choice(TEMPLATES).format(name)
    return correct, {**correct, "results": f"{correct.get('results', '')} {sentence}".strip()}, name


def misattributed(a: Paper, b: Paper, rng: random.Random) -> tuple[dict, dict] | None:
    """(correct, planted) two-paper daily briefs: a sentence of B with a claim A lacks, cited as B's,
    then as A's."""
    other = source_of(a).lower()
    claims = [s for s in sentences(b.abstract) if any(c.lower() not in other for c in _claims(s))]
    if not claims:
        return None
    sentence = rng.choice(claims)
    mine = sentences(a.abstract)[0] if sentences(a.abstract) else a.title

    def digest(cited: str) -> dict:
        return {
            "en": {
                "headline": "2 papers today.",
                "connections": [],
                "read_first": [],
                "themes": [
                    {"title": "One", "text": mine, "papers": ["a"]},
                    {"title": "Two", "text": sentence, "papers": [cited]},
                ],
            }
        }

    return digest("b"), digest("a")


def _claims(sentence: str) -> list[str]:
    return [m.group(0) for m in _NUMBER.finditer(sentence)] + _NAME.findall(sentence)


def chinese(en: dict[str, str]) -> dict[str, str]:
    """A Chinese brief that carries the same numbers and names as ``en``, as a faithful translation does:
    every word with a digit or a capital kept, numbers in words written in digits, the rest in Chinese."""

    def word(token: str) -> str:
        if re.search(r"[\dA-Z%]", token) or token.strip(".,;:()").lower() in ("thousand", "million", "billion"):
            return token
        spelled = counted(token)
        return str(spelled.pop()) if spelled else "的"

    return {name: re.sub(r"\S+", lambda m: word(m.group(0)), text) for name, text in en.items()}


def zh_mismatch(paper: Paper, pool: list[str], rng: random.Random) -> tuple[dict, dict] | None:
    """(correct, planted): the brief in both languages, then a number or name of the Chinese changed."""
    en = brief_en(paper)
    zh = chinese(en)
    english = " ".join(en.values())
    places = [(f, m) for f, text in zh.items() for m in _NUMBER.finditer(text)]
    if places:
        field, m = rng.choice(places)
        wrong = next((w for w in _other_numbers(m.group(0), rng) if w not in english), None)
        if wrong is None:
            return None
        planted = zh[field][: m.start()] + wrong + zh[field][m.end() :]
    else:
        places = [(f, m) for f, text in zh.items() for m in _NAME.finditer(text)]
        options = [n for n in pool if n.lower() not in english.lower()]
        if not places or not options:
            return None
        field, m = rng.choice(places)
        planted = zh[field][: m.start()] + rng.choice(options) + zh[field][m.end() :]
    return {"en": en, "zh": zh}, {"en": en, "zh": {**zh, field: planted}}


# ---------------------------------------------------------------- the run


def name_pool(papers: list[Paper]) -> dict[str, list[str]]:
    """Each paper's candidate invented names: names found in the other papers' abstracts."""
    words = {w for p in papers for w in re.findall(r"\b[a-z][a-z-]+\b", p.abstract)}
    by_paper = {
        p.id: {
            n
            for n in set(_NAME.findall(p.abstract)) | set(_NAMED.findall(p.abstract))
            if n.lower() not in words and n.split("-")[0].lower() not in words
        }
        for p in papers
    }
    everything = sorted(set().union(*by_paper.values())) if by_paper else []
    return {p.id: [n for n in everything if n not in by_paper[p.id]] for p in papers}


def word_vocabulary(papers: list[Paper]) -> dict[str, list[str]]:
    words = sorted({w for p in papers for w in re.findall(r"\b[a-z]{5,}\b", p.abstract)})
    out: dict[str, list[str]] = {}
    for w in words:
        out.setdefault(w[0], []).append(w)
    return out


def english(made: tuple, source: str) -> tuple[Grounding, Grounding]:
    """The check of a correct and a planted English brief."""
    return check_paper({"en": made[0]}, source), check_paper({"en": made[1]}, source)


def run(papers: list[Paper], records: list[Record] | None, seed: int = 34) -> dict:
    rng = random.Random(seed)
    pool, vocabulary = name_pool(papers), word_vocabulary(papers)
    caught: dict[str, list[float]] = {k: [] for k in PLANTS}
    right_kind: dict[str, list[float]] = {k: [] for k in PLANTS}
    flagged: dict[str, list[float]] = {"extractive": [], "planted briefs' correct counterparts": []}
    missed: dict[str, list[str]] = {k: [] for k in PLANTS}
    false: Counter = Counter()

    def judge(kind: str, correct: Grounding, planted: Grounding, example: str) -> None:
        flagged["planted briefs' correct counterparts"].append(float(not correct.grounded))
        false.update(f.kind for f in correct.failures)
        caught[kind].append(float(not planted.grounded))
        # an invented name in capitals is reported as an acronym the source lacks: the same finding
        right_kind[kind].append(float(bool({kind, "acronym" if kind == "name" else kind} & set(planted.by_kind()))))
        if planted.grounded:
            missed[kind].append(example)

    for i, paper in enumerate(papers):
        source = source_of(paper)
        extractive = check_paper({"en": brief_en(paper)}, source)
        flagged["extractive"].append(float(not extractive.grounded))
        false.update(f.kind for f in extractive.failures)
        if made := changed_number(paper, rng):
            judge("number", *english(made, source), made[1]["results"])
        if made := wrong_expansion(paper, vocabulary, rng):
            judge("expansion", *english(made, source), made[1]["method"])
        if made := invented_name(paper, pool[paper.id], rng):
            judge("name", *english(made, source), made[2])
        other = papers[(i + 1) % len(papers)]
        if other is not paper and (made := misattributed(paper, other, rng)):
            day = {"a": source, "b": source_of(other)}
            judge(
                "attribution",
                check_digest(made[0], day, topics=2),
                check_digest(made[1], day, topics=2),
                made[1]["en"]["themes"][1]["text"],
            )
        if made := zh_mismatch(paper, pool[paper.id], rng):
            judge(
                "parity", check_paper(made[0], source), check_paper(made[1], source), " ".join(made[1]["zh"].values())
            )
    result = {
        "papers": len(papers),
        "caught": caught,
        "right_kind": right_kind,
        "flagged": flagged,
        "missed": missed,
        "false_kinds": false,
    }
    if records:
        human: list[float] = []
        human_kinds: Counter = Counter()
        human_flagged: list[str] = []
        for record in records:
            source = f"{record.title}\n{record.abstract}"
            for tldr in record.tldrs:
                grounding = check_paper({"en": {"tldr": tldr}}, source)
                human.append(float(not grounding.grounded))
                human_kinds.update(grounding.by_kind())
                if not grounding.grounded:
                    human_flagged.append(f"{record.paper_id}: {tldr} [{'; '.join(map(str, grounding.failures))}]")
        result["human"], result["human_kinds"], result["human_flagged"] = human, human_kinds, human_flagged
    return result


def sample_papers() -> list[Paper]:
    """The papers of the demo's bundled arXiv feeds (real abstracts)."""
    items = []
    for path in sorted((samples_dir() / "feeds").glob("rss-cs.*.xml")):
        source = source_settings(id="rss", kind="arxiv_rss", label="x", categories=["cs"])
        items += arxiv_rss.parse(path.read_bytes(), source).items
    for path in sorted((samples_dir() / "feeds").glob("api-*.xml")):
        source = source_settings(id="api", kind="arxiv_api", label="x", query="q")
        items += arxiv_api.parse(path.read_bytes(), source).items
    papers = {}
    for item in items:
        paper = normalise(item, "x")
        if paper.abstract:
            papers.setdefault(paper.id, paper)
    return list(papers.values())


def record_paper(record: Record) -> Paper:
    return Paper(
        id=f"scitldr:{record.paper_id}",
        title=record.title,
        source="scitldr",
        source_label="SciTLDR",
        abstract=record.abstract,
    )


def rate(values: list[float]) -> str:
    return show(interval(values)) + " %"


def report(result: dict) -> list[tuple[str, str, str]]:
    """(measure, value, target) rows."""
    rows = []
    for kind in PLANTS:
        values = result["caught"][kind]
        rows.append((f"planted errors caught, {kind} ({len(values)} papers)", rate(values), "≥ 95 %"))
    everything = [v for kind in PLANTS for v in result["caught"][kind]]
    rows.append((f"planted errors caught, all kinds ({len(everything)} briefs)", rate(everything), "≥ 95 %"))
    for kind in PLANTS:
        rows.append((f"planted errors reported as their own kind, {kind}", rate(result["right_kind"][kind]), ""))
    for label, values in result["flagged"].items():
        rows.append((f"correct briefs flagged, {label} ({len(values)} briefs)", rate(values), "≤ 5 %"))
    if "human" in result:
        kinds = ", ".join(f"{k} {n}" for k, n in result["human_kinds"].most_common())
        rows.append(
            (
                f"correct briefs flagged, human TL;DRs (an upper bound) ({len(result['human'])} TL;DRs; "
                f"failed claims by kind — {kinds})",
                rate(result["human"]),
                "≤ 5 %",
            )
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scitldr", type=Path, help="a clone of github.com/allenai/scitldr")
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--quick", action="store_true", help="the demo's bundled abstracts instead of SciTLDR")
    parser.add_argument("--missed", action="store_true", help="print the planted errors the check missed")
    parser.add_argument("--flagged", action="store_true", help="print the human TL;DRs the check flagged")
    args = parser.parse_args(argv)
    if args.quick == bool(args.scitldr):
        parser.error("give --scitldr DIR or --quick")
    records = read(args.scitldr, args.split) if args.scitldr else None
    papers = [record_paper(r) for r in records] if records else sample_papers()
    result = run(papers, records)
    print(f"{'SciTLDR-A ' + args.split if records else 'the demo samples'}: {result['papers']} papers")
    for measure, value, target in report(result):
        print(f"• {measure}: {value}" + (f" (target {target})" if target else ""))
    if args.missed:
        for kind, examples in result["missed"].items():
            for example in examples:
                print(f"missed {kind}: {example}")
    if args.flagged:
        for example in result.get("human_flagged", []):
            print(f"flagged: {example}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
