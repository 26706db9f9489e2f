"""``academichub rules preview``: what a change to the curation rules would do.

A pull request that edits ``rules/`` should show, before anyone merges it,
which recent papers each changed rule would add to or remove from its topic.
The papers are the ones the site already holds (each entry's ``Record`` line
is the complete paper) plus the pipeline's cached candidates in
``state/candidates/`` (papers a run saw but no rule kept).  They are curated
twice, with the base rules and with the proposed rules, day by day as a run
would (``max_per_day`` counts per day), and the difference is reported as
Markdown for the pull request's job summary.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from .. import markdown
from ..archive import candidates, runlog
from ..archive.entry import read_record
from ..config import Rule, load_rules
from ..errors import ConfigError, PreviewError
from ..fetch.curate import compile_rules, curate
from ..fetch.job import similarities
from ..layout import Layout
from ..models import Paper, Selection


@dataclass(frozen=True)
class Pool:
    """The papers a preview re-curates."""

    papers: list[Paper]
    from_content: int
    from_candidates: int
    first: date | None
    last: date | None


@dataclass(frozen=True)
class Move:
    paper: Paper
    why: Selection | None  # the selection on the side that has it


@dataclass
class RuleDiff:
    rule_id: str
    name: str
    status: str  # new, deleted, modified, unchanged
    added: list[Move] = field(default_factory=list)
    removed: list[Move] = field(default_factory=list)


@dataclass
class Preview:
    base_label: str
    pool: Pool
    rules: list[RuleDiff]
    newly_kept: list[Paper]  # kept by the proposed rules only
    dropped: list[Paper]  # kept by the base rules only
    recategorised: list[tuple[Paper, str, str]]  # paper, base topic, proposed topic

    @property
    def changed(self) -> list[RuleDiff]:
        return [r for r in self.rules if r.status != "unchanged" or r.added or r.removed]


# ---------------------------------------------------------------- inputs


def paper_day(paper: Paper) -> date | None:
    """The radar day: the day a run wrote the paper, or read it as a candidate."""
    return paper.radar_day


def load_pool(content: Path, state: Path | None, days: int) -> Pool:
    """Papers of the last ``days`` radar days (counted back from the last run's day, else the newest
    radar day; 0: all) in content/ and the candidates."""
    found: dict[str, Paper] = {}
    for path in Layout(content).entry_files():
        paper = read_record(path)
        if paper:
            found[paper.id] = paper
    from_content = set(found)
    for paper in candidates.load(state) if state else ():
        found.setdefault(paper.id, paper)
    dated = [d for d in map(paper_day, found.values()) if d]
    last = (runlog.last_day(Layout(state=state).runs_file) if state else None) or max(dated, default=None)
    first = last - timedelta(days=days - 1) if last and days > 0 else None
    papers = [p for p in found.values() if first is None or paper_day(p) is None or paper_day(p) >= first]
    papers.sort(key=lambda p: (paper_day(p) or date.min, p.id))
    in_content = sum(1 for p in papers if p.id in from_content)
    return Pool(papers, in_content, len(papers) - in_content, first if papers else None, last if papers else None)


def load_rules_or_none(directory: Path) -> list[Rule]:
    """The rules in ``directory``; none when the folder has no rule files (a first pull request)."""
    if not any(directory.glob("*.y*ml")):
        return []
    return load_rules(directory)


def _git(args: list[str], cwd: Path) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except OSError as exc:
        raise PreviewError(f"cannot run git: {exc}") from exc
    if done.returncode:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise PreviewError(f"git {' '.join(args)}: {message}")
    return done.stdout


def export_rules(revision: str, rules_dir: Path, into: Path) -> Path:
    """Write the rule files of ``rules_dir`` as they are at git ``revision`` into ``into``."""
    folder = rules_dir.resolve()
    top = Path(_git(["rev-parse", "--show-toplevel"], folder if folder.is_dir() else Path.cwd()).decode().strip())
    try:
        relative = folder.relative_to(top.resolve()).as_posix()
    except ValueError as exc:
        raise PreviewError(f"{rules_dir} is not inside the git repository {top}") from exc
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], top)
    except PreviewError as exc:
        raise PreviewError(f"unknown git revision {revision!r}; fetch it first (e.g. git fetch origin main)") from exc
    names = _git(["ls-tree", "--name-only", revision, "--", f"{relative}/"], top).decode("utf-8").splitlines()
    into.mkdir(parents=True, exist_ok=True)
    for name in names:
        if name.endswith((".yml", ".yaml")):
            (into / Path(name).name).write_bytes(_git(["show", f"{revision}:{name}"], top))
    return into


# ---------------------------------------------------------------- comparing


def _by_day(papers: list[Paper]) -> dict[date | None, list[Paper]]:
    days: dict[date | None, list[Paper]] = defaultdict(list)
    for paper in papers:
        days[paper_day(paper)].append(paper)
    return days


def curate_days(
    papers: list[Paper], rules: list[Rule], layout: Layout | None = None
) -> dict[str, tuple[Selection, ...]]:
    """paper id -> its selections (best first), curating each day's papers as one run would.

    With ``layout``, rules with ``similar_to`` are scored on the papers' vectors (the semantic extra).
    """
    compiled = compile_rules(rules)
    semantic = similarities(papers, rules, layout) if layout else None
    scores = semantic.scores if semantic else None
    topics: dict[str, tuple[Selection, ...]] = {}
    for group in _by_day(papers).values():
        kept, _ = curate(group, compiled, scores)
        topics.update({p.id: p.topics for p in kept})
    return topics


def _definition(rule: Rule) -> dict:
    return rule.model_dump(exclude={"path"})


def compare(pool: Pool, base: list[Rule], head: list[Rule], base_label: str, layout: Layout | None = None) -> Preview:
    before, after = curate_days(pool.papers, base, layout), curate_days(pool.papers, head, layout)
    by_id = {p.id: p for p in pool.papers}
    base_rules, head_rules = {r.id: r for r in base}, {r.id: r for r in head}
    diffs = []
    for rule_id in sorted(base_rules.keys() | head_rules.keys()):
        old, new = base_rules.get(rule_id), head_rules.get(rule_id)
        status = (
            "new"
            if old is None
            else "deleted"
            if new is None
            else "unchanged"
            if _definition(old) == _definition(new)
            else "modified"
        )
        diff = RuleDiff(rule_id, (new or old).name.en, status)
        for paper in pool.papers:
            had = next((s for s in before.get(paper.id, ()) if s.rule == rule_id), None)
            has = next((s for s in after.get(paper.id, ()) if s.rule == rule_id), None)
            if has and not had:
                diff.added.append(Move(paper, has))
            elif had and not has:
                diff.removed.append(Move(paper, had))
        diffs.append(diff)
    newly_kept = [by_id[i] for i in after if i not in before]
    dropped = [by_id[i] for i in before if i not in after]
    recategorised = [
        (by_id[i], before[i][0].rule, after[i][0].rule)
        for i in before.keys() & after.keys()
        if before[i][0].rule != after[i][0].rule
    ]
    recategorised.sort(key=lambda m: (paper_day(m[0]) or date.min, m[0].id))
    return Preview(base_label, pool, diffs, _sorted(newly_kept), _sorted(dropped), recategorised)


def _sorted(papers: list[Paper]) -> list[Paper]:
    return sorted(papers, key=lambda p: (paper_day(p) or date.min, p.id))


def preview(
    content: Path,
    state: Path | None,
    head_dir: Path,
    days: int,
    base_dir: Path | None = None,
    base_revision: str | None = None,
) -> Preview:
    """Compare the rules in ``head_dir`` with ``base_dir`` or with ``head_dir`` at git ``base_revision``."""
    head = load_rules(head_dir)
    pool = load_pool(content, state, days)
    layout = Layout(content, state) if state else None
    if base_dir is not None:
        return compare(pool, _load_base(base_dir, str(base_dir)), head, str(base_dir), layout)
    if not base_revision:
        raise PreviewError("give the rules to compare with: --base REVISION or --base-rules FOLDER")
    with tempfile.TemporaryDirectory(prefix="academichub-base-rules-") as tmp:
        folder = export_rules(base_revision, head_dir, Path(tmp))
        return compare(pool, _load_base(folder, base_revision), head, base_revision, layout)


def _load_base(folder: Path, label: str) -> list[Rule]:
    try:
        return load_rules_or_none(folder)
    except ConfigError as exc:
        raise PreviewError(f"the base rules ({label}) are invalid:\n" + "\n".join(exc.problems)) from exc


# ---------------------------------------------------------------- Markdown


def _why(selection: Selection | None) -> str:
    return markdown.text(selection.reason().split(": ", 1)[-1]) if selection else ""


def _rows(moves: list[Move], limit: int) -> list[list[str]]:
    rows = [
        [
            str(paper_day(m.paper) or "—"),
            markdown.link(m.paper.title, m.paper.url),
            markdown.text(m.paper.source_label or m.paper.source),
            _why(m.why),
        ]
        for m in moves[:limit]
    ]
    if len(moves) > limit:
        rows.append(["", f"… and {len(moves) - limit} more", "", ""])
    return rows


def to_markdown(result: Preview, limit: int = 25) -> str:
    pool = result.pool
    span = f"{pool.first} – {pool.last}" if pool.first else "no dated papers"
    lines = [
        "## Rule preview",
        "",
        f"The proposed `rules/` compared with {markdown.code(result.base_label)} on {len(pool.papers)} recent papers "
        f"({span}): {pool.from_content} already on the site and {pool.from_candidates} cached candidates.",
        "",
    ]
    changed = result.changed
    if not changed:
        lines.append("No rule changes the selection of these papers.")
        return "\n".join(lines) + "\n"
    lines.append(
        markdown.table(
            ["rule", "change", "papers added", "papers removed"],
            [
                [
                    f"{markdown.code(r.rule_id)} {markdown.text(r.name)}",
                    r.status,
                    str(len(r.added)),
                    str(len(r.removed)),
                ]
                for r in changed
            ],
        )
    )
    lines += [
        "",
        f"On the whole site: {len(result.newly_kept)} papers would be newly kept, "
        f"{len(result.dropped)} would no longer be kept, {len(result.recategorised)} would change their main topic.",
    ]
    for diff in changed:
        lines += ["", f"### {markdown.code(diff.rule_id)} {markdown.text(diff.name)} ({diff.status})"]
        for title, moves in (("Added to this topic", diff.added), ("Removed from this topic", diff.removed)):
            if moves:
                lines += [
                    "",
                    f"**{title} ({len(moves)})**",
                    "",
                    markdown.table(["date", "paper", "source", "why"], _rows(moves, limit)),
                ]
        if not diff.added and not diff.removed:
            lines += ["", "No recent paper changes for this rule."]
    if result.recategorised:
        rows = [
            [str(paper_day(p) or "—"), markdown.link(p.title, p.url), markdown.code(old), markdown.code(new)]
            for p, old, new in result.recategorised[:limit]
        ]
        if len(result.recategorised) > limit:
            rows.append(["", f"… and {len(result.recategorised) - limit} more", "", ""])
        lines += ["", "### Main topic changes", "", markdown.table(["date", "paper", "from", "to"], rows)]
    return "\n".join(lines) + "\n"
