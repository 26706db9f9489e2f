"""Reading YAML written by people: every problem reported as ``file:line: field: message``, unknown
keys (typos) refused with the nearest known one, and the few types every file shares."""

from __future__ import annotations

import difflib
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from ..errors import ConfigError

Text = Annotated[str, Field(min_length=1, max_length=200)]


def _http_only(value: str) -> str:
    if value and not value.startswith(("http://", "https://")):
        raise ValueError("expected an http:// or https:// address")
    return value


# Every configurable network address: empty (use the default) or an absolute http(s) URL.
HttpAddress = Annotated[str, AfterValidator(_http_only)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Retrying(_Strict):
    """How a request that failed for a passing reason (429, 5xx, a timeout, a refused connection)
    is tried again: ``retries`` more times, waiting ``backoff`` seconds doubled each time, or as
    long as the server asks (Retry-After), never longer than ``max_retry_after``."""

    retries: int = Field(3, ge=0, le=10)  # more attempts after a failure that may pass
    backoff: float = Field(1.0, ge=0, le=60)  # seconds before the first retry, doubled each time
    max_retry_after: float = Field(120.0, ge=0)  # never wait longer, whatever the server asks

    def delay(self, retry: int, asked: float | None = None, jitter: float = 0.0) -> float:
        """Seconds to wait before retry number ``retry`` (1 is the first); ``asked`` is the
        server's Retry-After, ``jitter`` (0 to 1) adds that share of ``backoff`` so that many
        requests failing at once do not come back at once."""
        wait = self.backoff * (2 ** (retry - 1) + jitter)
        return min(max(wait, asked) if asked is not None else wait, self.max_retry_after)


# a settings file people write is a few KB; this much is read in well under a second
MAX_CONFIG_CHARS = 128 * 1024
MAX_DEPTH = 20  # mappings and lists inside one another; the deepest setting needs 5


# libyaml's parser and composer when PyYAML was built with it (the pure ones take a second for
# 5,000 levels of [[[[… or 50 KB of lists); the nodes keep their lines either way
_FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _positions(node: yaml.Node, path: tuple = (), out: dict | None = None) -> dict:
    out = {} if out is None else out
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = path + (key.value,)
            out[child] = (
                value.start_mark.line + 1
                if not isinstance(value, yaml.ScalarNode) or value.value
                else key.start_mark.line + 1
            )
            out[child + ("<key>",)] = key.start_mark.line + 1
            _positions(value, child, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _positions(item, path + (index,), out)
    return out


_TYPE_MESSAGES = {
    "list_type": "expected a list of strings",
    "string_type": "expected a string",
    "dict_type": "expected a mapping (key: value lines)",
    "model_type": "expected a mapping (key: value lines)",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_parsing": "expected a number",
    "bool_parsing": "expected true or false",
    "missing": "required but missing",
}


def _describe(error: dict, model: type[BaseModel]) -> str:
    loc = error["loc"]
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        parent = _model_at(model, loc[:-1])
        hint = ""
        if parent is not None:
            close = difflib.get_close_matches(key, list(parent.model_fields), n=1)
            allowed = ", ".join(f for f in parent.model_fields if f != "path")
            hint = f" (did you mean '{close[0]}'?)" if close else f" (allowed: {allowed})"
        of_kind = "".join(f" for kind '{tag}'" for tag in _tags_of(parent)) if parent is not None else ""
        return f"unknown key '{key}'{of_kind}{hint}"
    if kind == "string_type" and loc and isinstance(loc[-1], int):
        return "expected a list of strings"
    if kind == "literal_error":
        return error["msg"].replace("Input should be", "expected")
    if kind == "union_tag_invalid":  # a kind no module declares
        return f"unknown kind '{error['ctx']['tag']}' (kinds: {error['ctx']['expected_tags']})"
    if kind == "union_tag_not_found":
        return "required but missing"
    return _TYPE_MESSAGES.get(kind) or error["msg"].replace("Value error, ", "")


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The model of the mapping at ``loc``; a tagged union's member is the one ``loc`` names by its tag."""
    current: list[type[BaseModel]] = [model]
    for part in loc:
        if isinstance(part, int):
            continue
        tagged = [m for m in current if part in _tags_of(m)]
        if tagged:
            current = tagged
            continue
        field = next((m.model_fields[part] for m in current if part in m.model_fields), None)
        current = _members(field.annotation) if field is not None else []
        if not current:
            return None
    return current[0] if len(current) == 1 else None


def _members(annotation) -> list[type[BaseModel]]:
    """The models an annotation holds: itself, a list's items, a union's members."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _members(arg)]


def _tags_of(model: type[BaseModel]) -> tuple:
    """The tag of a tagged union's member: the value its ``kind`` must have."""
    field = model.model_fields.get("kind")
    return typing.get_args(field.annotation) if field is not None else ()


def _in_data(data: Any, loc: tuple) -> tuple:
    """``loc`` without the tags pydantic inserts for a tagged union (``sources.0.crossref.url``): the
    path of the value in the file, for its line and its name."""
    path = []
    for part in loc:
        if isinstance(data, dict) and isinstance(part, str) and part not in data and part == data.get("kind"):
            continue
        path.append(part)
        data = (
            data.get(part)
            if isinstance(data, dict)
            else (data[part] if isinstance(data, list) and isinstance(part, int) and part < len(data) else None)
        )
    return tuple(path)


def _field_path(loc: tuple) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def load_yaml(path: Path, model: type[BaseModel], display: str | None = None, extra: dict | None = None):
    """Parse one YAML file into ``model``; raise ConfigError with file:line messages."""
    display = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{display}: cannot read: {exc}"]) from exc
    if len(text) > MAX_CONFIG_CHARS:
        raise ConfigError([f"{display}:1: file is {len(text):,} characters; the limit is {MAX_CONFIG_CHARS:,}"])
    try:
        _refuse_pathological(text, display)
        node = yaml.compose(text, Loader=_FastLoader)
        data = yaml.constructor.SafeConstructor().construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError([f"{display}{line}: invalid YAML: {problem}"]) from exc
    if not isinstance(data, dict):
        raise ConfigError([f"{display}:1: expected a mapping at the top of the file"])
    positions = _positions(node) if node is not None else {}
    try:
        return model.model_validate({**data, **(extra or {})})
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            if error["type"].startswith("union_tag_"):  # the tag's own key: sources[0].kind
                loc += (error["ctx"]["discriminator"].strip("'"),)
            described = _describe(error, model)
            loc = _in_data(data, loc)
            key = loc + ("<key>",) if error["type"] == "extra_forbidden" else loc
            line = positions.get(key) or _nearest_line(positions, loc)
            problems.append(f"{display}:{line}: {_field_path(loc) or '(top)'}: {described}")
        raise ConfigError(problems) from exc


def _refuse_pathological(text: str, display: str) -> None:
    """Refuse, from the parser's events alone (the composer recurses), what no settings file needs:
    aliases, which let a few lines expand into billions of values, and nesting deeper than MAX_DEPTH."""
    too_deep = f"nested more than {MAX_DEPTH} levels deep; no setting needs that many"
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_FastLoader):
            line = event.start_mark.line + 1
            if isinstance(event, yaml.AliasEvent):
                raise ConfigError(
                    [f"{display}:{line}: YAML aliases (*{event.anchor}) are not allowed; write the values out"]
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise ConfigError([f"{display}:{line}: {too_deep}"])
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:  # libyaml scans ahead and stops at its own depth limit first
        if "nesting depth" not in str(exc.problem):
            raise
        raise ConfigError([f"{display}:{exc.problem_mark.line + 1}: {too_deep}"]) from exc


def _nearest_line(positions: dict, loc: tuple) -> int:
    while loc:
        if loc in positions:
            return positions[loc]
        loc = loc[:-1]
    return 1


M = TypeVar("M", bound=BaseModel)


def load_files(files: list[Path], model: type[M], key: Callable[[M], str], taken: Callable[[M, str], str]) -> list[M]:
    """One settings file a record (``rules/``, ``corrections/``): every file read, all problems reported
    together; a record whose ``key`` an earlier file holds is refused with ``taken(record, that file)``."""
    found: list[M] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for file in files:
        try:
            record = load_yaml(file, model, extra={"path": str(file)})
        except ConfigError as exc:
            problems.extend(exc.problems)
            continue
        if key(record) in seen:
            problems.append(f"{file}:1: {taken(record, seen[key(record)])}")
            continue
        seen[key(record)] = str(file)
        found.append(record)
    if problems:
        raise ConfigError(problems)
    return found
