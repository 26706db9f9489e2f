"""Loading and validating ``sources.yml`` and ``rules/*.yml``.

Both are written by people, often strangers sending a pull request, so every
problem is reported as ``file:line: field: message`` and unknown keys (typos)
are refused rather than ignored.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import ConfigError

Text = Annotated[str, Field(min_length=1, max_length=200)]


def _http_only(value: str) -> str:
    if value and not value.startswith(("http://", "https://")):
        raise ValueError("expected an http:// or https:// address")
    return value


# Every configurable network address: empty (use the default) or an absolute http(s) URL.
HttpAddress = Annotated[str, AfterValidator(_http_only)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- sources


class HttpSettings(_Strict):
    user_agent: str = "AcademicHub/0.1 (+https://github.com/academichub/academichub)"
    contact: str = ""
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    retries: int = Field(3, ge=0, le=10)
    backoff: float = Field(1.0, ge=0)
    max_retry_after: float = Field(120.0, ge=0)
    # a response is refused beyond this size, and abandoned when its body takes longer than this
    max_bytes: int = Field(64 * 1024 * 1024, ge=1024)
    total_timeout: float = Field(300.0, gt=0)
    # arXiv asks for no more than one request every 3 seconds (API, RSS and OAI-PMH alike).
    arxiv_interval: float = Field(3.0, ge=0)


class SourceConfig(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=64)]
    kind: Literal["arxiv_rss", "arxiv_api", "arxiv_oai", "rss", "crossref", "biorxiv"]
    label: Text
    enabled: bool = True
    url: HttpAddress = ""  # the full feed URL (arxiv_rss, rss)
    base_url: HttpAddress = ""  # the API root (arxiv_api, arxiv_oai, crossref, biorxiv)
    # arxiv_rss: archives joined with "+", e.g. ["cs.AI", "cs.CL"]
    categories: list[str] = []
    # arxiv_api: a search query such as 'au:"Yingqi Fan"' or 'cat:cs.AI AND ti:agent'
    query: str = ""
    page_size: int = Field(100, ge=1, le=2000)
    max_results: int = Field(500, ge=1, le=50000)
    # arxiv_api / crossref / biorxiv: how many days back from the run date to ask for
    days: int = Field(1, ge=1, le=3660)
    # arxiv_oai: the OAI set, e.g. "cs" or "physics:quant-ph"
    set: str = ""
    # crossref
    issn: list[str] = []
    mailto: str = ""
    # biorxiv: "biorxiv" or "medrxiv" and an optional category filter
    server: Literal["biorxiv", "medrxiv"] = "biorxiv"
    category: str = ""
    # papers from this source are written with this category when no arXiv category exists
    default_category: str = ""
    # a record published more than this many days before the run day is not news: it is skipped
    # and counted as old; null keeps every record (a back-fill); unset: the kind's default (age_limit)
    max_age_days: int | None = Field(None, ge=0, le=36600)

    def age_limit(self) -> int | None:
        """How old (days before the run day) a record may be and still be news.

        arXiv's RSS lists the day's announcements; a journal's RSS lists its current issue and
        Crossref indexes late, so both keep more than a month; a query with a ``days`` window
        (arXiv API, bioRxiv) keeps its window; OAI-PMH is for back-fills and keeps everything.
        """
        if "max_age_days" in self.model_fields_set:
            return self.max_age_days
        return {"arxiv_rss": 7, "rss": 45, "crossref": max(45, self.days), "arxiv_api": self.days + 1,
                "biorxiv": self.days + 1, "arxiv_oai": None}[self.kind]

    @model_validator(mode="after")
    def _kind_needs(self) -> "SourceConfig":
        needs = {
            "arxiv_rss": ("categories", "url"),
            "rss": ("url",),
            "arxiv_api": ("query",),
            "arxiv_oai": ("set",),
            "crossref": ("issn",),
        }.get(self.kind, ())
        if needs and not any(getattr(self, name) for name in needs):
            raise ValueError(f"a {self.kind} source needs " + " or ".join(needs))
        return self


class SourcesFile(_Strict):
    http: HttpSettings = HttpSettings()
    sources: list[SourceConfig]


KIND_DEFAULTS = {
    "arxiv_rss": ("url", ""),  # built from the categories, see sources.arxiv_rss
    "rss": ("url", ""),
    "arxiv_api": ("base_url", "https://export.arxiv.org/api/query"),
    "arxiv_oai": ("base_url", "https://oaipmh.arxiv.org/oai"),
    "crossref": ("base_url", "https://api.crossref.org"),
    "biorxiv": ("base_url", "https://api.biorxiv.org"),
}


# ---------------------------------------------------------------- rules

KeywordList = list[Annotated[str, Field(min_length=1, max_length=120)]]


class LocalText(_Strict):
    en: Text
    zh: Text = ""


class Include(_Strict):
    categories: KeywordList = []
    keywords: KeywordList = []
    authors: KeywordList = []
    sources: KeywordList = []


class Exclude(_Strict):
    categories: KeywordList = []
    keywords: KeywordList = []


class SimilarTo(_Strict):
    """The semantic signal (needs the semantic extra): papers like these are selected."""

    papers: KeywordList = []  # arXiv ids or DOIs
    bibtex: str = ""  # a BibTeX file, e.g. a Zotero export, relative to the rule file
    threshold: float = Field(0.5, gt=0, le=1)  # cosine similarity to the nearest of those papers

    @field_validator("papers", mode="before")
    @classmethod
    def _ids_are_text(cls, value: Any) -> Any:
        if isinstance(value, list) and any(isinstance(item, (int, float)) for item in value):
            # YAML reads 2604.22038 as a number (and 2604.10000 as 2604.1): the id would be lost
            raise ValueError('write arXiv ids as text: "2604.22038" or arXiv:2604.22038')
        return value

    @model_validator(mode="after")
    def _something_to_compare(self) -> "SimilarTo":
        if not (self.papers or self.bibtex):
            raise ValueError("needs papers or a bibtex file")
        return self


class Rule(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
    name: LocalText
    description: LocalText
    similar_to: SimilarTo | None = None
    include: Include = Field(Include(), validate_default=True)
    exclude: Exclude = Exclude()
    min_score: int | None = Field(None, ge=0, le=100)
    max_per_day: int | None = Field(None, ge=1, le=10000)
    # where the rule file lives, for error messages and the site's "edit this rule" link
    path: str = Field("", exclude=True)

    @field_validator("include")
    @classmethod
    def _something_to_match(cls, value: Include, info) -> Include:
        if not (value.categories or value.keywords or value.authors or info.data.get("similar_to")):
            raise ValueError("needs at least one of categories, keywords or authors")
        return value


# ---------------------------------------------------------------- loading


MAX_CONFIG_CHARS = 512 * 1024


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of every mapping key and value."""


def _positions(node: yaml.Node, path: tuple = (), out: dict | None = None) -> dict:
    out = {} if out is None else out
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = path + (key.value,)
            out[child] = value.start_mark.line + 1 if not isinstance(value, yaml.ScalarNode) or value.value else key.start_mark.line + 1
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
        return f"unknown key '{key}'{hint}"
    if kind == "string_type" and loc and isinstance(loc[-1], int):
        return "expected a list of strings"
    if kind == "literal_error":
        return error["msg"].replace("Input should be", "expected")
    return _TYPE_MESSAGES.get(kind) or error["msg"].replace("Value error, ", "")


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return None
        annotation = field.annotation
        args = getattr(annotation, "__args__", ())
        current = next((a for a in (annotation, *args) if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if current is None:
            return None
    return current


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
        alias = next((e for e in yaml.parse(text, Loader=_LineLoader) if isinstance(e, yaml.AliasEvent)), None)
        if alias is not None:  # aliases let a few lines expand into billions of values
            raise ConfigError([f"{display}:{alias.start_mark.line + 1}: YAML aliases (*{alias.anchor}) are not allowed; write the values out"])
        node = yaml.compose(text, Loader=_LineLoader)
        data = yaml.load(text, Loader=_LineLoader)
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
            key = loc + ("<key>",) if error["type"] == "extra_forbidden" else loc
            line = positions.get(key) or _nearest_line(positions, loc)
            problems.append(f"{display}:{line}: {_field_path(loc) or '(top)'}: {_describe(error, model)}")
        raise ConfigError(problems) from exc


def _nearest_line(positions: dict, loc: tuple) -> int:
    while loc:
        if loc in positions:
            return positions[loc]
        loc = loc[:-1]
    return 1


def load_sources(path: Path) -> SourcesFile:
    config = load_yaml(path, SourcesFile)
    seen: set[str] = set()
    problems = []
    for source in config.sources:
        if source.id in seen:
            problems.append(f"{path}: sources: duplicate source id '{source.id}'")
        seen.add(source.id)
    if problems:
        raise ConfigError(problems)
    return config


def load_rules(directory: Path) -> list[Rule]:
    """Load every ``*.yml``/``*.yaml`` in ``directory``; all problems are reported together."""
    files = sorted([*directory.glob("*.yml"), *directory.glob("*.yaml")])
    if not files:
        raise ConfigError([f"{directory}: no rule files (*.yml) found"])
    rules: list[Rule] = []
    problems: list[str] = []
    ids: dict[str, str] = {}
    for file in files:
        try:
            rule = load_yaml(file, Rule, extra={"path": str(file)})
        except ConfigError as exc:
            problems.extend(exc.problems)
            continue
        if rule.id in ids:
            problems.append(f"{file}:1: id: '{rule.id}' is already used by {ids[rule.id]}")
            continue
        ids[rule.id] = str(file)
        rules.append(rule)
    if problems:
        raise ConfigError(problems)
    return rules
