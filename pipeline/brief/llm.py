"""A small interface to any OpenAI-compatible chat endpoint, built on the ``openai`` package.

It asks for structured output (a strict JSON Schema ``response_format``) and,
when a server refuses that, falls back to JSON mode and then to plain text
with tolerant parsing; every answer is validated before anyone sees it.
Transient failures (429, 5xx, timeouts, lost connections) are retried with
exponential backoff that honours ``Retry-After``.  The model is never given
tools: an answer is only ever parsed as data.
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import re
import time
from dataclasses import dataclass
from typing import Any, TypeVar

import openai
from openai.types.chat import ChatCompletion
from pydantic import BaseModel, ValidationError
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt

from ..config.loader import Retrying
from ..errors import BadAnswer, LLMError

log = logging.getLogger(__name__)
T = TypeVar("T", bound=BaseModel)

MODES = ("json_schema", "json_object", "text")


@dataclass(frozen=True)
class Endpoint:
    """Where and how to call the model."""

    model: str
    base_url: str | None = None  # None: the openai package's default (or OPENAI_BASE_URL)
    api_key: str | None = None
    timeout: float = 60.0
    retrying: Retrying = Retrying(retries=4)


@dataclass
class Usage:
    """What the calls of one run cost, as the server reported it."""

    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    retries: int = 0

    def add(self, other: Usage) -> None:
        for name in ("calls", "input_tokens", "output_tokens", "retries"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _retry_after(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait (``retry-after-ms``, ``retry-after`` seconds or date)."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value) / divisor)
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(value) if divisor == 1.0 else None
            if parsed is not None:
                return max(0.0, parsed.timestamp() - time.time())
    return None


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, (openai.APITimeoutError, openai.APIConnectionError, openai.RateLimitError)):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code >= 500 or exc.status_code in (408, 409)
    return False


def _rejects_format(exc: openai.BadRequestError) -> bool:
    text = str(exc).lower()
    return any(word in text for word in ("response_format", "json_schema", "json schema", "structured", "json_object"))


_FENCE = re.compile(r"^```[a-zA-Z]*\s*|\s*```$")


def parse_json(text: str) -> Any:
    """The JSON document in a model's answer, tolerating code fences and prose around it."""
    text = _FENCE.sub("", (text or "").strip())
    try:
        return json.loads(text)
    except ValueError:
        pass
    start = text.find("{")
    while start >= 0:
        try:
            return json.JSONDecoder().raw_decode(text, start)[0]
        except ValueError:
            start = text.find("{", start + 1)
    raise BadAnswer("the answer is not JSON")


class Client:
    """Structured calls to one OpenAI-compatible endpoint."""

    def __init__(self, endpoint: Endpoint):
        self.endpoint = endpoint
        # retries are ours (honouring Retry-After, counted in the usage report), not the package's
        self.openai = openai.AsyncOpenAI(
            api_key=endpoint.api_key or "unused",
            base_url=endpoint.base_url,
            timeout=endpoint.timeout,
            max_retries=0,
        )
        self.mode = MODES[0]
        # newer OpenAI models take max_completion_tokens and only their default temperature; learnt from a 400
        self.length_parameter = "max_tokens"
        self.temperature: float | None = 0.2

    async def close(self) -> None:
        await self.openai.close()

    def _wait(self, state) -> float:
        # with many calls in flight, a rate limit fails many at once: spread their returns
        return self.endpoint.retrying.delay(
            state.attempt_number, _retry_after(state.outcome.exception()), jitter=random.random()
        )

    def _format(self, name: str, schema: dict) -> dict | None:
        if self.mode == "json_schema":
            return {"type": "json_schema", "json_schema": {"name": name, "strict": True, "schema": schema}}
        if self.mode == "json_object":
            return {"type": "json_object"}
        return None

    def _messages(self, messages: list[dict], schema: dict) -> list[dict]:
        if self.mode == "json_schema":
            return messages
        # without server-side enforcement, state the schema in the prompt (JSON mode also needs the word JSON)
        hint = "Answer with one JSON document only, no prose, matching this JSON Schema:\n" + json.dumps(
            schema, ensure_ascii=False, separators=(",", ":")
        )
        return [*messages, {"role": "system", "content": hint}]

    async def _call_once(
        self, messages: list[dict], name: str, schema: dict, model: type[T], max_tokens: int, usage: Usage
    ) -> BaseModel:
        while True:
            fmt = self._format(name, schema)
            try:
                usage.calls += 1
                # the body goes out as built here: the package's parameter transform walks every message and
                # schema node on each request, which costs more CPU than the rest of a call at high concurrency
                body = self._body(self._messages(messages, schema), max_tokens, fmt)
                response = await self.openai.post("/chat/completions", body=body, cast_to=ChatCompletion)
            except openai.BadRequestError as exc:
                if self._adapt(exc):
                    continue
                if self.mode != MODES[-1] and _rejects_format(exc):
                    following = MODES[MODES.index(self.mode) + 1]
                    log.warning(
                        "the server does not accept response_format %s; falling back to %s", self.mode, following
                    )
                    self.mode = following
                    continue
                raise LLMError(f"the server refused the request: {exc}", transient=False) from exc
            except openai.AuthenticationError as exc:
                raise LLMError(
                    f"the API key was refused ({exc.status_code}); check OPENAI_API_KEY", transient=False
                ) from exc
            except openai.NotFoundError as exc:
                raise LLMError(
                    f"not found ({exc.status_code}); check the model name and base URL", transient=False
                ) from exc
            break
        if response.usage:
            usage.input_tokens += response.usage.prompt_tokens
            usage.output_tokens += response.usage.completion_tokens
        return validate_answer(response, model)

    def _body(self, messages: list[dict], max_tokens: int, fmt: dict | None) -> dict:
        body = {"model": self.endpoint.model, "messages": messages, self.length_parameter: max_tokens}
        if self.temperature is not None:
            body["temperature"] = self.temperature
        if fmt:
            body["response_format"] = fmt
        return body

    def _adapt(self, exc: openai.BadRequestError) -> bool:
        """Change a parameter the server refused by name; False when there is nothing to change."""
        text = str(exc)
        if "max_tokens" in text and self.length_parameter == "max_tokens":
            self.length_parameter = "max_completion_tokens"
        elif "temperature" in text and self.temperature is not None:
            self.temperature = None
        else:
            return False
        log.warning("the server refused a parameter; asking again without it (%s)", text[:200])
        return True

    async def structured(
        self,
        messages: list[dict],
        name: str,
        schema: dict,
        model: type[T],
        *,
        max_tokens: int = 1200,
        usage: Usage | None = None,
    ) -> BaseModel:
        """One validated answer; transient errors are retried, a malformed answer is asked for once more."""
        usage = usage if usage is not None else Usage()
        bad_answers = 0
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.endpoint.retrying.retries + 1),
            wait=self._wait,
            retry=retry_if_exception(_transient),
            reraise=True,
        )
        while True:
            try:
                async for attempt in retrying:
                    with attempt:
                        if attempt.retry_state.attempt_number > 1:
                            usage.retries += 1
                        return await self._call_once(messages, name, schema, model, max_tokens, usage)
            except BadAnswer as exc:
                bad_answers += 1
                if exc.refused or bad_answers > 1:
                    raise
                usage.retries += 1
                log.info("invalid answer (%s); asking once more", exc)
            except openai.OpenAIError as exc:
                raise LLMError(f"{exc.__class__.__name__}: {exc}", transient=_transient(exc)) from exc

    def batch_line(self, custom_id: str, messages: list[dict], name: str, schema: dict, max_tokens: int) -> dict:
        """One request line of a Batch API input file (always strict structured output)."""
        body = self._body(
            messages,
            max_tokens,
            {"type": "json_schema", "json_schema": {"name": name, "strict": True, "schema": schema}},
        )
        return {"custom_id": custom_id, "method": "POST", "url": "/v1/chat/completions", "body": body}


def validate_answer(response: Any, model: type[T]) -> BaseModel:
    """Check a chat completion (object or the dict of a batch output line) and validate its JSON."""
    if isinstance(response, dict):
        response = ChatCompletion.model_validate(response)
    if not response.choices:
        raise BadAnswer("the answer has no choices")
    choice = response.choices[0]
    message = choice.message
    if getattr(message, "refusal", None):
        raise BadAnswer(f"the model refused: {message.refusal[:200]}", refused=True)
    if choice.finish_reason == "content_filter":
        raise BadAnswer("the answer was withheld by the server's content filter", refused=True)
    if choice.finish_reason == "length":
        raise BadAnswer("the answer was cut off (finish_reason: length)")
    if getattr(message, "tool_calls", None):
        raise BadAnswer("the answer asked for a tool; none is offered")
    data = parse_json(message.content or "")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top)"
        raise BadAnswer(f"the answer does not match the schema: {where}: {first['msg']}") from exc
