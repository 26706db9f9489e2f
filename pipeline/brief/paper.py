"""Per-paper briefs from the model: the request, the budget, concurrent calls, validated answers."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..archive.entry import BriefStatus, Entry, one_line
from ..config import Rule, load_rules
from ..errors import BadAnswer, ConfigError, LLMError
from ..models import Paper
from . import prompts
from .cache import Cache, request_key
from .entries import mark_failed, write_entry
from .extractive import brief_extractive
from .grounding import Grounding, check_paper, retry_note
from .llm import Client, Endpoint, Usage
from .report import BriefReport
from .schemas import paper_answer_model, paper_schema
from .settings import BriefConfig, Settings

log = logging.getLogger(__name__)


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
    topic, title, abstract = given(paper, rules, config)
    # the delimiters cannot be closed from inside: angle brackets in the data are escaped
    data = (
        f"<topic>{neutralise(topic)}</topic>\n<paper>\nTitle: {neutralise(title)}\n"
        f"Abstract: {neutralise(abstract) or '(none)'}\n</paper>"
    )
    return [{"role": "system", "content": prompt.system(tuple(config.languages))}, {"role": "user", "content": data}]


def given(paper: Paper, rules: dict[str, Rule], config: BriefConfig) -> tuple[str, str, str]:
    """What the model reads of a paper: its topic (name and description), title and abstract (a long
    abstract cut at a word)."""
    topic = paper.topics[0].rule if paper.topics else ""
    rule = rules.get(topic)
    abstract = one_line(paper.abstract)
    if len(abstract) > config.max_abstract_chars:
        abstract = abstract[: config.max_abstract_chars].rsplit(" ", 1)[0] + " …"
    return (f"{rule.name.en}: {rule.description.en}" if rule else topic), one_line(paper.title), abstract


def grounded(answer: dict, paper: Paper, rules: dict[str, Rule], config: BriefConfig) -> Grounding:
    """The brief's claims against what the model was given."""
    return check_paper(answer, "\n".join(given(paper, rules, config)))


def neutralise(text: str) -> str:
    return text.replace("<", "‹").replace(">", "›")


_WIDE = re.compile(r"[\u2e80-\uffff]")


def estimate_tokens(text: str) -> int:
    """A cheap upper-side estimate: ~4 characters per token for Latin text, ~1 per CJK character."""
    cjk = len(_WIDE.findall(text))
    return (len(text) - cjk) // 4 + cjk + 1


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


def stamp(answer: dict, endpoint: Endpoint, prompt: prompts.Prompt) -> dict:
    return {"model": endpoint.model, "prompt_version": prompt.version, **answer}


def provenance(grounding: Grounding) -> dict:
    """What a paper's model brief keeps beside model and prompt version: the day it was written, what
    it was written from, and its grounding check."""
    return {"written": datetime.now(UTC).date().isoformat(), "input": "abstract", **grounding.record()}


def regrounding(messages: list[dict], answer: dict, grounding: Grounding) -> list[dict]:
    """The conversation for the second try: the first answer, then its failures named."""
    return [
        *messages,
        {"role": "assistant", "content": json.dumps(answer, ensure_ascii=False)},
        {"role": "user", "content": retry_note(grounding)},
    ]


async def brief_with_model(
    todo: list[Entry],
    settings: Settings,
    rules: dict[str, Rule],
    cache: Cache,
    report: BriefReport,
    on_done: Callable[[Entry], None] = lambda _: None,
) -> list[Entry]:
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
            results[entry.rel] = await asyncio.to_thread(from_cache, entry, hit, settings, rules, report)
            on_done(entry)
            return
        estimate = sum(estimate_tokens(m["content"]) for m in messages) + config.paper_output_tokens
        async with gate:
            if not budget.take(estimate):
                report.pending += 1
                return
            usage = Usage()
            try:
                answer = await client.structured(
                    messages, "paper_brief", schema, answer_model, max_tokens=config.paper_output_tokens, usage=usage
                )
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
            answer = answer.model_dump()
            check = grounded(answer, entry.paper, rules, config)
            if not check.grounded:
                usage = Usage()
                try:
                    second = await client.structured(
                        regrounding(messages, answer, check),
                        "paper_brief",
                        schema,
                        answer_model,
                        max_tokens=config.paper_output_tokens,
                        usage=usage,
                    )
                except LLMError as exc:  # the first answer stands, as checked
                    report.notes.append(f"{entry.paper.id}: second try after the grounding check: {exc}")
                else:
                    retried = grounded(second.model_dump(), entry.paper, rules, config)
                    if retried.grounded or len(retried.failures) < len(check.failures):
                        answer, check = second.model_dump(), retried
                        report.regrounded += retried.grounded
                finally:
                    report.usage.add(usage)
        brief = stamp(answer, endpoint, prompt) | provenance(check)
        cache.put(key, brief)
        results[entry.rel] = await asyncio.to_thread(settle, entry, brief, check, config, report)
        on_done(entry)

    try:
        await asyncio.gather(*(one(e) for e in todo))
    finally:
        cache.save()
        await client.close()
    return [results.get(e.rel, e) for e in todo]


def settle(entry: Entry, brief: dict, check: Grounding, config: BriefConfig, report: BriefReport) -> Entry:
    """Write a model brief as its grounding allows: as it is, labelled unverified, or replaced by the
    extractive brief (``ungrounded`` in brief.yml)."""
    kept = check.grounded or config.ungrounded == "label"
    report.checked(check, kept=kept)
    if not kept:
        report.notes.append(
            f"{entry.paper.id}: the model's brief was replaced by the extractive one: "
            + "; ".join(str(f) for f in check.failures[:3])
        )
        return brief_extractive([entry], report)[0]
    report.done += 1
    return write_entry(entry, BriefStatus.DONE, brief, report)


def from_cache(entry: Entry, hit: dict, settings: Settings, rules: dict[str, Rule], report: BriefReport) -> Entry:
    """A cached answer, checked and settled as a new one is."""
    report.cached += 1
    check = grounded({k: v for k, v in hit.items() if k in settings.languages}, entry.paper, rules, settings.config)
    return settle(entry, hit, check, settings.config, report)
