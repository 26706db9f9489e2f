"""`academichub rules preview`: re-curating the site's papers with proposed rules."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from github_api import rendered

from pipeline.archive import candidates
from pipeline.archive.entry import entry_path, render_entry
from pipeline.config import load_rules
from pipeline.errors import PreviewError
from pipeline.fetch.curate import compile_rules, curate
from pipeline.models import Author, Paper
from pipeline.ops.preview import compare, export_rules, load_pool, preview, to_markdown

ROOT = Path(__file__).resolve().parents[2]

AGENTS = """id: llm-agents
name: {en: LLM Agents, zh: 智能体}
description: {en: Agents built on language models.}
include:
  categories: [cs.AI, cs.CL]
  keywords: [agent*, tool use]
"""
QUANTUM = """id: quantum
name: {en: Quantum, zh: 量子}
description: {en: Quantum computing.}
include:
  categories: [quant-ph]
  keywords: [qubit*]
"""


def paper(number: int, title: str, categories=("cs.AI",), day=27, abstract="", authors=("A. Author",)) -> Paper:
    return Paper(
        id=f"arxiv:2604.{number:05d}",
        title=title,
        source="arxiv-ai",
        source_label="arXiv (CS.AI)",
        abstract=abstract or f"We study {title.lower()}.",
        authors=tuple(Author(a) for a in authors),
        categories=tuple(categories),
        published=datetime(2026, 4, day, 4, tzinfo=UTC),
        url=f"https://arxiv.org/abs/2604.{number:05d}",
        arxiv_id=f"2604.{number:05d}",
        announce_type="new",
    )


def write_rules(folder: Path, *texts: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for text in texts:
        rule_id = text.split("\n", 1)[0].split(": ", 1)[1]
        (folder / f"{rule_id}.yml").write_text(text, encoding="utf-8")
    return folder


def publish(content: Path, rules_dir: Path, papers: list[Paper]) -> None:
    """Write the papers the way a run does: curated by the rules, one entry each."""
    kept, _ = curate(papers, compile_rules(load_rules(rules_dir)))
    for p in kept:
        path = content / entry_path(p)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_entry(p), encoding="utf-8")


@pytest.fixture
def site(tmp_path):
    base = write_rules(tmp_path / "base", AGENTS, QUANTUM)
    papers = [
        paper(1, "Tool use for autonomous agents"),
        paper(2, "Agentic retrieval | with <b>markup</b> and @someone"),
        paper(3, "Surface codes with fewer qubits", categories=("quant-ph",)),
        paper(4, "Qubit routing", categories=("quant-ph", "cs.AI"), abstract="Routing qubits with a learned agent."),
        paper(5, "An old agent paper", day=1),
    ]
    publish(tmp_path / "content", base, papers)
    return tmp_path, base


def test_pool_reads_entries_and_limits_days(site):
    root, _ = site
    pool = load_pool(root / "content", None, days=7)
    assert [p.id for p in pool.papers] == [
        "arxiv:2604.00001",
        "arxiv:2604.00002",
        "arxiv:2604.00003",
        "arxiv:2604.00004",
    ]
    assert (pool.from_content, pool.from_candidates) == (4, 0)
    assert str(pool.first) == "2026-04-21" and str(pool.last) == "2026-04-27"
    assert len(load_pool(root / "content", None, days=0).papers) == 5


def test_a_narrower_rule_removes_and_a_new_rule_adds(site):
    root, base = site
    head = write_rules(
        root / "head",
        AGENTS.replace("agent*, tool use", "tool use"),
        QUANTUM,
        QUANTUM.replace("id: quantum", "id: qubits").replace("Quantum,", "Qubits,"),
    )
    result = compare(load_pool(root / "content", None, 7), load_rules(base), load_rules(head), "main")
    by_rule = {d.rule_id: d for d in result.rules}
    agents = by_rule["llm-agents"]
    assert agents.status == "modified"
    assert [m.paper.id for m in agents.removed] == ["arxiv:2604.00002", "arxiv:2604.00004"]
    assert agents.added == []
    assert by_rule["qubits"].status == "new"
    assert [m.paper.id for m in by_rule["qubits"].added] == ["arxiv:2604.00003", "arxiv:2604.00004"]
    assert by_rule["quantum"].status == "unchanged" and not by_rule["quantum"].added
    assert [p.id for p in result.dropped] == ["arxiv:2604.00002"]
    assert [r.rule_id for r in result.changed] == ["llm-agents", "qubits"]


def test_a_deleted_rule_removes_its_papers(site):
    root, base = site
    head = write_rules(root / "head", AGENTS)
    result = compare(load_pool(root / "content", None, 7), load_rules(base), load_rules(head), "main")
    (quantum,) = [d for d in result.rules if d.rule_id == "quantum"]
    assert quantum.status == "deleted"
    assert [m.paper.id for m in quantum.removed] == ["arxiv:2604.00003", "arxiv:2604.00004"]
    # paper 4 stays on the site under llm-agents, which becomes its main topic
    assert [p.id for p in result.dropped] == ["arxiv:2604.00003"]
    assert [(p.id, old, new) for p, old, new in result.recategorised] == [("arxiv:2604.00004", "quantum", "llm-agents")]


def test_the_window_counts_back_from_the_last_radar_day_not_a_publication_date(tmp_path):
    """A journal's papers published months ago that arrived in the last runs are in a 14-day window;
    a preprint dated a day ahead of the run does not move the window."""
    from pipeline.archive import runlog

    old_issue = replace(paper(1, "Agents in an old journal issue"), published=datetime(2026, 1, 5, tzinfo=UTC))
    ahead = replace(paper(2, "Agents from tomorrow"), published=datetime(2026, 6, 1, tzinfo=UTC))
    long_ago = paper(3, "Agents that arrived long ago", day=1)
    state = tmp_path / "state"
    candidates.save(state, date(2026, 4, 20), [replace(long_ago, published=datetime(2026, 4, 1, tzinfo=UTC))])
    candidates.save(state, date(2026, 4, 27), [old_issue, ahead])
    for day in ("2026-04-20", "2026-04-27"):
        runlog.append(state / "runs.jsonl", {"date": day, "sources": []})
    (tmp_path / "content" / "papers").mkdir(parents=True)
    pool = load_pool(tmp_path / "content", state, days=7)
    assert sorted(p.id for p in pool.papers) == ["arxiv:2604.00001", "arxiv:2604.00002"]
    assert str(pool.first) == "2026-04-21" and str(pool.last) == "2026-04-27"


def test_cached_candidates_can_be_added(site):
    root, base = site
    unseen = paper(9, "Graph neural networks for molecules", categories=("cs.LG",))
    path = candidates.save(root / "state", date(2026, 4, 27), [unseen, paper(1, "Tool use for autonomous agents")])
    path.write_text(path.read_text() + "{broken\n", encoding="utf-8")
    graphs = "id: graphs\nname: {en: Graphs}\ndescription: {en: Graph learning.}\ninclude:\n  keywords: [graph neural network*]\n"
    head = write_rules(root / "head", AGENTS, QUANTUM, graphs)
    result = preview(root / "content", root / "state", head, 7, base_dir=base)
    assert result.pool.from_candidates == 1
    (diff,) = result.changed
    assert diff.rule_id == "graphs" and [m.paper.id for m in diff.added] == ["arxiv:2604.00009"]
    assert [p.id for p in result.newly_kept] == ["arxiv:2604.00009"]


def test_candidates_are_byte_stable_and_pruned(tmp_path):
    papers = [paper(2, "B"), paper(1, "A")]
    first = candidates.save(tmp_path, date(2026, 3, 1), papers)
    text = first.read_text()
    assert candidates.save(tmp_path, date(2026, 3, 1), list(reversed(papers))).read_text() == text
    assert [json.loads(line)["id"] for line in text.splitlines()] == ["arxiv:2604.00001", "arxiv:2604.00002"]
    (tmp_path / "candidates" / "notes.jsonl").write_text("")
    candidates.save(tmp_path, date(2026, 3, 30), papers)
    assert first.exists()  # 30 days are kept
    candidates.save(tmp_path, date(2026, 3, 31), papers)
    assert not first.exists()
    assert sorted(p.name for p in (tmp_path / "candidates").iterdir()) == [
        "2026-03-30.jsonl",
        "2026-03-31.jsonl",
        "notes.jsonl",
    ]
    assert {p.id for p in candidates.load(tmp_path)} == {"arxiv:2604.00001", "arxiv:2604.00002"}


def test_max_per_day_counts_per_day(tmp_path):
    base = write_rules(tmp_path / "base", AGENTS)
    papers = [paper(n, f"Agent study {n}", day=20 + n % 2) for n in range(1, 7)]
    publish(tmp_path / "content", base, papers)
    head = write_rules(tmp_path / "head", AGENTS + "max_per_day: 2\n")
    result = compare(load_pool(tmp_path / "content", None, 14), load_rules(base), load_rules(head), "main")
    (diff,) = result.changed
    assert len(diff.removed) == 2  # 3 papers on each of two days, 2 kept per day


def test_markdown_report_escapes_untrusted_text(site):
    root, base = site
    head = write_rules(root / "head", AGENTS.replace("agent*, tool use", "tool use"), QUANTUM)
    text = to_markdown(preview(root / "content", None, head, 7, base_dir=base))
    assert text.startswith("## Rule preview\n")
    assert "| `llm-agents` LLM Agents | modified | 0 | 2 |" in text
    assert "<b>" not in text and "&lt;b&gt;markup&lt;/b&gt;" in text
    shown, mentioned = rendered(text)
    assert "@\u200bsomeone" in shown and not mentioned and "retrieval \\| with" in text
    assert "[Tool use for autonomous agents]" not in text  # not removed
    assert "(https://arxiv.org/abs/2604.00002)" in text
    assert "keyword agent\\*" in text


def test_no_change_says_so(site):
    root, base = site
    text = to_markdown(preview(root / "content", None, base, 7, base_dir=base))
    assert "No rule changes the selection of these papers." in text


def test_limit_shortens_long_lists(site):
    root, base = site
    head = write_rules(root / "head", AGENTS)
    text = to_markdown(preview(root / "content", None, head, 7, base_dir=base), limit=1)
    assert "… and 1 more" in text


# ---------------------------------------------------------------- against git, through the CLI


def git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout


def test_cli_compares_with_a_git_revision(site, run_cli):
    root, base = site
    repo = root
    (repo / "rules").mkdir()
    for file in base.iterdir():
        (repo / "rules" / file.name).write_text(file.read_text())
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", "rules")
    git(repo, "commit", "--quiet", "-m", "rules")
    (repo / "rules" / "quantum.yml").unlink()
    (repo / "rules" / "llm-agents.yml").write_text(AGENTS.replace("[cs.AI, cs.CL]", "[cs.AI, cs.CL, quant-ph]"))
    done = run_cli("rules", "preview", "--base", "HEAD", "--days", "7", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert "compared with `HEAD` on 4 recent papers (2026-04-21 – 2026-04-27)" in done.stdout
    assert "| `quantum` Quantum | deleted | 0 | 2 |" in done.stdout
    assert "### `quantum` Quantum (deleted)" in done.stdout
    # from a subfolder too: the rules folder is found relative to the repository
    export = export_rules("HEAD", repo / "rules", root / "exported")
    assert sorted(p.name for p in export.iterdir()) == ["llm-agents.yml", "quantum.yml"]


def test_cli_reports_an_unknown_revision_and_invalid_rules(site, run_cli):
    root, base = site
    git(root, "init", "--quiet", "--initial-branch=main")
    (root / "rules").mkdir()
    (root / "rules" / "llm-agents.yml").write_text(AGENTS)
    done = run_cli("rules", "preview", "--base", "no-such-branch", cwd=root)
    assert done.returncode == 2 and "unknown git revision 'no-such-branch'" in done.stderr
    (root / "rules" / "llm-agents.yml").write_text(AGENTS.replace("keywords:", "keywrds:"))
    done = run_cli("rules", "preview", "--base-rules", str(base), cwd=root)
    assert done.returncode == 1 and "llm-agents.yml:6: include.keywrds: unknown key" in done.stderr


def test_a_first_rule_has_an_empty_base(site):
    root, _ = site
    with pytest.raises(PreviewError):
        preview(root / "content", None, write_rules(root / "head", AGENTS), 7)
    empty = root / "empty"
    empty.mkdir()
    result = preview(root / "content", None, write_rules(root / "head", AGENTS), 7, base_dir=empty)
    assert [d.status for d in result.changed] == ["new"]
