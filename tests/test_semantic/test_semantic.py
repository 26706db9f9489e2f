"""The semantic radar: embeddings, the store, similar_to rules, related papers, maps and trends.

Tests marked ``needs_model`` run the real all-MiniLM-L6-v2 model offline (loaded once per
session); they, and the ones that need NumPy, are skipped only when the semantic extra is
not installed.  The OpenAI-compatible backend is tested against tests/support/fake_openai.py.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import re
import sys
import textwrap
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fake_openai import FakeOpenAI, serve

from pipeline import semantic
from pipeline.archive.index import Index, write_papers
from pipeline.config import load_rules
from pipeline.errors import ConfigError
from pipeline.fetch.curate import compile_rules, curate
from pipeline.fetch.job import similarities
from pipeline.layout import Layout
from pipeline.models import Paper, PaperView, Selection

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

needs_numpy = pytest.mark.skipif(
    not semantic.has_numpy(), reason="needs the semantic extra (pip install '.[semantic]')"
)
needs_model = pytest.mark.skipif(
    not semantic.has_local_model(), reason="needs the semantic extra (pip install '.[semantic]')"
)

REFERENCE = (
    "Quantum error correction with surface codes",
    "We study surface codes for quantum error correction, showing that topological codes on a "
    "two-dimensional lattice suppress logical error rates as the code distance grows under circuit-level noise.",
)
PARAPHRASE = (
    "Keeping qubits safe from noise on a grid",
    "Arranging physical qubits on a planar grid and repeatedly measuring local parity checks protects encoded "
    "quantum information: the failure probability of the encoded qubit falls quickly as the grid becomes "
    "larger, even with faulty gates.",
)
UNRELATED = (
    "Grazing by red deer shapes alpine meadow flora",
    "Over twelve summers we counted plant species in fenced and open plots on alpine pastures and found that "
    "browsing deer halve the cover of tall herbs while favouring grasses.",
)
NEAR_DUPLICATE = (
    "Grazing by red deer shapes alpine meadow plants",
    "Over twelve summers we counted plant species in fenced and open plots on alpine pastures and found "
    "that browsing deer halve the cover of tall herbs while favouring grasses and sedges.",
)


@functools.cache
def local_model():
    """The real local model, loaded once for the whole test session."""
    from pipeline.semantic.embedders import LocalEmbedder

    model = LocalEmbedder()
    model.load()
    return model


class HashEmbedder:
    """The fake server's hashed bag of words, in process: cheap, deterministic, counts its inputs."""

    key = "test:hash-64"

    def __init__(self):
        self.seen: list[str] = []

    def embed(self, texts):
        import numpy as np

        self.seen.extend(texts)
        return np.asarray([FakeOpenAI.vector(t, 64) for t in texts], dtype=np.float32).reshape(len(texts), 64)


def paper(
    n: int,
    title: str,
    abstract: str,
    day: date = date(2026, 4, 27),
    topics=("quantum-information",),
    categories=("quant-ph",),
) -> Paper:
    return Paper(
        id=f"arxiv:2604.{n:05d}",
        title=title,
        source="arxiv-quant",
        source_label="arXiv (QUANT-PH)",
        abstract=abstract,
        categories=categories,
        arxiv_id=f"2604.{n:05d}",
        url=f"https://arxiv.org/abs/2604.{n:05d}",
        published=datetime(day.year, day.month, day.day, 4, tzinfo=UTC),
        topics=tuple(Selection(t, 1, keywords=("x",)) for t in topics),
    )


def write_content(root: Path, papers: list[Paper]) -> Layout:
    layout = Layout(root / "content", root / "state")
    index = Index.load(layout.content, layout.index_dir)
    for paper in papers:  # each on the radar the day it was published
        write_papers([paper], index, paper.published.date())
    index.save(layout.index_dir)
    return layout


# ---------------------------------------------------------------- the real model


@needs_model
def test_near_duplicates_score_above_an_unrelated_pair():
    from pipeline.semantic.embedders import paper_text

    vectors = local_model().embed([paper_text(*UNRELATED), paper_text(*NEAR_DUPLICATE), paper_text(*REFERENCE)])
    assert vectors.shape == (3, 384)
    assert abs(float((vectors**2).sum(axis=1).max()) - 1) < 1e-4  # unit rows: dot product = cosine
    near, unrelated = float(vectors[0] @ vectors[1]), float(vectors[0] @ vectors[2])
    assert near > 0.9 and unrelated < 0.2 and near > unrelated + 0.5


def _similar_rules(folder: Path, threshold: float = 0.4) -> Path:
    rules = folder / "rules"
    rules.mkdir(parents=True)
    (rules / "qec.bib").write_text(
        textwrap.dedent(f"""\
        @article{{fowler2012,
          title = {{{REFERENCE[0]}}},
          author = {{Fowler, Austin G. and Mariantoni, Matteo}},
          abstract = {{{REFERENCE[1]}}},
          year = {{2012}},
        }}
        """),
        encoding="utf-8",
    )
    (rules / "qec.yml").write_text(
        textwrap.dedent(f"""\
        id: qec
        name: {{en: Quantum error correction}}
        description: {{en: Protecting quantum information.}}
        include:
          keywords: [surface code, error correction, topological code*]
        similar_to:
          bibtex: qec.bib
          threshold: {threshold}
        """),
        encoding="utf-8",
    )
    return rules


@needs_model
def test_a_similar_to_rule_selects_a_paraphrase_that_shares_no_keyword(tmp_path):
    rules = load_rules(_similar_rules(tmp_path))
    keywords = [k for k in rules[0].include.keywords]
    text = (PARAPHRASE[0] + " " + PARAPHRASE[1]).lower()
    assert not any(k.rstrip("*") in text for k in keywords)  # the paraphrase shares no keyword
    candidates = [
        paper(1, *PARAPHRASE),
        paper(2, *UNRELATED),
        paper(3, "Decoding error correction codes fast", "A decoder."),
    ]
    layout = Layout(tmp_path / "content", tmp_path / "state")
    scores = similarities(candidates, rules, layout, local_model())
    kept, rejected = curate(candidates, compile_rules(rules), scores.scores)
    by_id = {p.id: p for p in kept}
    assert set(by_id) == {"arxiv:2604.00001", "arxiv:2604.00003"} and rejected == 1
    why = by_id["arxiv:2604.00001"].topics[0]
    assert why.rule == "qec" and not why.keywords and why.similarity >= 0.4
    assert why.similar_to == "qec.bib: fowler2012"
    assert f"similar to qec.bib: fowler2012 ({why.similarity:.2f})" in why.reason()
    assert by_id["arxiv:2604.00003"].topics[0].keywords == ("error correction",)
    # the vectors of the kept papers are stored, the rejected one's are not
    scores.save(kept)
    from pipeline.semantic.store import Store

    assert set(Store(layout.state).load().ids) == {"arxiv:2604.00001", "arxiv:2604.00003"}
    # the record keeps why, and reads back
    assert Paper.from_json(by_id["arxiv:2604.00001"].to_json()).topics[0].similarity == why.similarity


@needs_model
def test_rule_preview_shows_the_similarity_that_made_a_paper_match(tmp_path, run_cli):
    rules = _similar_rules(tmp_path)
    base = tmp_path / "base"
    base.mkdir()
    (base / "qec.yml").write_text((rules / "qec.yml").read_text().split("similar_to:")[0], encoding="utf-8")
    write_content(tmp_path, [paper(1, *PARAPHRASE), paper(2, *UNRELATED, topics=("ecology",))])
    done = run_cli(
        "rules",
        "preview",
        "--rules",
        str(rules),
        "--base-rules",
        str(base),
        "--content",
        "content",
        "--state",
        "state",
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "Keeping qubits safe from noise on a grid" in done.stdout
    assert "similar to qec.bib: fowler2012 (0." in done.stdout
    assert "Grazing by red deer" not in done.stdout


@needs_model
def test_related_papers_are_stable_across_runs(tmp_path):
    from pipeline.semantic.analysis import nearest
    from pipeline.semantic.stage import archive_papers, embed_archive
    from pipeline.semantic.store import Store

    papers = [
        paper(1, *REFERENCE),
        paper(2, *PARAPHRASE),
        paper(3, *UNRELATED),
        paper(4, *NEAR_DUPLICATE),
        paper(5, "Neural decoders for quantum codes", "A neural network decodes syndromes of topological codes."),
        paper(6, "Soil carbon under grazing", "Grazing animals change how much carbon alpine soils store."),
    ]
    layout = write_content(tmp_path, papers)
    first = embed_archive(layout.content, layout.state, local_model())
    assert (first.papers, first.embedded) == (6, 6)
    files = {p: p.read_bytes() for p in sorted((layout.state / "embeddings").rglob("*")) if p.is_file()}
    vectors = Store(layout.state).load()
    index, scores = nearest(vectors.matrix, 2)
    related = {vectors.ids[i]: [vectors.ids[j] for j in row] for i, row in enumerate(index)}
    assert related["arxiv:2604.00003"][0] == "arxiv:2604.00004"
    assert related["arxiv:2604.00001"][0] in ("arxiv:2604.00002", "arxiv:2604.00005")
    # a second run embeds nothing and changes no byte; recomputing from scratch gives the same neighbours
    assert embed_archive(layout.content, layout.state, local_model()).embedded == 0
    assert files == {p: p.read_bytes() for p in sorted((layout.state / "embeddings").rglob("*")) if p.is_file()}
    again = tmp_path / "again"
    embed_archive(layout.content, again, local_model())
    other = Store(again).load()
    index2, _ = nearest(other.matrix, 2)
    assert {other.ids[i]: [other.ids[j] for j in row] for i, row in enumerate(index2)} == related
    assert len(archive_papers(layout.content)) == 6


# ---------------------------------------------------------------- the store (NumPy only)


@needs_numpy
def test_the_store_embeds_only_new_or_changed_papers_and_is_compact(tmp_path):
    from dataclasses import replace

    import numpy as np

    from pipeline.semantic.stage import embed_archive
    from pipeline.semantic.store import Store

    embedder = HashEmbedder()
    layout = write_content(tmp_path, [paper(1, *REFERENCE), paper(2, *UNRELATED, day=date(2026, 4, 28))])
    assert embed_archive(layout.content, layout.state, embedder).embedded == 2
    shard = layout.state / "embeddings" / "2026" / "04" / "2026-04-27.npy"
    rows = np.load(shard)
    assert rows.dtype == np.float16 and rows.shape == (1, 64) and shard.stat().st_size == 128 + 64 * 2
    # the next day: only the new paper is embedded
    write_content(tmp_path, [paper(3, *PARAPHRASE, day=date(2026, 4, 28))])
    embedder.seen.clear()
    assert embed_archive(layout.content, layout.state, embedder).embedded == 1 and len(embedder.seen) == 1
    # a new version with another abstract is embedded again, in place
    write_content(tmp_path, [replace(paper(1, *REFERENCE), abstract="A different abstract.", version=2)])
    embedder.seen.clear()
    assert embed_archive(layout.content, layout.state, embedder).embedded == 1
    vectors = Store(layout.state).load()
    assert sorted(vectors.ids) == ["arxiv:2604.00001", "arxiv:2604.00002", "arxiv:2604.00003"]
    expected = np.asarray(FakeOpenAI.vector("Quantum error correction with surface codes. A different abstract.", 64))
    assert float(vectors.get("arxiv:2604.00001") @ expected) > 0.999


@needs_numpy
def test_a_store_of_another_model_is_set_aside_not_mixed(tmp_path, caplog):
    from pipeline.semantic.stage import embed_archive

    layout = write_content(tmp_path, [paper(1, *REFERENCE)])
    embed_archive(layout.content, layout.state, HashEmbedder())
    other = HashEmbedder()
    other.key = "test:another"
    with caplog.at_level(logging.WARNING):
        assert embed_archive(layout.content, layout.state, other).embedded == 1
    assert (layout.state / "embeddings.test-hash-64" / "manifest.json").is_file()
    assert "test:another" in (layout.state / "embeddings" / "manifest.json").read_text()


@needs_numpy
def test_a_damaged_shard_is_embedded_again(tmp_path, caplog):
    from pipeline.semantic.stage import embed_archive

    layout = write_content(tmp_path, [paper(1, *REFERENCE)])
    embed_archive(layout.content, layout.state, HashEmbedder())
    (layout.state / "embeddings" / "2026" / "04" / "2026-04-27.npy").write_bytes(b"not numpy")
    with caplog.at_level(logging.WARNING):
        assert embed_archive(layout.content, layout.state, HashEmbedder()).embedded == 1
    assert "unreadable" in caplog.text


@needs_numpy
def test_nearest_clusters_and_projection_are_deterministic():
    import numpy as np

    from pipeline.semantic.analysis import clusters, nearest, project

    rng = np.random.default_rng(3)
    centres = rng.normal(size=(3, 32))
    matrix = np.vstack([c + 0.05 * rng.normal(size=(5, 32)) for c in centres]).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    index, scores = nearest(matrix, 4, block=4)
    assert all(i not in row for i, row in enumerate(index))  # never itself
    assert all(set(row) <= set(range(5 * (i // 5), 5 * (i // 5) + 5)) for i, row in enumerate(index))
    assert (np.diff(scores, axis=1) <= 1e-6).all()
    found = clusters(matrix, 0.8)
    assert sorted(c.members for c in found) == [tuple(range(0, 5)), tuple(range(5, 10)), tuple(range(10, 15))]
    xy = project(matrix)
    assert xy.shape == (15, 2) and xy.min() >= 0 and xy.max() <= 1
    assert np.array_equal(xy, project(matrix.copy()))
    index2, _ = nearest(matrix, 2, min_similarity=1.01)
    assert (index2 == -1).all()


# ---------------------------------------------------------------- the OpenAI-compatible backend


@needs_numpy
def test_the_openai_backend_batches_and_normalises(tmp_path):
    from pipeline.semantic.embedders import OpenAIEmbedder

    with serve() as fake:
        embedder = OpenAIEmbedder("fake-embed", base_url=fake.url, api_key="k", batch_size=2, dimensions=32)
        vectors = embedder.embed(["alpha beta", "alpha beta gamma", "deer meadow", "x", "y"])
        assert vectors.shape == (5, 32) and embedder.key == "openai:fake-embed:32"
        assert fake.calls["/v1/embeddings"] == 3 and len(fake.embedded) == 5
        assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])


@needs_numpy
def test_the_openai_backend_retries_a_rate_limit_and_reports_a_failure():
    from pipeline.errors import SemanticError
    from pipeline.semantic.embedders import OpenAIEmbedder

    with serve() as fake:
        fake.embedding_faults.extend([(429, 0), 500])
        embedder = OpenAIEmbedder("fake-embed", base_url=fake.url, api_key="k", retries=3)
        assert embedder.embed(["one text"]).shape == (1, 64)
        assert fake.calls["/v1/embeddings"] == 3
        fake.embedding_faults.extend([500] * 5)
        failing = OpenAIEmbedder("fake-embed", base_url=fake.url, api_key="k", retries=1)
        with pytest.raises(SemanticError, match="HTTP 500: The server had an error"):
            failing.embed(["one text"])


@needs_numpy
def test_embed_command_with_an_openai_compatible_endpoint(tmp_path, run_cli):
    write_content(tmp_path, [paper(1, *REFERENCE), paper(2, *UNRELATED)])
    (tmp_path / "semantic.yml").write_text("backend: openai\nmodel: fake-embed\ndimensions: 48\n", encoding="utf-8")
    with serve() as fake:
        done = run_cli("embed", "--base-url", fake.url, env={"OPENAI_API_KEY": "k"})
        assert done.returncode == 0, done.stderr
        assert "2 entries, 2 embedded now" in done.stderr and "openai:fake-embed:48" in done.stderr
        again = run_cli("embed", "--base-url", fake.url, env={"OPENAI_API_KEY": "k"})
        assert "0 embedded now, 2 already stored" in again.stderr
        assert len(fake.embedded) == 2
    done = run_cli("embed", "--base-url", "http://127.0.0.1:9/v1", env={"OPENAI_API_KEY": "k"})
    assert done.returncode == 0  # nothing new to embed: the endpoint is not even asked
    (tmp_path / "semantic.yml").write_text("backend: openai\nbatch: 3\n", encoding="utf-8")
    done = run_cli("embed")
    assert (
        done.returncode == 1
        and "semantic.yml:2: batch: unknown key 'batch' (did you mean 'batch_size'?)" in done.stderr
    )


# ---------------------------------------------------------------- rules and the missing extra


def test_similar_to_is_validated_with_its_line(tmp_path):
    (tmp_path / "a.yml").write_text(
        "id: a\nname: {en: A}\ndescription: {en: A}\nsimilar_to:\n  threshold: 2\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError) as caught:
        load_rules(tmp_path)
    problems = "\n".join(caught.value.problems)
    assert "a.yml:5: similar_to.threshold: Input should be less than or equal to 1" in problems
    (tmp_path / "a.yml").write_text(
        "id: a\nname: {en: A}\ndescription: {en: A}\nsimilar_to: {threshold: 0.6}\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError) as caught:
        load_rules(tmp_path)
    assert "a.yml:4: similar_to: needs papers or a bibtex file" in "\n".join(caught.value.problems)
    (tmp_path / "a.yml").write_text(
        "id: a\nname: {en: A}\ndescription: {en: A}\nsimilar_to: {papers: [2604.22038]}\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError) as caught:
        load_rules(tmp_path)
    assert any(
        p.endswith('a.yml:4: similar_to.papers: write arXiv ids as text: "2604.22038" or arXiv:2604.22038')
        for p in caught.value.problems
    )
    (tmp_path / "a.yml").write_text(
        'id: a\nname: {en: A}\ndescription: {en: A}\nsimilar_to: {papers: ["2604.22038"]}\n', encoding="utf-8"
    )
    [rule] = load_rules(tmp_path)  # a rule may be purely semantic
    assert rule.similar_to.papers == ["2604.22038"] and rule.similar_to.threshold == 0.5


def test_references_are_read_as_arxiv_ids_and_dois():
    from pipeline.semantic.references import reference_key

    assert reference_key("arXiv:2604.22038v2") == "arxiv:2604.22038"
    assert reference_key("https://arxiv.org/abs/2604.22038") == "arxiv:2604.22038"
    assert reference_key("10.48550/arXiv.2604.22038") == "arxiv:2604.22038"
    assert reference_key("https://doi.org/10.1038/S41586-021-03819-2") == "doi:10.1038/s41586-021-03819-2"
    assert reference_key("hep-th/9901001") == "arxiv:hep-th/9901001"
    assert reference_key("not an id") == ""


def test_without_the_extra_similar_to_rules_match_by_keywords_and_run_skips_embedding(tmp_path, monkeypatch, caplog):
    rules = load_rules(_similar_rules(tmp_path))
    candidates = [paper(1, *PARAPHRASE), paper(3, "Decoding error correction codes fast", "A decoder.")]
    monkeypatch.setitem(sys.modules, "numpy", None)  # as if the extra were not installed
    with caplog.at_level(logging.WARNING):
        found = similarities(candidates, rules, Layout(tmp_path / "content", tmp_path / "state"))
    assert found is None and "pip install 'academichub[semantic]'" in caplog.text
    kept, _ = curate(candidates, compile_rules(rules), None)
    assert [p.id for p in kept] == ["arxiv:2604.00003"]
    assert not semantic.has_numpy()
    from pipeline.semantic.stage import step_available

    assert not step_available(tmp_path / "none.yml")


# ---------------------------------------------------------------- the website


@pytest.fixture(scope="module")
def semantic_site(tmp_path_factory):
    """The demo, embedded with the real model, its daily brief written again with the day's links, built."""
    if not semantic.has_local_model():
        pytest.skip("needs the semantic extra (pip install '.[semantic]')")
    from pipeline.brief import load_config, resolve_settings, run_brief
    from pipeline.project.demo import DEMO_DAY, run_demo
    from pipeline.semantic.stage import embed_archive
    from pipeline.site import build

    root = tmp_path_factory.mktemp("semantic-site")
    assert run_demo(root, ROOT / "rules").site is not None
    selected = Selection("quantum-information", 1, similarity=0.62, similar_to="qec.bib: <fowler2012>")
    write_content(root, [Paper(**{**paper(90, *PARAPHRASE, day=date(2026, 4, 29)).__dict__, "topics": (selected,)})])
    assert embed_archive(root / "content", root / "state", local_model()).embedded >= 30
    layout = Layout(root / "content", root / "state")
    run_brief(layout, resolve_settings(load_config(None), extractive=True), rules_dir=ROOT / "rules", day=DEMO_DAY)
    build(
        root / "content",
        root / "output",
        settings_file=ROOT / "pelicanconf.py",
        rules=ROOT / "rules",
        state=root / "state",
        search=False,
    )
    return root


def test_the_daily_brief_cites_measured_links_between_fields(semantic_site):
    text = (semantic_site / "content" / "briefs" / "2026-04-27.md").read_text(encoding="utf-8")
    assert re.search(r"Both on: [^(]+\([^)]+, (mean )?embedding similarity 0\.\d\d\)", text), text
    assert "共同涉及：" in text


def day_papers(site: Path) -> int:
    """How many papers the demo day's brief holds: every paper that arrived that day, from every source."""
    head = (site / "content" / "briefs" / "2026-04-27.md").read_text(encoding="utf-8").split("\n\n", 1)[0]
    return len(next(line for line in head.splitlines() if line.startswith("Papers: ")).split("; "))


def test_pages_carry_related_papers_the_map_and_the_trend(semantic_site):
    output = semantic_site / "output"
    brief = (output / "briefs" / "2026-04-27.html").read_text(encoding="utf-8")
    assert day_papers(semantic_site) > 20
    assert brief.count('class="map-point"') == day_papers(semantic_site)
    assert 'class="map-clusters"' in brief or 'class="map-others"' in brief
    page = (output / "papers" / "arxiv-2604-22038.html").read_text(encoding="utf-8")
    assert re.search(r'<ul class="related">.*similarity</span> 0\.\d\d', page, re.S)
    semantic_pick = (output / "papers" / "arxiv-2604-00090.html").read_text(encoding="utf-8")
    assert "similar to</span> <mark>qec.bib: &lt;fowler2012&gt;</mark> (0.62)" in semantic_pick


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_the_map_and_the_trend_chart_render_in_chromium(semantic_site, tmp_path):
    from playwright.sync_api import sync_playwright

    from pipeline.site import make_server

    server = make_server(semantic_site / "output", port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(base + "briefs/2026-04-27.html")
            svg = page.locator("svg.map-svg")
            box = svg.bounding_box()
            assert box and box["width"] > 300 and box["height"] > 150
            points = page.locator("svg.map-svg a.map-point")
            assert points.count() == day_papers(semantic_site)
            for i in range(points.count()):  # every point is drawn inside the map
                circle = points.nth(i).locator("circle").bounding_box()
                assert box["x"] <= circle["x"] and circle["x"] + circle["width"] <= box["x"] + box["width"]
            target = points.first.get_attribute("href")
            points.first.locator("circle").click(force=True)
            page.wait_for_url("**/papers/*.html")
            assert target.split("/")[-1] in page.url
            page.goto(base + "topics/llm-agents.html")
            chart = page.locator("svg.trend-svg")
            assert chart.count() == 1 and chart.bounding_box()["width"] > 300
            assert page.locator("svg.trend-svg rect").count() >= 1
            page.locator(".trend summary").click()
            assert page.locator(".trend-table tbody tr").count() >= 1
            browser.close()
            assert errors == []
    finally:
        server.shutdown()
        server.server_close()


@needs_numpy
def test_run_embeds_after_fetching_with_the_configured_backend(tmp_path, run_cli):
    from pipeline.project.demo import DEMO_DAY, samples_dir, serve_samples

    with serve() as fake, serve_samples() as base:
        text = (samples_dir() / "sources.yml").read_text(encoding="utf-8").replace("{base}", base)
        (tmp_path / "samples.yml").write_text(text, encoding="utf-8")
        (tmp_path / "semantic.yml").write_text(
            f"backend: openai\nmodel: fake-embed\nbase_url: {fake.url}\n", encoding="utf-8"
        )
        done = run_cli(
            "run",
            "--sources",
            "samples.yml",
            "--rules",
            str(ROOT / "rules"),
            "--date",
            DEMO_DAY.isoformat(),
            "--no-brief",
            "--no-build",
            env={"OPENAI_API_KEY": "k"},
        )
        assert done.returncode == 0, done.stderr
        written = len(list((tmp_path / "content" / "papers").rglob("*.md")))
        assert f"embed: {written} entries, {written} embedded now" in done.stderr
        assert len(fake.embedded) == written
        skipped = run_cli(
            "run",
            "--sources",
            "samples.yml",
            "--rules",
            str(ROOT / "rules"),
            "--date",
            DEMO_DAY.isoformat(),
            "--no-brief",
            "--no-build",
            "--no-embed",
            env={"OPENAI_API_KEY": "k"},
        )
        assert skipped.returncode == 0 and "embed:" not in skipped.stderr
    from pipeline.semantic.store import Store

    assert len(Store(tmp_path / "state").load()) == written


def test_rules_check_reports_similar_to_problems(tmp_path, run_cli):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "a.yml").write_text(
        "id: a\nname: {en: A}\ndescription: {en: A}\n"
        'similar_to: {papers: ["not-an-id", "2604.22038"], bibtex: missing.bib}\n',
        encoding="utf-8",
    )
    done = run_cli("rules", "check", "--rules", "rules")
    assert done.returncode == 1
    assert "similar_to.papers: 'not-an-id' is neither an arXiv id nor a DOI" in done.stderr
    assert "similar_to.bibtex: rules/missing.bib does not exist" in done.stderr
    if importlib.util.find_spec("bibtexparser"):
        (rules / "missing.bib").write_text("@article{x, title = {unfinished\n", encoding="utf-8")
        done = run_cli("rules", "check", "--rules", "rules")
        assert "similar_to.bibtex: missing.bib:1: not valid BibTeX" in done.stderr
    (rules / "a.yml").write_text(
        'id: a\nname: {en: A}\ndescription: {en: A}\nsimilar_to: {papers: ["2604.22038"]}\n', encoding="utf-8"
    )
    assert run_cli("rules", "check", "--rules", "rules").returncode == 0


@needs_numpy
def test_related_papers_from_the_build_cache_equal_a_full_computation(tmp_path):
    import random
    from types import SimpleNamespace

    from pipeline.semantic.stage import embed_archive
    from pipeline.semantic.views import SiteSemantics

    pick = random.Random(7)
    words = [f"w{n}" for n in range(400)]  # no two papers alike, so no ties decide the order
    papers = [
        paper(i, " ".join(pick.sample(words, 4)), " ".join(pick.sample(words, 30)), day=date(2026, 4, 1 + i % 20))
        for i in range(1, 61)
    ]
    layout = write_content(tmp_path, papers[:50])
    embed_archive(layout.content, layout.state, HashEmbedder())

    def articles(some):
        return [
            SimpleNamespace(
                paper=PaperView(id=p.id, topics=(Selection("quantum-information", 0),)), category="quantum-information"
            )
            for p in some
        ]

    def related(site):
        return {
            paper_id: [(other.paper.id, round(score, 5)) for other, score, _ in found]
            for paper_id, found in site.related.items()
        }

    cache = tmp_path / "cache"
    first = SiteSemantics.build(layout.state, articles(papers[:50]), cache_dir=cache)
    assert len(list(cache.glob("semantic-related-*.npz"))) == 1
    write_content(tmp_path, papers[50:])  # the next day's papers
    embed_archive(layout.content, layout.state, HashEmbedder())
    incremental = SiteSemantics.build(layout.state, articles(papers), cache_dir=cache)
    full = SiteSemantics.build(layout.state, articles(papers))
    assert related(incremental) == related(full) != related(first)
    assert len(related(full)) == 60


@needs_numpy
def test_similar_to_finds_listed_papers_in_the_archive(tmp_path):
    layout = write_content(tmp_path, [paper(1, *REFERENCE), paper(2, *UNRELATED)])
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "r.yml").write_text(
        "id: r\nname: {en: R}\ndescription: {en: R}\n"
        'similar_to: {papers: ["arXiv:2604.00001v2", "10.1000/unknown"], threshold: 0.3}\n',
        encoding="utf-8",
    )
    embedder = HashEmbedder()
    found = similarities(
        [paper(3, REFERENCE[0], REFERENCE[1] + " Again."), paper(4, *UNRELATED)], load_rules(rules), layout, embedder
    )
    scores = found.scores["r"]
    assert scores["arxiv:2604.00003"][0] > 0.9 and scores["arxiv:2604.00003"][1] == "arXiv:2604.00001v2"
    assert scores["arxiv:2604.00004"][0] < 0.5
    assert any("10.1000/unknown is not in the archive" in p for p in found.problems)
