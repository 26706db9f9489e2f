"""``academichub brief --batch``: paper briefs through the Batch API, for back-fills at batch prices.

The requests of every entry that needs a brief (and is not in the cache) go
into one JSONL file, which is uploaded (files endpoint) and submitted (batches
endpoint).  The batch id is saved in ``state/brief-batch.json`` at once, so the
command can be stopped and run again later: it then resumes polling the same
batch instead of submitting a new one.  When the batch is done, its output
file is downloaded, every answer validated, cached and written into its entry;
requests that failed leave their paper pending for the next run.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import time
from pathlib import Path

import openai

from ..archive.entry import Entry
from ..config import Rule
from ..errors import BadAnswer, LLMError
from ..files import atomic_write
from ..layout import Layout
from . import prompts
from .cache import Cache, request_key
from .entries import mark_failed
from .llm import Client, validate_answer
from .paper import from_cache, grounded, paper_messages, provenance, settle, stamp
from .report import BriefReport
from .schemas import paper_answer_model, paper_schema
from .settings import Settings

log = logging.getLogger(__name__)

RUNNING = ("validating", "in_progress", "finalizing", "cancelling")


def input_file(saved: Path) -> Path:
    return saved.with_suffix(".jsonl")


def forget(saved: Path) -> None:
    saved.unlink(missing_ok=True)
    input_file(saved).unlink(missing_ok=True)


def run_batch(
    todo: list[Entry],
    settings: Settings,
    rules: dict[str, Rule],
    cache: Cache,
    layout: Layout,
    report: BriefReport,
    *,
    wait: bool = True,
) -> list[Entry]:
    try:
        return asyncio.run(_run(todo, settings, rules, cache, layout, report, wait))
    except openai.APIStatusError as exc:
        raise LLMError(
            f"the Batch API answered {exc.status_code} ({exc.message}); a server without the files and "
            f"batches endpoints can still brief without --batch",
            transient=False,
        ) from exc
    except openai.APIError as exc:
        raise LLMError(f"the Batch API could not be reached ({exc}); run the command again to resume") from exc


async def _run(todo, settings, rules, cache, layout, report, wait) -> list[Entry]:
    endpoint = settings.endpoint
    prompt = prompts.load("paper")
    languages = settings.languages
    client = Client(endpoint)
    written: dict[str, Entry] = {}
    by_id = {e.paper.id: e for e in todo}
    try:
        # answers already known are written straight away, batched or not
        requests: dict[str, dict] = {}
        for entry in todo:
            messages = paper_messages(entry.paper, rules, settings.config)
            key = request_key(endpoint, prompt, languages, messages)
            hit = cache.get(key, languages)
            if hit is not None:
                written[entry.rel] = from_cache(entry, hit, settings, rules, report)
            else:
                requests[key] = {"entry": entry, "messages": messages}
        path = layout.brief_batch
        saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
        if saved is None:
            if not requests:
                return [written.get(e.rel, e) for e in todo]
            budget = settings.config.max_papers
            chosen = list(requests.items())[:budget] if budget is not None else list(requests.items())
            report.pending += len(requests) - len(chosen)
            if not chosen:
                return [written.get(e.rel, e) for e in todo]
            saved = await _submit(client, chosen, settings, path)
            report.notes.append(f"submitted batch {saved['batch_id']} with {len(chosen)} requests")
        else:
            report.notes.append(f"resuming batch {saved['batch_id']}")
        batch = await _poll(client, saved["batch_id"], settings.config.poll_interval, wait)
        if batch.status in RUNNING:
            report.pending += len(saved["requests"])
            report.notes.append(
                f"batch {batch.id} is {batch.status}; run `academichub brief --batch` again to collect it"
            )
            return [written.get(e.rel, e) for e in todo]
        if not batch.output_file_id:  # failed, or expired/cancelled before any answer (partial answers are kept)
            report.notes.append(f"batch {batch.id} ended as {batch.status}; its papers stay pending")
            report.pending += len(saved["requests"])
            forget(path)
            return [written.get(e.rel, e) for e in todo]
        output = await client.openai.files.content(batch.output_file_id)
        answer_model = paper_answer_model(languages)
        answered = set()
        for line in output.text.splitlines():
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                key = item["custom_id"]
                meta = saved["requests"][key]
            except (ValueError, KeyError, TypeError):
                report.notes.append("batch output: an unreadable or unknown line was skipped")
                continue
            answered.add(key)
            entry = by_id.get(meta["paper_id"])
            response = item.get("response") or {}
            body = response.get("body") or {}
            if item.get("error") or response.get("status_code", 200) >= 400:
                report.pending += 1
                report.notes.append(
                    f"{meta['paper_id']}: batch request failed: {item.get('error') or body.get('error')}"
                )
                continue
            usage = body.get("usage") or {}
            report.batch_usage.calls += 1
            report.batch_usage.input_tokens += usage.get("prompt_tokens", 0)
            report.batch_usage.output_tokens += usage.get("completion_tokens", 0)
            try:
                value = validate_answer(body, answer_model)
            except (BadAnswer, ValueError) as exc:
                report.failed.append((meta["paper_id"], str(exc)))
                if entry is not None:
                    written[entry.rel] = mark_failed(entry, report)
                continue
            brief = {"model": meta["model"], "prompt_version": meta["prompt_version"], **value.model_dump()}
            if entry is None:
                cache.put(key, brief)
                continue
            # a batch answer has no second try: the grounding policy applies to it as it is
            check = grounded(value.model_dump(), entry.paper, rules, settings.config)
            brief |= provenance(check)
            cache.put(key, brief)
            written[entry.rel] = settle(entry, brief, check, settings.config, report)
        report.pending += len(set(saved["requests"]) - answered)
        cache.save()
        forget(path)
    finally:
        await client.close()
    return [written.get(e.rel, e) for e in todo]


async def _submit(client: Client, chosen: list[tuple[str, dict]], settings: Settings, path: Path) -> dict:
    config = settings.config
    languages = settings.languages
    schema = paper_schema(languages)
    prompt = prompts.load("paper")
    lines = [
        json.dumps(
            client.batch_line(key, item["messages"], "paper_brief", schema, config.paper_output_tokens),
            ensure_ascii=False,
        )
        for key, item in chosen
    ]
    text = "\n".join(lines) + "\n"
    atomic_write(input_file(path), text)  # kept beside the batch id until the results are in, for inspection
    uploaded = await client.openai.files.create(
        file=("academichub-briefs.jsonl", io.BytesIO(text.encode("utf-8"))), purpose="batch"
    )
    batch = await client.openai.batches.create(
        input_file_id=uploaded.id,
        endpoint="/v1/chat/completions",
        completion_window="24h",
        metadata={"tool": "academichub"},
    )
    marker = stamp({}, settings.endpoint, prompt)
    saved = {
        "batch_id": batch.id,
        "input_file_id": uploaded.id,
        "submitted_at": int(time.time()),
        "requests": {key: {"paper_id": item["entry"].paper.id, **marker} for key, item in chosen},
    }
    atomic_write(path, json.dumps(saved, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    return saved


async def _poll(client: Client, batch_id: str, interval: float, wait: bool):
    """The batch once it has ended, or as it is now when ``wait`` is False."""
    while True:
        try:
            batch = await client.openai.batches.retrieve(batch_id)
        except (
            openai.APIConnectionError,
            openai.APITimeoutError,
            openai.InternalServerError,
            openai.RateLimitError,
        ) as exc:
            log.warning("polling batch %s: %s", batch_id, exc)
            if not wait:
                raise LLMError(
                    f"cannot reach the batch {batch_id} now ({exc}); it stays saved for the next run"
                ) from exc
            await asyncio.sleep(interval)
            continue
        if batch.status not in RUNNING or not wait:
            return batch
        await asyncio.sleep(interval)
