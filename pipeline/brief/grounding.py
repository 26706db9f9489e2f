"""Is a brief grounded in what the model was given?

A model's brief may only state what its source states. The check reads the brief's *checkable
claims* — numbers (with their units and percentages), acronyms and the expansions given for them,
and names (datasets, benchmarks, methods, models: words with inner capitals or digits, such as
ImageNet, CIFAR-100, GPT-4o, ResNet50) — and looks each up in the source: the title and abstract of a
paper, or, for a daily brief, the papers a sentence cites. A number is found when the source states
it, spelled out or in digits, or as the same quantity in another unit of ratio (45 % and 0.45). An
acronym or a name is also found when the source's words derive it (their initials spell LSTM or I2I,
their starts make ResNet), when the brief defines it with the source's words, or when it is one of the
field's common acronyms (RL, GAN). The languages of one brief must carry the same numbers, names and
cited papers.

The check is lexical on purpose: it cannot tell whether a sentence is true, but every number, name and
acronym a reader could copy from a brief is one that the source gives. Its accuracy on planted errors
and on human-written summaries is measured by ``bench/bench_grounding.py``.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Literal

Kind = Literal["number", "acronym", "expansion", "name", "attribution", "parity"]
KINDS: tuple[Kind, ...] = ("number", "acronym", "expansion", "name", "attribution", "parity")

_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1000,
    "twice": 2,
    "double": 2,
    "half": Decimal("0.5"),
    "dozen": 12,
    "single": 1,
    "once": 1,
    "thrice": 3,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
}
_HAN = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "单": 1,
    "双": 2,
    "首": 1,
}
_SCALE = {
    "k": 1000,
    "K": 1000,
    "thousand": 1000,
    "M": 10**6,
    "million": 10**6,
    "B": 10**9,
    "billion": 10**9,
    "万": 10**4,
    "亿": 10**8,
    "千": 1000,
    "百万": 10**6,
}
# a number standing alone: not a piece of a name (GPT-4, CIFAR-10, x86) nor of a longer number; the
# boundaries are Latin letters and digits, so that a number or a name beside Chinese text is found
_NUMBER = re.compile(
    r"(?<![A-Za-z0-9_.\-/])(?<![A-Za-z]-)(?P<n>\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<scale>百万|万|亿|千|thousand|million|billion|[kKMB](?![A-Za-z])))?"
    r"(?P<unit>\s?(?:%|％|percent|per cent|pp|percentage points?|[x×](?![A-Za-z])|倍|个百分点))?"
    r"(?![A-Za-z]*\d)(?<![0-9](?=[A-Za-z]))"
)
_SPELLED = re.compile(r"\b(" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")\b", re.I)
_HAN_COUNT = re.compile(r"([一二两三四五六七八九十单双首])(?=[个种项类组篇款位层次倍大])")
_PERCENT_HAN = re.compile(r"百分之(\d+(?:\.\d+)?)")
# an acronym: two or more capitals (digits and a plural s allowed), e.g. LLM, LLMs, BERT, F1, mAP not;
# also before a hyphenated word ("GAN-based", "MNIST-like")
_ACRONYM = re.compile(r"(?<![A-Za-z0-9_-])([A-Z][A-Z0-9]*[A-Z][A-Z0-9]*)(s?)(?![A-Za-z0-9_]|-[A-Z0-9])")
# a name: a word with an inner capital or a digit beside letters, hyphenated parts kept together, or
# capitalised hyphenated parts (Atari-57, TREC-QA, Holl-E); the part before the mark is read in one way
# only (a hyphen only before a letter or last), so that a long plain word is rejected in linear time
_NAME = re.compile(
    r"(?<![A-Za-z0-9_-])((?:[A-Za-z](?:[A-Za-z0-9_]|-(?=[A-Za-z]))*-?)?(?:[a-z][A-Z]|[A-Za-z]-?\d|\d[A-Za-z]|[A-Z]{2,}-[A-Z]|[A-Z][a-z]*-[A-Z])"
    r"[A-Za-z0-9_.-]*)(?<![.-])"
)
_PAREN = re.compile(r"([A-Za-z][\w\- ]{2,80}?)\s*[(（]\s*([A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*)s?\s*[)）]")
_PAREN_REVERSED = re.compile(r"\b([A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*)s?\s*[(（]\s*([A-Za-z][\w\- ]{2,80}?)\s*[)）]")
_STOP = {"of", "the", "and", "for", "a", "an", "in", "on", "to", "with", "by", "via", "based"}
# capitals that are words, units or roman numerals rather than acronyms a source must define
_COMMON = {
    "I",
    "II",
    "III",
    "IV",
    "V",
    "VI",
    "OK",
    "US",
    "UK",
    "EU",
    "AI",
    "ID",
    "TV",
    "PhD",
    "DNA",
    "RNA",
    "GB",
    "MB",
    "KB",
    "TB",
    "GHz",
    "MHz",
    "CPU",
    "GPU",
    "TPU",
    "API",
    "URL",
    "PDF",
    "HTML",
    "SOTA",
}


# acronyms of method families a summary writes for a source that names the family by its key word
# without spelling the acronym ("spiking neurons" → SNN)
_FAMILIES = {
    "LLM": "language model",
    "SNN": "spiking",
}
# the field's common acronyms of method families, concepts and algorithms, which a summary may use though
# its source writes them out differently or not at all (a paper on "recurrent networks" summarised with
# RNN, one on policy gradients with RL): those that at least 3 of SciTLDR's 1,992 training abstracts use,
# without datasets, benchmarks, metrics and models (MNIST, BLEU, BERT, VGG stay claims)
_FIELD = {
    *("GAN", "CNN", "RL", "RNN", "LSTM", "DNN", "VAE", "NLP", "SGD", "ML", "GNN", "NN", "GCN", "NAS", "KL"),
    *("MDP", "DDPG", "DQN", "QA", "MCMC", "NMT", "MCTS", "BN", "DRL", "NER", "MAML", "PPO", "PGD", "FLOP"),
    *("PCA", "MARL", "GRU", "IB", "MLE", "ASR", "ELBO", "SSL", "OT", "MMD", "ODE", "TRPO", "SVD", "MLP"),
    *("IRL", "BNN", "BPTT", "FGSM", "TD", "NLI", "NLU", "DPP", "ERM", "BO", "CRF", "IL", "AE", "MTL", "TCN"),
    *("AUC", "KG", "TTS", "TD3", "FL", "DARTS", "NE", "WGAN", "MBRL", "AIS", "IR", "SVM", "CEM", "GA", "CVAE"),
    *("KGE", "FC", "FLOPS", "UCB", "UDA", "ES", "GAIL", "FNN", "EEG", "AUROC", "AAE", "RAML", "NTK", "HMC"),
    *("MT", "DCNN", "OOD", "HRL", "GP", "OCR", "DP", "A3C", "HMM", "GMM", "DIP"),
}


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class Quantity:
    """A number as stated: its value and whether it is a ratio (a percentage, a factor)."""

    value: Decimal
    percent: bool = False
    text: str = ""

    def forms(self) -> set[Decimal]:
        """The values a source may state the same quantity as."""
        v = self.value
        out = {v.normalize()}
        if self.percent:
            out.add((v / 100).normalize())
        elif v < 1:
            out.add((v * 100).normalize())
        return out


def numbers(text: str) -> list[Quantity]:
    """Every number a text states, in digits, words or Chinese numerals."""
    found: list[Quantity] = []
    for m in _NUMBER.finditer(_PERCENT_HAN.sub(r"\1%", unicodedata.normalize("NFKC", text))):
        value = _decimal(m["n"])
        if value is None:
            continue
        if m["scale"]:
            value *= _SCALE[m["scale"]]
        unit = (m["unit"] or "").strip()
        found.append(
            Quantity(
                value,
                unit in {"%", "％", "percent", "per cent", "个百分点"}
                or unit.startswith("pp")
                or unit.startswith("percentage"),
                m.group(0).strip(),
            )
        )
    return found


def counted(text: str) -> set[Decimal]:
    """Numbers spelled as words ("six benchmarks", "两个数据集"): a source may give them so."""
    out = {Decimal(_WORDS[w.lower()]) for w in _SPELLED.findall(text)}
    out |= {Decimal(_HAN[c]) for c in _HAN_COUNT.findall(text)}
    return out


def acronyms(text: str) -> set[str]:
    return {m[1] for m in _ACRONYM.finditer(text) if m[1] not in _COMMON and not m[1].isdigit()}


def names(text: str) -> set[str]:
    """Names with inner capitals or digits (ImageNet, CIFAR-100, GPT-4o, ResNet50, BERT-base)."""
    out = set()
    for m in _NAME.finditer(unicodedata.normalize("NFKC", text)):
        name = m[1].strip(".-")
        if len(name) >= 3 and not name.isdigit() and not re.fullmatch(r"\d+(st|nd|rd|th|s|D|d)", name):
            out.add(name)
    return out


def _words(text: str) -> list[str]:
    """The words of a text, hyphenated words and the parts of a compound in capitals (PointNet) apart."""
    return re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", unicodedata.normalize("NFKC", text))


# bound first parts of compound words, whose second part a summary may spell too ("autoencoder" gives AE)
_PREFIXES = ("auto", "feed", "back", "multi", "hyper", "semi", "meta", "bi")


def _initials(word: str) -> set[str]:
    """What a word may spell in an acronym: its initial, the initials of its parts ("feedforward" gives FF),
    and "2" for "to" ("image-to-image" gives I2I)."""
    low = word.lower()
    out = {word[0].upper()}
    out |= {(p[0] + low[len(p)]).upper() for p in _PREFIXES if low.startswith(p) and len(low) - len(p) >= 4}
    return out | {"2"} if low == "to" else out


def spelled(text: str, longest: int = 8) -> set[str]:
    """The acronyms that runs of consecutive words of a text spell with their initials, within one clause:
    "fast Fourier transform" gives FFT, "long short-term memory" LSTM. A small word may spell its letter
    or be skipped ("bag of words" gives BOW and BW)."""
    out: set[str] = set()
    for clause in re.split(r"[.;:,!?()\[\]（）。；：，]", unicodedata.normalize("NFKC", text)):
        words = [w for w in _words(clause) if w[0].isalpha()]
        for start, first in enumerate(words):
            if first.lower() in _STOP:
                continue
            runs = _initials(first)
            out |= {r for r in runs if len(r) > 1}
            for w in words[start + 1 :]:
                grown = {r + i for r in runs if len(r) < longest for i in _initials(w)}
                runs = grown | runs if w.lower() in _STOP else grown
                out |= {r for r in grown if w.lower() not in _STOP}
                if not runs:
                    break
    return out


def expansions(text: str) -> dict[str, str]:
    """Acronyms defined in the text: "large language model (LLM)" or "LLM (large language model)"."""
    out: dict[str, str] = {}
    for long, short in _PAREN.findall(text):
        short = short.removesuffix("s")
        words = _expansion_words(long, short)
        if words:
            out.setdefault(short, words)
    for short, long in _PAREN_REVERSED.findall(text):
        short = short.removesuffix("s")
        words = _expansion_words(long, short, leading=True)
        if words:
            out.setdefault(short, words)
    return out


def _expansion_words(long: str, short: str, leading: bool = False) -> str:
    """The words of ``long`` that spell ``short`` (the last ones before a parenthesis), or ''."""
    words = [w for w in re.split(r"[\s\-]+", long.strip()) if w]
    letters = [c for c in short if c.isalpha()]
    if not words or not letters:
        return ""
    # take as many words from the end (from the start when the acronym leads) as the acronym has letters,
    # skipping small words, and accept them when their initials spell it
    picked: list[str] = []
    need = len(letters)
    seq = words if leading else list(reversed(words))
    for w in seq:
        picked.append(w)
        if sum(1 for p in picked if p.lower() not in _STOP) >= need:
            break
    if not leading:
        picked.reverse()
    initials = "".join(p[0] for p in picked if p.lower() not in _STOP).upper()
    if initials != "".join(letters).upper():
        # "Transformer-based" spells T; multi-letter starts (e.g. "GraphSAGE") are not expansions we judge
        return ""
    return " ".join(picked).lower()


class Source:
    """The text a brief was made from, indexed once for the look-ups."""

    def __init__(self, text: str, counts: Iterable[int] = ()):
        """``counts``: numbers a brief may state without the text giving them (how many papers it cites)."""
        self.text = text
        self.folded = _fold(text)
        self.squashed = re.sub(r"[\s\-_]+", "", self.folded)
        quantities = numbers(text)
        self.values = {f for q in quantities for f in q.forms()} | counted(text) | {Decimal(n) for n in counts}
        self.expansions = {k: v for k, v in expansions(text).items()}
        self.spelled = spelled(text)
        self.words = [w.casefold() for w in _words(text)]
        self.vocabulary = set(self.words)

    def states_number(self, q: Quantity) -> bool:
        if q.forms() & self.values:
            return True
        # a small count a source leaves implicit ("a pair", "both") or a year-like ordinal is not judged
        return not q.percent and q.value == q.value.to_integral_value() and 0 < q.value <= 2

    def states_acronym(self, acronym: str) -> bool:
        """Stated as such, or spelled by the initials of words the source uses ("convolutional neural
        networks" gives CNN): a summary may shorten what its source writes out."""
        family = _FAMILIES.get(acronym)
        return (
            acronym in _FIELD
            or acronym.upper() in self.spelled
            or self.states_name(acronym)
            or (family is not None and family in self.folded)
        )

    def states_name(self, name: str) -> bool:
        folded = _fold(name)
        if folded in self.folded:
            return True
        squashed = re.sub(r"[\s\-_]+", "", folded)
        return squashed in self.squashed or squashed.rstrip("s") in self.squashed or self._composes(name)

    def states_word(self, word: str) -> bool:
        """The source uses the word or a word of its stem ("cyclic" for "cycle", "conditional" for
        "condition"): the two differ only in the last two letters of the shorter and three of the
        longer, and share four at least."""
        word = _fold(word)
        if word in self.vocabulary:
            return True
        return len(word) >= 4 and any(_stem_shared(word, w) for w in self.vocabulary)

    def _composes(self, name: str) -> bool:
        """A compound name made of the starts of consecutive source words, or of acronyms they spell:
        "ResNet" of "residual networks", "ReLU" of "rectified linear units"."""
        parts = _words(re.sub(r"(?<=[A-Z])s$|-(?:like|based|style|type)$", "", name))
        if len(parts) < 2 or any(p.isdigit() for p in parts):
            return False
        # a common acronym of the field needs no source words, the other parts then whole words (CycleGAN)
        whole = any(p in _FIELD for p in parts)
        return any(self._composes_from(parts, i, whole) for i in range(len(self.words)))

    def _composes_from(self, parts: list[str], at: int, whole: bool) -> bool:
        if not parts:
            return True
        part, rest = parts[0], parts[1:]
        if part in _FIELD:
            return self._composes_from(rest, at, whole)
        if at >= len(self.words):
            return False
        word, folded = self.words[at], part.casefold()
        if part.isupper() and len(part) > 1:
            span = self.words[at : at + len(part)]
            if [w[0] for w in span] == list(folded):
                return self._composes_from(rest, at + len(part), whole)
            return word == folded and self._composes_from(rest, at + 1, whole)
        return (word == folded or not whole and word.startswith(folded)) and self._composes_from(rest, at + 1, whole)


@dataclass(frozen=True)
class Failure:
    """One claim of a brief that its source does not support."""

    kind: Kind
    lang: str
    where: str  # the field or sentence, e.g. "results", "themes[0]"
    claim: str

    def __str__(self) -> str:
        return {
            "number": f"the number {self.claim} ({self.lang} {self.where}) is not in the source",
            "acronym": f"the acronym {self.claim} ({self.lang} {self.where}) is not in the source",
            "expansion": f"{self.claim} ({self.lang} {self.where}) is not how the source expands it",
            "name": f"the name {self.claim} ({self.lang} {self.where}) is not in the source",
            "attribution": f"{self.claim} ({self.lang} {self.where}) is not in the papers it cites",
            "parity": f"the languages disagree ({self.where}): {self.claim}",
        }[self.kind]


@dataclass(frozen=True)
class Grounding:
    """The result of checking one brief: grounded when nothing failed."""

    failures: tuple[Failure, ...] = ()

    @property
    def grounded(self) -> bool:
        return not self.failures

    def by_kind(self) -> Counter:
        return Counter(f.kind for f in self.failures)

    def record(self) -> dict:
        """What an entry or a brief file keeps of the check (beside the languages, which are the brief's
        only objects)."""
        return {"grounded": self.grounded, "grounding_failures": [str(f) for f in self.failures]}


@dataclass
class _Claims:
    numbers: list[Quantity] = field(default_factory=list)
    acronyms: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    expansions: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str) -> _Claims:
        acr = acronyms(text)
        return cls(numbers(text), acr, names(text) - acr, expansions(text))


def check_text(text: str, source: Source, lang: str, where: str, kind_for_missing: Kind | None = None) -> list[Failure]:
    """The claims of one piece of a brief that ``source`` does not state."""
    claims = _Claims.of(text)
    out: list[Failure] = []

    def fail(kind: Kind, claim: str) -> None:
        out.append(Failure(kind_for_missing or kind, lang, where, claim))

    for q in claims.numbers:
        if not source.states_number(q):
            fail("number", q.text)
    # an acronym the brief defines itself passes with an expansion whose words the source uses
    defined = set()
    for acr, words in sorted(claims.expansions.items()):
        given = source.expansions.get(acr)
        if given is not None and _content(given) != _content(words):
            out.append(Failure("expansion", lang, where, f"{acr} = {words!r} (the source: {given!r})"))
        elif given is None and not all(source.states_word(w) for w in re.split(r"[\s\-]+", words) if w not in _STOP):
            out.append(Failure("expansion", lang, where, f"{acr} = {words!r}"))
        else:
            defined.add(acr)
    for acr in sorted(claims.acronyms - defined):
        if not source.states_acronym(acr):
            fail("acronym", acr)
    for name in sorted(claims.names):
        if not source.states_name(name):
            fail("name", name)
    return out


def _stem_shared(a: str, b: str) -> bool:
    shared = len(os.path.commonprefix([a, b]))
    return shared >= max(4, min(len(a), len(b)) - 2, max(len(a), len(b)) - 3)


def _content(words: str) -> tuple[str, ...]:
    return tuple(re.sub(r"s$", "", w) for w in re.split(r"[\s\-]+", words.lower()) if w and w not in _STOP)


def _texts(value) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def check_paper(brief: dict[str, dict], source_text: str) -> Grounding:
    """A paper's brief (``{lang: {field: text | [keywords]}}``) against its title and abstract."""
    source = Source(source_text)
    failures: list[Failure] = []
    for lang, fields in brief.items():
        for name, value in fields.items():
            for text in _texts(value):
                failures += check_text(text, source, lang, name)
    failures += parity(
        {lang: " ".join(t for v in fields.values() for t in _texts(v)) for lang, fields in brief.items()}
    )
    return Grounding(tuple(failures))


def parity(texts: dict[str, str], cited: dict[str, set[str]] | None = None) -> list[Failure]:
    """The languages of one brief carry the same numbers, names and (for a digest) cited papers."""
    if len(texts) < 2:
        return []
    langs = sorted(texts)
    out: list[Failure] = []

    def values(text: str) -> set[Decimal]:
        return {q.value.normalize() for q in numbers(text)} | {v.normalize() for v in counted(text)}

    def latin(text: str) -> set[str]:
        return {_fold(n) for n in names(text) | acronyms(text)}

    first, *others = langs
    for other in others:
        a, b = values(texts[first]), values(texts[other])
        if a != b:
            out.append(
                Failure(
                    "parity",
                    other,
                    f"{first}/{other} numbers",
                    f"{_show(a - b)} only in {first}; {_show(b - a)} only in {other}",
                )
            )
        a, b = latin(texts[first]), latin(texts[other])
        if a != b:
            out.append(
                Failure(
                    "parity",
                    other,
                    f"{first}/{other} names",
                    f"{_show(a - b)} only in {first}; {_show(b - a)} only in {other}",
                )
            )
        if cited is not None and cited.get(first, set()) != cited.get(other, set()):
            out.append(
                Failure(
                    "parity",
                    other,
                    f"{first}/{other} cited papers",
                    f"{_show(cited.get(first, set()) - cited.get(other, set()))} only in {first}; "
                    f"{_show(cited.get(other, set()) - cited.get(first, set()))} only in {other}",
                )
            )
    return out


def _show(items: set) -> str:
    return ", ".join(sorted(str(i) for i in items)) or "nothing"


def check_digest(digest: dict[str, dict], papers: dict[str, str], topics: int = 0, context: str = "") -> Grounding:
    """A daily or weekly brief (``{lang: DigestText}``, its papers resolved to ids) against the papers
    its sentences cite.

    ``papers`` maps each paper's id to its title, abstract and brief; ``topics`` is how many topics the
    day has. A theme, connection or pick is checked against the papers it cites, the headline against
    the whole day; a claim found in the day but not in the cited papers is a wrong attribution. The
    counts of the day's papers and topics, and of each sentence's papers, may be stated (card numbers
    are taken out of the text when the references are resolved). ``context``: what else the model
    read (a weekly brief reads last week's), a source for the headline but not for attribution.
    """
    day = Source("\n".join([*papers.values(), context]), (len(papers), topics))
    failures: list[Failure] = []
    cited: dict[str, set[str]] = {}
    for lang, text in digest.items():
        refs: set[str] = set()
        failures += check_text(text.get("headline", ""), day, lang, "headline")
        parts = [
            (f"themes[{i}]", f"{t.get('title', '')}. {t.get('text', '')}", t.get("papers", []))
            for i, t in enumerate(text.get("themes", []))
        ]
        parts += [
            (f"{key}[{i}]", c.get("text", ""), c.get("papers", []))
            for key in ("connections", "changes")
            for i, c in enumerate(text.get(key, []))
        ]
        parts += [
            (f"read_first[{i}]", p.get("why", ""), [p.get("paper", "")])
            for i, p in enumerate(text.get("read_first", []))
        ]
        for where, sentence, labels in parts:
            known = [label for label in labels if label in papers]
            refs.update(known)
            if not known:
                failures += check_text(sentence, day, lang, where)
                continue
            own = Source("\n".join(papers[label] for label in known), (len(known),))
            for failure in check_text(sentence, own, lang, where):
                in_day = not check_text(failure.claim, day, lang, where) if failure.kind != "expansion" else False
                failures.append(Failure("attribution", lang, where, failure.claim) if in_day else failure)
        cited[lang] = refs
    plain = {lang: " ".join(_digest_texts(text)) for lang, text in digest.items()}
    failures += parity(plain, cited)
    return Grounding(tuple(failures))


def _digest_texts(text: dict) -> Iterable[str]:
    yield text.get("headline", "")
    for key in ("themes", "connections", "changes", "read_first"):
        for item in text.get(key, []):
            yield from (item.get(k, "") for k in ("title", "text", "why"))


def retry_note(grounding: Grounding) -> str:
    """The failures named for the model's second try."""
    lines = "\n".join(f"- {f}" for f in grounding.failures[:12])
    return (
        "Your previous answer stated things the source does not. Answer again, using only numbers, names, "
        f"acronyms and expansions that the source gives, the same in every language:\n{lines}"
    )
