"""What the model must answer: the per-paper and daily/weekly brief schemas, and checks on the answers."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model, field_validator

from ..archive.entry import one_line
from ..text import clean as clean_text


def capped_text(cap: int):
    """A one-line plain-text field, cleaned as source text is (``pipeline.text.clean``: a model can
    answer a lone surrogate or a control character too), cut to ``cap`` characters at a word boundary."""

    def clean(value: Any) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # e.g. a card number given as 7 rather than "07" in JSON mode
        if not isinstance(value, str):
            return value
        value = one_line(clean_text(value))
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
    one = strict_object(
        {
            "tldr": string_field("One sentence, at most 25 words."),
            "problem": string_field("One short sentence."),
            "method": string_field("One short sentence."),
            "results": string_field("One short sentence; only numbers stated in the abstract."),
            "why_it_matters": string_field("One short sentence, for the topic."),
            "keywords": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 5},
        }
    )
    return strict_object({lang: one for lang in languages})


def paper_answer_model(languages: tuple[str, ...]) -> type[BaseModel]:
    return create_model(
        "PaperBriefAnswer", __config__=ConfigDict(extra="forbid"), **{lang: (PaperBriefText, ...) for lang in languages}
    )


Ref = capped_text(80)


class Theme(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: capped_text(160)
    text: capped_text(800)
    papers: Annotated[list[Ref], Field(max_length=40)]


class Link(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: capped_text(800)
    papers: Annotated[list[Ref], Field(max_length=40)]


class Pick(BaseModel):
    model_config = ConfigDict(extra="forbid")
    paper: Ref
    why: capped_text(500)


class DigestText(BaseModel):
    model_config = ConfigDict(extra="forbid")
    headline: Annotated[capped_text(400), Field(min_length=1)]
    themes: Annotated[list[Theme], Field(max_length=6)]
    connections: Annotated[list[Link], Field(max_length=6)]
    read_first: Annotated[list[Pick], Field(max_length=5)]


class WeeklyText(DigestText):
    changes: Annotated[list[Link], Field(max_length=6)]


def digest_schema(languages: tuple[str, ...], weekly: bool = False) -> dict:
    refs = {"type": "array", "items": {"type": "string", "description": 'a card number such as "07"'}}
    theme = strict_object(
        {"title": string_field("A short title."), "text": string_field("One or two sentences."), "papers": refs}
    )
    link = strict_object({"text": string_field("One or two sentences."), "papers": refs})
    pick = strict_object({"paper": string_field("A card number."), "why": string_field("One sentence.")})
    one = {
        "headline": string_field("One sentence."),
        "themes": {"type": "array", "items": theme, "maxItems": 5},
        "connections": {"type": "array", "items": link, "maxItems": 4},
        "read_first": {"type": "array", "items": pick, "maxItems": 3},
    }
    if weekly:
        one["changes"] = {"type": "array", "items": link, "maxItems": 4}
    return strict_object({lang: strict_object(one) for lang in languages})


def digest_model(languages: tuple[str, ...], weekly: bool = False) -> type[BaseModel]:
    text = WeeklyText if weekly else DigestText
    return create_model(
        "DigestAnswer", __config__=ConfigDict(extra="forbid"), **{lang: (text, ...) for lang in languages}
    )
