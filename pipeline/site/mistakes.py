"""The "report a mistake" link of a model brief: a new issue at the radar's repository, pre-filled
with what a reviewer needs (what the brief is about, its text, model and prompt version) and the
``corrections/`` file that would fix it.  The only place that URL is built."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from ..models import PaperView

FIELD_CHARS = 300  # each field of the brief quoted in the issue at most this long: the URL stays short
TITLE_CHARS = 100


def report_url(article, repository: str, siteurl: str = "") -> str:
    """The pre-filled issue of ``article``'s model brief at ``repository`` (empty: no repository
    configured, or not a model brief)."""
    brief = getattr(article, "brief", None)
    if not repository or not brief or brief.get("extractive") or not brief.get("model"):
        return ""
    paper = getattr(article, "paper", None)
    kind = getattr(article, "brief_kind", "") or "paper"
    subject = paper.id if paper else f"{kind} brief {article.radar_day.isoformat()}"
    title = f"Brief mistake: {subject} · {_cut(str(paper.title if paper else article.title), TITLE_CHARS)}"
    page = f"{siteurl.rstrip('/')}/{article.url}" if siteurl.startswith(("http://", "https://")) else article.url
    lines = [
        f"A mistake in the brief of **{subject}**: {page}",
        "",
        f"Model: {brief.get('model')} · prompt {brief.get('prompt_version') or '?'} · written "
        f"{brief.get('written') or '?'}",
        "",
        "**What is wrong, and what should it say?**",
        "",
        "",
        "",
        "---",
        "The brief as published:",
        "",
    ]
    for lang in ("zh", "en"):
        part = brief.get(lang) or {}
        if brief.get("lang", {}).get(lang, lang).startswith(lang) and part:
            lines += [f"*{lang}*"] + [f"- {key}: {_cut(text, FIELD_CHARS)}" for key, text in _texts(part)] + [""]
    lines += [
        "To fix it for good, propose a file in `corrections/` by pull request (checked by "
        "`academichub rules check`), for example:",
        "",
        "```yaml",
        *_example(paper, kind, article),
        "```",
    ]
    return f"{repository.rstrip('/')}/issues/new?" + urlencode(
        {"title": title, "body": "\n".join(lines)}, quote_via=quote
    )


def _texts(part: dict):
    """A brief's fields in one language as (name, text): strings, lists of words, items' texts."""
    for key, value in part.items():
        if isinstance(value, str) and value:
            yield key, value
        elif isinstance(value, list) and value:
            yield (
                key,
                "; ".join(
                    v
                    if isinstance(v, str)
                    else " ".join(str(v.get(k)) for k in ("title", "text", "paper", "why") if v.get(k))
                    for v in value
                    if v
                ),
            )


def _example(paper: PaperView | None, kind: str, article) -> list[str]:
    if paper:
        head, field = f"paper: {paper.id}", "en.results"
    elif kind == "daily":
        head, field = f"brief: {article.radar_day.isoformat()}", "en.headline"
    else:
        return ["# weekly briefs cannot be corrected by a file; describe the mistake above"]
    return [
        head,
        "action: replace          # or pin, or hide",
        "replace:",
        f'  {field}: "the corrected sentence"',
        'reason: "what was wrong"',
        'reviewed_by: "@your-handle"',
    ]


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"
