"""The brief stage: a short bilingual brief for every paper entry, written into the entry itself.

For each entry that still needs one, the stage asks the language model (one
call per paper, every configured language at once), validates the answer, and
writes it into the entry: a ``Brief:`` metadata line with the brief as JSON,
``Brief_status: done`` and, after the ``<!-- brief -->`` marker, the brief as
escaped HTML text.  Answers are cached under ``state/brief-cache/`` by model,
prompt and request content, so re-running a day makes no API call at all.

Without an API key, the stage writes an *extractive* brief instead: sentences
quoted from the abstract and key phrases, labelled as such, never presented
as model output.  The daily and weekly cross-domain briefs are in ``digest.py``,
the Batch API path in ``batch.py``.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import json
import logging
import os
import re
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Callable

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, create_model, field_validator,
                      model_validator)

from . import prompts
from .config import HttpAddress, Rule, load_rules, load_yaml
from .errors import ConfigError
from .llm import BadAnswer, Client, Endpoint, LLMError, Usage
from .job import Layout
from .models import Paper
from .write import atomic_write, one_line

log = logging.getLogger(__name__)

MARKER = "<!-- brief -->"
EXTRACTIVE = "extractive"

# ---------------------------------------------------------------- settings


class Price(BaseModel):
    """US dollars per million tokens."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    input: float = Field(ge=0)
    output: float = Field(ge=0)


class BriefConfig(BaseModel):
    """``brief.yml``: every field optional; environment variables and flags override it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    model: str = "gpt-4o-mini"
    base_url: HttpAddress = ""
    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Za-z]{2,4})?$")]] = ["zh", "en"]
    concurrency: int = Field(48, ge=1, le=512)  # lower it for a low rate-limit tier; 429s are honoured anyway
    timeout: float = Field(60.0, gt=0)
    retries: int = Field(4, ge=0, le=10)
    backoff: float = Field(1.0, ge=0)
    max_retry_after: float = Field(120.0, ge=0)
    max_papers: int | None = Field(None, ge=0)  # per run; the rest stay pending
    max_tokens: int | None = Field(None, ge=0)  # per run, input + output
    max_abstract_chars: int = Field(1600, ge=200)
    paper_output_tokens: int = Field(900, ge=100)
    digest_output_tokens: int = Field(2500, ge=300)
    context_tokens: int = Field(16000, ge=2000)  # the model's window the daily prompt must fit in
    batch_discount: float = Field(0.5, ge=0, le=1)
    poll_interval: float = Field(30.0, gt=0)
    prices: dict[str, Price] = {
        "gpt-4o-mini": Price(input=0.15, output=0.60),
        "gpt-4.1-mini": Price(input=0.40, output=1.60),
        "gpt-4o": Price(input=2.50, output=10.00),
        "deepseek-chat": Price(input=0.27, output=1.10),
    }

    @model_validator(mode="after")
    def _room_for_the_day(self) -> "BriefConfig":
        if self.context_tokens < self.digest_output_tokens + 300:
            raise ValueError("context_tokens must leave room for the day's papers beside digest_output_tokens")
        return self


def load_config(path: Path | None) -> BriefConfig:
    """``brief.yml`` if it exists (errors as file:line), else the defaults."""
    if path is None or not path.exists():
        return BriefConfig()
    return load_yaml(path, BriefConfig)


@dataclass(frozen=True)
class Settings:
    """Everything one run of the stage needs, resolved from defaults ← brief.yml ← environment ← flags."""

    config: BriefConfig
    endpoint: Endpoint | None  # None: no API key, write extractive briefs

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.config.languages)

    def cost(self, usage: Usage, discount: float = 0.0) -> float | None:
        price = self.config.prices.get(self.endpoint.model) if self.endpoint else None
        if price is None:
            return None
        total = (usage.input_tokens * price.input + usage.output_tokens * price.output) / 1e6
        return total * (1 - discount)


def resolve_settings(config: BriefConfig, *, model: str | None = None, base_url: str | None = None,
                     api_key: str | None = None, extractive: bool = False, env=os.environ, **overrides) -> Settings:
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if overrides:
        try:
            config = config.model_validate({**config.model_dump(), **overrides})
        except ValidationError as exc:
            raise ConfigError([f"--{'-'.join(map(str, e['loc'])).replace('_', '-')}: {e['msg']}"
                               for e in exc.errors()]) from exc
    key = api_key or env.get("OPENAI_API_KEY") or ""
    if extractive or not key:
        return Settings(config, None)
    endpoint = Endpoint(
        model=model or env.get("ACADEMICHUB_MODEL") or config.model,
        base_url=base_url or env.get("OPENAI_BASE_URL") or config.base_url or None,
        api_key=key,
        timeout=config.timeout,
        retries=config.retries,
        backoff=config.backoff,
        max_retry_after=config.max_retry_after,
    )
    return Settings(config, endpoint)


# ---------------------------------------------------------------- answers

def capped_text(cap: int):
    """A one-line plain-text field, cut to ``cap`` characters at a word boundary."""

    def clean(value: Any) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # e.g. a card number given as 7 rather than "07" in JSON mode
        if not isinstance(value, str):
            return value
        value = one_line(value)
        if len(value) > cap:
            value = value[:cap].rsplit(" ", 1)[0].rstrip(",;:") + "…"
        return value

    return Annotated[str, BeforeValidator(clean)]


Keyword = capped_text(60)


class PaperBriefText(BaseModel):
    """A paper's brief in one language."""

    model_config = ConfigDict(extra="forbid")
    tldr: Annotated[capped_text(300), Field(min_length=1)]
    problem: capped_text(400)
    method: capped_text(400)
    results: capped_text(400)
    why_it_matters: capped_text(400)
    keywords: Annotated[list[Keyword], Field(max_length=8)]

    @field_validator("keywords", mode="before")
    @classmethod
    def _listed(cls, value: Any) -> Any:
        """Keywords given as one string (as some models do without a schema) become a list."""
        return [k for k in re.split(r"[,;，；、]", value)] if isinstance(value, str) else value

    @field_validator("keywords")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(k for k in value if k))


TEXT_FIELDS = ("tldr", "problem", "method", "results", "why_it_matters")


def strict_object(properties: dict[str, dict]) -> dict:
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


def string_field(description: str) -> dict:
    return {"type": "string", "description": description}


def paper_schema(languages: tuple[str, ...]) -> dict:
    """The strict JSON Schema of a paper brief: every field required, nothing else allowed."""
    one = strict_object({
        "tldr": string_field("One sentence, at most 25 words."),
        "problem": string_field("One short sentence."),
        "method": string_field("One short sentence."),
        "results": string_field("One short sentence; only numbers stated in the abstract."),
        "why_it_matters": string_field("One short sentence, for the topic."),
        "keywords": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 5},
    })
    return strict_object({lang: one for lang in languages})


def paper_answer_model(languages: tuple[str, ...]) -> type[BaseModel]:
    return create_model("PaperBriefAnswer", __config__=ConfigDict(extra="forbid"),
                        **{lang: (PaperBriefText, ...) for lang in languages})


# ---------------------------------------------------------------- entries


@dataclass(frozen=True)
class Entry:
    """A paper entry as read from ``content/``: the record, its brief status and its text."""

    path: Path
    rel: str  # relative to the content folder, e.g. papers/2026/04/27/arxiv-2604-22038.md
    paper: Paper
    meta: dict[str, str]
    text: str

    @property
    def status(self) -> str:
        return self.meta.get("Brief_status", "pending")

    @property
    def brief(self) -> dict | None:
        try:
            return json.loads(self.meta["Brief"])
        except (KeyError, ValueError):
            return None

    @property
    def day(self) -> date:
        """The radar day: the day the paper arrived (an undated entry still gets its brief, on no day's page)."""
        return self.paper.radar_day or date(1970, 1, 1)

    @property
    def topic(self) -> str:
        return self.meta.get("Category", "")


def read_entry(path: Path, root: Path) -> Entry | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("%s: cannot read: %s", path, exc)
        return None
    head = text.split("\n\n", 1)[0]
    meta = {}
    for line in head.split("\n"):
        key, sep, value = line.partition(": ")
        if sep:
            meta[key] = value
    try:
        paper = Paper.from_json(json.loads(meta["Record"]))
    except (KeyError, ValueError, TypeError) as exc:
        log.warning("%s: no readable Record line (%s); skipped", path, exc)
        return None
    return Entry(path, path.relative_to(root).as_posix(), paper, meta, text)


def read_entries(content: Path) -> list[Entry]:
    """Every readable paper entry, newest day first, then by file name."""
    entries = [e for p in sorted((content / "papers").rglob("*.md")) if (e := read_entry(p, content))]
    return sorted(entries, key=lambda e: (-e.day.toordinal(), e.rel))


def with_brief(entry: Entry, status: str, brief: dict | None) -> str:
    """The entry's text with its brief status, ``Brief:`` line and brief section replaced; nothing else changes."""
    head, sep, body = entry.text.partition("\n\n")
    lines = [line for line in head.split("\n") if not line.startswith(("Brief: ", "Brief_status: "))]
    at = next((i for i, line in enumerate(lines) if line.startswith("Record: ")), len(lines))
    new = [f"Brief_status: {status}"]
    if brief is not None:
        new.append("Brief: " + json.dumps(brief, ensure_ascii=False, sort_keys=True))
    lines[at:at] = new
    marker = body.find(MARKER)
    if marker >= 0:
        body = body[:marker]
    if brief is not None:
        body = body + MARKER + "\n" + render_section(brief)
    return "\n".join(lines) + "\n\n" + body


LABELS = {
    "en": {"problem": "Problem", "method": "Method", "results": "Results", "why_it_matters": "Why it matters",
           "keywords": "Keywords"},
    "zh": {"problem": "问题", "method": "方法", "results": "结果", "why_it_matters": "意义", "keywords": "关键词"},
}
EXTRACTIVE_LABEL = ("Extractive summary: sentences quoted from the abstract, not written by a language model. "
                    "摘录式摘要：摘自原文摘要，并非大语言模型生成。")


def escape(text: str) -> str:
    """Text for an HTML element or attribute."""
    return html.escape(text, quote=True)


def render_section(brief: dict) -> str:
    """The brief as one HTML block of escaped text (no blank line inside, so Markdown leaves it alone)."""
    extractive = bool(brief.get("extractive"))
    kind = "extractive" if extractive else "model"
    out = [f'<div class="brief brief-{kind}" data-model="{escape(brief.get("model", ""))}" '
           f'data-prompt-version="{escape(brief.get("prompt_version", ""))}">']
    if extractive:
        out.append(f'<p class="brief-label">{escape(EXTRACTIVE_LABEL)}</p>')
    for lang in [k for k in brief if isinstance(brief[k], dict)]:
        text = brief[lang]
        labels = LABELS.get(lang, LABELS["en"])
        out.append(f'<section class="brief-lang" lang="{escape(lang)}">')
        out.append(f'<p class="brief-tldr">{escape(text.get("tldr", ""))}</p>')
        rows = [(labels[k], text.get(k, "")) for k in TEXT_FIELDS[1:] if text.get(k)]
        if rows:
            out.append('<dl class="brief-fields">' + "".join(f"<dt>{escape(a)}</dt><dd>{escape(b)}</dd>" for a, b in rows) + "</dl>")
        if text.get("keywords"):
            out.append(f'<ul class="brief-keywords" aria-label="{escape(labels["keywords"])}">'
                       + "".join(f"<li>{escape(k)}</li>" for k in text["keywords"]) + "</ul>")
        out.append("</section>")
    if not extractive:
        out.append(f'<p class="brief-credit">{escape(brief.get("model", ""))} · {escape(brief.get("prompt_version", ""))}</p>')
    out.append("</div>")
    return "\n".join(out) + "\n"


_NUMERAL = re.compile(r"\d+(?:[.,]\d+)*")


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMERAL.findall(text)}


def checked_numbers(answer: dict, paper: Paper) -> dict:
    """Results may only quote numbers the paper states: a results field with any other number is emptied.

    Small whole numbers are let through, as an abstract often spells them ("six benchmarks").
    """
    stated = _numbers(paper.title + " " + paper.abstract)
    out = {}
    for lang, text in answer.items():
        invented = {n for n in _numbers(text["results"]) if n not in stated and not (n.isdigit() and int(n) <= 12)}
        if invented:
            log.info("%s: results in %s quote %s, not in the abstract; left out", paper.id, lang, ", ".join(sorted(invented)))
        out[lang] = {**text, "results": ""} if invented else text
    return out


# ---------------------------------------------------------------- extractive briefs

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"(\[])")
_METHOD = re.compile(r"\b(we (propose|introduce|present|develop|design|build|describe)|this (paper|work) (proposes|introduces|presents))\b", re.I)
_NUMBER = re.compile(r"\d")
_ACRONYM = re.compile(r"\b[A-Z][A-Za-z]*[A-Z][A-Za-z0-9-]*\b")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(one_line(text)) if s.strip()]


def extractive_brief(paper: Paper) -> dict:
    """Lead sentence, method and result sentences, and key phrases, all quoted from the paper itself."""
    found = sentences(paper.abstract)
    lead = found[0] if found else one_line(paper.title)
    rest = found[1:]
    method = next((s for s in rest if _METHOD.search(s)), "")
    results = next((s for s in rest if _NUMBER.search(s) and s != method), "")
    phrases = [kw.rstrip("*") for t in paper.topics for kw in t.keywords]
    counts: dict[str, int] = {}
    for word in _ACRONYM.findall(paper.title + " " + paper.abstract):
        counts[word] = counts.get(word, 0) + 1
    phrases += sorted(counts, key=lambda w: (-counts[w], w))
    text = PaperBriefText(tldr=lead, problem="", method=method, results=results, why_it_matters="",
                          keywords=list(dict.fromkeys(phrases))[:5])
    return {"model": EXTRACTIVE, "prompt_version": "extractive-v1", "extractive": True, "en": text.model_dump()}


# ---------------------------------------------------------------- cache


class Cache:
    """Answers by request digest, in 256 JSON shards under ``state/brief-cache/<kind>/`` (kept in git)."""

    def __init__(self, root: Path, kind: str):
        self.folder = root / kind
        self._shards: dict[str, dict[str, Any]] = {}
        self._dirty: set[str] = set()

    def _shard(self, key: str) -> dict[str, Any]:
        name = key[:2]
        if name not in self._shards:
            path = self.folder / f"{name}.json"
            try:
                self._shards[name] = json.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                self._shards[name] = {}
            except (OSError, ValueError) as exc:
                log.warning("%s: unreadable cache shard, starting it afresh (%s)", path, exc)
                self._shards[name] = {}
        return self._shards[name]

    def get(self, key: str, languages: tuple[str, ...] = ()) -> dict | None:
        """The cached brief; a damaged one (not an object, or missing a language) counts as absent."""
        value = self._shard(key).get(key)
        if not isinstance(value, dict) or not all(isinstance(value.get(lang), dict) for lang in languages):
            return None
        return value

    def put(self, key: str, value: Any) -> None:
        self._shard(key)[key] = value
        self._dirty.add(key[:2])

    def save(self) -> None:
        for name in sorted(self._dirty):
            shard = self._shards[name]
            lines = [f"{json.dumps(k)}: {json.dumps(shard[k], ensure_ascii=False, sort_keys=True)}" for k in sorted(shard)]
            atomic_write(self.folder / f"{name}.json", "{\n" + ",\n".join(lines) + "\n}\n")
        self._dirty.clear()


def request_key(endpoint: Endpoint, prompt: prompts.Prompt, languages: tuple[str, ...], messages: list[dict]) -> str:
    """Model + prompt version and text + the exact request: the same key means the same question."""
    material = json.dumps([endpoint.model, prompt.version, prompt.digest, list(languages), messages],
                          ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- requests


def rule_names(rules_dir: Path | None) -> dict[str, Rule]:
    if rules_dir is None or not rules_dir.exists():
        return {}
    try:
        return {r.id: r for r in load_rules(rules_dir)}
    except ConfigError as exc:
        log.warning("rules could not be read, topics are named by id: %s", exc)
        return {}


def paper_messages(paper: Paper, rules: dict[str, Rule], config: BriefConfig) -> list[dict]:
    """System prompt + the paper as delimited data.  Nothing from the paper goes into the system message."""
    prompt = prompts.load("paper")
    topic = paper.topics[0].rule if paper.topics else ""
    rule = rules.get(topic)
    topic_text = f"{rule.name.en}: {rule.description.en}" if rule else topic
    abstract = one_line(paper.abstract)
    if len(abstract) > config.max_abstract_chars:
        abstract = abstract[:config.max_abstract_chars].rsplit(" ", 1)[0] + " …"
    # the delimiters cannot be closed from inside: angle brackets in the data are escaped
    data = (f"<topic>{neutralise(topic_text)}</topic>\n<paper>\nTitle: {neutralise(one_line(paper.title))}\n"
            f"Abstract: {neutralise(abstract) or '(none)'}\n</paper>")
    return [{"role": "system", "content": prompt.system(tuple(config.languages))}, {"role": "user", "content": data}]


def neutralise(text: str) -> str:
    return text.replace("<", "‹").replace(">", "›")


_WIDE = re.compile(r"[\u2e80-\uffff]")


def estimate_tokens(text: str) -> int:
    """A cheap upper-side estimate: ~4 characters per token for Latin text, ~1 per CJK character."""
    cjk = len(_WIDE.findall(text))
    return (len(text) - cjk) // 4 + cjk + 1


# ---------------------------------------------------------------- the run


@dataclass
class Budget:
    """Per-run limits; once reached, no new request starts and the remaining papers stay pending."""

    max_papers: int | None = None
    max_tokens: int | None = None
    started: int = 0
    tokens: int = 0
    reserved: int = 0

    def take(self, estimate: int) -> bool:
        if self.max_papers is not None and self.started >= self.max_papers:
            return False
        if self.max_tokens is not None and self.tokens + self.reserved + estimate > self.max_tokens:
            return False
        self.started += 1
        self.reserved += estimate
        return True

    def settle(self, estimate: int, used: int) -> None:
        self.reserved -= estimate
        self.tokens += used


@dataclass
class BriefReport:
    """What one run of the stage did; printed at the end and returned to callers."""

    mode: str  # "model", "batch" or "extractive"
    model: str = ""
    papers_seen: int = 0
    written: int = 0  # entries whose file changed
    done: int = 0
    cached: int = 0
    extractive: int = 0
    pending: int = 0  # left for a later run (budget, transient failure)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (paper id, why)
    usage: Usage = field(default_factory=Usage)  # direct calls
    batch_usage: Usage = field(default_factory=Usage)  # answers of a batch, billed at the batch discount
    cost: float | None = None
    digests: list[str] = field(default_factory=list)  # daily/weekly brief files written or confirmed
    dropped_refs: int = 0
    notes: list[str] = field(default_factory=list)


def paper_digest(paper: Paper) -> str:
    """What a brief was written from: title, abstract and topics.  A changed paper gets a new brief."""
    material = json.dumps([paper.title, paper.abstract, [t.rule for t in paper.topics]], ensure_ascii=False)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:16]


def needs_brief(entry: Entry, with_model: bool) -> bool:
    if entry.status in ("pending", "failed"):
        return True
    brief = entry.brief
    if brief is None:  # a status without its Brief line (e.g. an older writer dropped it): restore it
        return True
    if brief.get("paper_digest", "") != paper_digest(entry.paper):  # a new version of the paper
        return True
    return with_model and entry.status == EXTRACTIVE


_COUNTING = threading.Lock()


def write_entry(entry: Entry, status: str, brief: dict | None, report: BriefReport) -> Entry:
    if brief is not None:
        brief = {**brief, "paper_digest": paper_digest(entry.paper)}
    text = with_brief(entry, status, brief)
    if atomic_write(entry.path, text):
        with _COUNTING:  # entries are written from worker threads
            report.written += 1
    meta = dict(entry.meta, Brief_status=status)
    if brief is not None:
        meta["Brief"] = json.dumps(brief, ensure_ascii=False, sort_keys=True)
    return Entry(entry.path, entry.rel, entry.paper, meta, text)


def mark_failed(entry: Entry, report: BriefReport) -> Entry:
    """A paper the model could not brief: ``failed`` (tried again next run); an earlier brief is kept as it was."""
    if entry.brief is not None and entry.status in ("done", EXTRACTIVE):
        return entry
    return write_entry(entry, "failed", None, report)


def stamp(answer: dict, endpoint: Endpoint, prompt: prompts.Prompt) -> dict:
    return {"model": endpoint.model, "prompt_version": prompt.version, **answer}


async def brief_with_model(todo: list[Entry], settings: Settings, rules: dict[str, Rule], cache: Cache,
                           report: BriefReport, on_done: Callable[[Entry], None] = lambda _: None) -> list[Entry]:
    """Brief every entry in ``todo`` (cache first, then the model, concurrently); returns the entries as written."""
    endpoint = settings.endpoint
    prompt = prompts.load("paper")
    languages = settings.languages
    schema = paper_schema(languages)
    answer_model = paper_answer_model(languages)
    config = settings.config
    budget = Budget(config.max_papers, config.max_tokens)
    gate = asyncio.Semaphore(config.concurrency)
    client = Client(endpoint)
    results: dict[str, Entry] = {}

    async def one(entry: Entry) -> None:
        messages = paper_messages(entry.paper, rules, config)
        key = request_key(endpoint, prompt, languages, messages)
        hit = cache.get(key, languages)
        if hit is not None:
            report.cached += 1
            report.done += 1
            results[entry.rel] = await asyncio.to_thread(write_entry, entry, "done", hit, report)
            on_done(entry)
            return
        estimate = sum(estimate_tokens(m["content"]) for m in messages) + config.paper_output_tokens
        async with gate:
            if not budget.take(estimate):
                report.pending += 1
                return
            usage = Usage()
            try:
                answer = await client.structured(messages, "paper_brief", schema, answer_model,
                                                 max_tokens=config.paper_output_tokens, usage=usage)
            except BadAnswer as exc:
                report.failed.append((entry.paper.id, str(exc)))
                results[entry.rel] = mark_failed(entry, report)
                return
            except LLMError as exc:
                if not exc.transient:
                    report.failed.append((entry.paper.id, str(exc)))
                else:
                    report.pending += 1
                    report.notes.append(f"{entry.paper.id}: {exc}")
                return
            finally:
                budget.settle(estimate, usage.input_tokens + usage.output_tokens)
                report.usage.add(usage)
        brief = stamp(checked_numbers(answer.model_dump(), entry.paper), endpoint, prompt)
        cache.put(key, brief)
        report.done += 1
        # the file write (with its fsync) must not hold up the requests in flight
        results[entry.rel] = await asyncio.to_thread(write_entry, entry, "done", brief, report)
        on_done(entry)

    try:
        await asyncio.gather(*(one(e) for e in todo))
    finally:
        cache.save()
        await client.close()
    return [results.get(e.rel, e) for e in todo]


def brief_extractive(todo: list[Entry], report: BriefReport) -> list[Entry]:
    written = []
    for entry in todo:
        report.extractive += 1
        written.append(write_entry(entry, EXTRACTIVE, extractive_brief(entry.paper), report))
    return written


def cache_root(layout: Layout) -> Path:
    return layout.state / "brief-cache"


def run_brief(layout: Layout, settings: Settings, *, rules_dir: Path | None = None, day: date | None = None,
              digests: bool = True, weekly: bool = False, batch: bool = False, wait: bool = True,
              on_progress: Callable[[int, int], None] = lambda done, total: None) -> BriefReport:
    """Brief every entry that needs it, then write the daily (and weekly) cross-domain briefs."""
    from . import batch as batch_api
    from . import digest

    endpoint = settings.endpoint
    report = BriefReport("batch" if batch and endpoint else "model" if endpoint else EXTRACTIVE,
                         endpoint.model if endpoint else EXTRACTIVE)
    rules = rule_names(rules_dir)
    entries = read_entries(layout.content)
    report.papers_seen = len(entries)
    todo = [e for e in entries if needs_brief(e, endpoint is not None)]
    counter = {"done": 0}

    def progressed(_: Entry) -> None:
        counter["done"] += 1
        on_progress(counter["done"], len(todo))

    cache = Cache(cache_root(layout), "papers")
    if endpoint is None:
        written = brief_extractive(todo, report)
    elif batch:
        written = batch_api.run_batch(todo, settings, rules, cache, layout, report, wait=wait)
    else:
        written = asyncio.run(brief_with_model(todo, settings, rules, cache, report, progressed))
    by_rel = {e.rel: e for e in written}
    entries = [by_rel.get(e.rel, e) for e in entries]
    if digests and entries:
        digest.write_digests(entries, settings, rules, layout, report, day=day, weekly=weekly)
    if endpoint is not None:
        costs = (settings.cost(report.usage), settings.cost(report.batch_usage, settings.config.batch_discount))
        report.cost = None if None in costs else sum(costs)
    return report


# ---------------------------------------------------------------- the command-line edge


def run_command(args, console) -> int:
    """``academichub brief``: resolve the settings, run the stage with a progress bar, print the usage report."""
    from rich.progress import BarColumn, Progress, TextColumn

    settings = resolve_settings(
        load_config(args.config), model=args.model, base_url=args.base_url, extractive=args.extractive,
        languages=args.languages, concurrency=args.concurrency, timeout=args.timeout,
        max_papers=args.max_papers, max_tokens=args.max_tokens)
    if settings.endpoint is None and not args.extractive:
        console.print("No OPENAI_API_KEY: writing extractive briefs (quoted from the abstracts, labelled as such).",
                      style="yellow")
    with Progress(TextColumn("briefs"), BarColumn(), TextColumn("{task.completed}/{task.total}"), console=console,
                  transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task("briefs", total=None)
        try:
            report = run_brief(Layout(args.content, args.state), settings, rules_dir=args.rules, day=args.date,
                               digests=args.digests, weekly=args.weekly, batch=args.batch, wait=args.wait,
                               on_progress=lambda done, total: progress.update(task, completed=done, total=total))
        except LLMError as exc:
            console.print(f"brief: {exc}", style="red", markup=False, highlight=False)
            return 1
    print_report(report, console)
    return 1 if report.failed and not report.done else 0


def print_report(report: BriefReport, console) -> None:
    from rich.table import Table

    usage = Usage()
    usage.add(report.usage)
    usage.add(report.batch_usage)
    cost = "-" if report.cost is None else f"${report.cost:.4f}"
    table = Table(title=f"Briefs ({report.mode}: {report.model})", title_justify="left", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    rows = (("entries", report.papers_seen), ("entries changed", report.written), ("briefed", report.done),
            ("from cache", report.cached), ("extractive", report.extractive), ("left pending", report.pending),
            ("failed", len(report.failed)), ("API calls", usage.calls), ("retries", usage.retries),
            ("input tokens", usage.input_tokens), ("output tokens", usage.output_tokens), ("estimated cost", cost))
    for name, value in rows:
        table.add_row(name, str(value))
    console.print(table)
    for path in report.digests:
        console.print(f"  brief: {path}", markup=False, highlight=False)
    if report.dropped_refs:
        console.print(f"  {report.dropped_refs} references to papers that do not exist were dropped", style="yellow")
    for paper_id, why in report.failed[:10]:
        console.print(f"  {paper_id}: {why}", style="red", markup=False, highlight=False)
    for note in report.notes[:10]:
        console.print(f"  {note}", markup=False, highlight=False)
