"""Turn raw items into clean ``Paper`` records and merge duplicates.

Everything here is pure: text in, text out.  Every field that came from a
feed is treated as untrusted plain text: markup is removed (never rendered),
entities are decoded, and only http(s) links survive.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

from ..archive.identity import normalise_doi, split_arxiv_id
from ..models import Author, Paper, RawAuthor, RawItem
from .tex import tex_to_unicode

ARXIV_PREFIX = re.compile(r"^\s*arXiv:\S+\s+Announce Type:\s*[\w-]+\s*(?:Abstract:\s*)?", re.IGNORECASE)
URL_RE = re.compile(r"https?://[^\s<>\"'()\[\]{}]+", re.IGNORECASE)
CODE_HOSTS = ("github.com", "gitlab.com", "huggingface.co", "bitbucket.org", "codeberg.org")
_WS = re.compile(r"\s+")
# medRxiv/bioRxiv flatten structured abstracts into glued tokens: O_ST_ABSBackgroundC_ST_ABS,
# C_LIO_LI (list items), O_SCPLOWmBTTSC_SCPLOW (small caps)
_RXIV_TOKENS = {
    re.compile(r"O_ST_ABS"): " ",
    re.compile(r"C_ST_ABS"): ": ",
    re.compile(r"(?:C_LI)?O_LI"): " • ",
    re.compile(r"C_LI"): " ",
    re.compile(r"[OC]_(?:SCPLOW|SCPCAP|SUP|SUB|FIG|TBL)"): "",
}
_RUN_IN_HEADING = re.compile(
    r"\b(Background|Methods?|Results?|Conclusions?|Objectives?|Findings|Interpretation|Importance|Purpose|Aims?)(?=[A-Z][a-z])"
)


class _TextExtractor(HTMLParser):
    """Collects the text of an HTML/XML fragment; drops script/style bodies."""

    BLOCK = {"p", "div", "br", "li", "sec", "title", "jats:p", "jats:title", "jats:sec", "tr", "h1", "h2", "h3", "h4"}
    SKIP = {"script", "style", "jats:label", "label"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1
        elif tag in self.BLOCK:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self.BLOCK:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


# control characters, zero-width spaces, BOMs and bidirectional overrides (used to spoof text direction)
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u202a-\u202e\u2066-\u2069\ufeff]")
MAX_TITLE = 500
MAX_ABSTRACT = 10_000
MAX_NAME = 200


def collapse(text: str) -> str:
    """Whitespace collapsed to single spaces; invisible and direction-override characters removed."""
    text = text or ""
    if not text.isascii() or _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    return " ".join(text.split())


def shorten(text: str, limit: int) -> str:
    """Cut overlong text at a word boundary, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip() + " …"


def strip_markup(text: str) -> str:
    """Plain text from an HTML or JATS fragment, entities decoded, whitespace collapsed."""
    if not text:
        return ""
    if "<" not in text and "&" not in text:
        return collapse(text)
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    return collapse(html.unescape("".join(parser.parts)))


def clean_abstract(text: str, fmt: str = "html") -> str:
    plain = collapse(html.unescape(text)) if fmt == "text" else strip_markup(text)
    plain = ARXIV_PREFIX.sub("", plain)
    if "_" in plain:  # cheap test first: most abstracts have no flattening tokens
        for token, replacement in _RXIV_TOKENS.items():
            plain = token.sub(replacement, plain)
    plain = _RUN_IN_HEADING.sub(r"\1: ", plain)
    plain = re.sub(r"\s+([:,.;])(?=\s|$)", r"\1", collapse(plain))
    plain = re.sub(r"^(?:Abstract|ABSTRACT)[:.]?\s+", "", plain)
    return plain


def clean_title(text: str, fmt: str = "text") -> str:
    """Titles are text (LaTeX kept for math rendering); HTML titles (Nature's S<sub>N</sub>2) lose their tags."""
    title = strip_markup(text) if fmt == "html" else collapse(text)
    return re.sub(r"\s*\(arXiv:[^)]*\)\s*$", "", title)


def _inverted(name: str) -> tuple[str, str] | None:
    """'Fan, Yingqi' -> ('Fan', 'Yingqi'); None when the name is not written family name first."""
    name = collapse(name).replace(";", ",")
    if name.count(",") == 1:
        last, first = (p.strip() for p in name.split(","))
        if first and last and not re.fullmatch(r"(?i)jr\.?|sr\.?|ii|iii|iv", first):
            return last, first
    return None


def display_name(name: str) -> str:
    """'Fan, Yingqi' -> 'Yingqi Fan'; collapses whitespace; removes list separators."""
    parts = _inverted(name)
    return collapse(f"{parts[1]} {parts[0]}" if parts else name.replace(";", ","))


def family_name(author: RawAuthor, shown: str) -> str:
    """The family name of an author when the source tells it (a field of its own, or 'Family, Given'),
    and it is the end of the name as shown; else ''."""
    parts = _inverted(author.name)
    family = collapse(author.family) or (parts[0] if parts else "")
    return family if family and shown.endswith(family) and family != shown else ""


def safe_url(url: str) -> str:
    """Keep only absolute http(s) URLs; anything else (javascript:, data:, relative) is dropped."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    if any(c in url for c in "\"'<>\\ \n\t"):
        return ""
    return url


def link_key(value: str) -> str:
    """The identity key of a paper's other version named by its record: an arXiv id (as such, or as
    arXiv's DOI 10.48550/arXiv.…) -> "arxiv:…", any other DOI -> "doi:…"; "" when neither."""
    doi = normalise_doi(value)
    arxiv_id, _ = split_arxiv_id(doi.removeprefix("10.48550/arxiv.") if doi.startswith("10.48550/") else value)
    if arxiv_id:
        return f"arxiv:{arxiv_id}"
    return f"doi:{doi}" if doi else ""


def find_code_links(*texts: str) -> tuple[str, ...]:
    found: list[str] = []
    for text in texts:
        for raw in URL_RE.findall(text or ""):
            url = safe_url(raw.rstrip(".,;:"))
            host = urlsplit(url).netloc.lower() if url else ""
            if host.removeprefix("www.") in CODE_HOSTS and url not in found:
                found.append(url)
    return tuple(found)


def badge(label: str, categories) -> str:
    """A source label; '{category}' / '{CATEGORY}' become the primary category ('arXiv ({CATEGORY})')."""
    primary = next(iter(categories), "")
    return collapse(label.replace("{category}", primary).replace("{CATEGORY}", primary.upper()).replace("()", ""))


def normalise(item: RawItem, label: str) -> Paper:
    """One raw item to one Paper.  Raises ValueError if the item cannot be identified."""
    title = shorten(tex_to_unicode(clean_title(item.title, item.title_format)), MAX_TITLE)
    if not title:
        raise ValueError("item has no title")
    arxiv_id, version = split_arxiv_id(item.arxiv_id)
    doi = normalise_doi(item.doi)
    if arxiv_id:
        paper_id = f"arxiv:{arxiv_id}"
        url = f"https://arxiv.org/abs/{arxiv_id}"
        pdf = f"https://arxiv.org/pdf/{arxiv_id}" + (f"v{version}" if version else "")
    elif doi:
        paper_id = f"doi:{doi}"
        url = safe_url(item.url) or f"https://doi.org/{doi}"
        pdf = safe_url(item.pdf)
    else:
        raise ValueError(f"item {title[:60]!r} has neither an arXiv id nor a DOI")
    abstract = shorten(tex_to_unicode(clean_abstract(item.abstract, item.abstract_format)), MAX_ABSTRACT)
    comment = collapse(strip_markup(item.comment))
    authors = tuple(
        Author(
            name,
            tuple(shorten(tex_to_unicode(collapse(x)), MAX_NAME) for x in a.affiliations if x.strip()),
            family_name(replace(a, name=tex_to_unicode(a.name), family=tex_to_unicode(a.family)), name),
        )
        for a in item.authors
        if (name := shorten(display_name(tex_to_unicode(a.name)), MAX_NAME))
    )
    categories = tuple(dict.fromkeys(c.strip() for c in item.categories if c and c.strip()))
    return Paper(
        id=paper_id,
        version=version or item.version,
        title=title,
        source=item.source_id,
        source_label=badge(label, categories),
        authors=authors,
        abstract=abstract,
        categories=categories,
        announce_type=item.announce_type,
        published=item.published,
        updated=item.updated or item.published,
        url=url,
        pdf=pdf,
        doi=doi,
        arxiv_id=arxiv_id,
        journal_ref=collapse(strip_markup(item.journal_ref)),
        comment=comment,
        venue=collapse(strip_markup(item.venue)),
        code_links=find_code_links(abstract, comment),
        links=tuple(k for k in dict.fromkeys(map(link_key, item.links)) if k and k != paper_id),
    )


def settle_dates(paper: Paper, day: date, now: datetime) -> tuple[Paper, str]:
    """Give undated papers the run date, and papers dated after ``now`` (plus a day of clock skew) too.

    Returns (paper, note); the note is empty when nothing was changed.
    """
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    if paper.published is None:
        return replace(paper, published=start, updated=paper.updated or start), "undated, given the run date"
    if paper.published > now + timedelta(days=1):
        return replace(
            paper, published=start, updated=start
        ), f"dated in the future ({paper.published:%Y-%m-%d}), given the run date"
    return paper, ""
