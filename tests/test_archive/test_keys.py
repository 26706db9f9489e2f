"""The key files (``state/keys/YYYY-MM.txt``) that let a sparse checkout leave a month's index file
out: a lookup whose key hash a month lists checks that month's index file out and compares the real
keys, so a hash collision never merges two papers; a repository on ``file://`` cloned the daily
job's way (partial, sparse)."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from pipeline.archive import index as index_module
from pipeline.archive.checkout import check_out_day, patterns, sparse_checkout, sparse_files
from pipeline.archive.identity import keys
from pipeline.archive.index import Index, key_hash, keys_dir, read_keys, write_papers
from pipeline.layout import Layout
from pipeline.models import Author, Paper

DAY = date(2026, 6, 19)


def paper(number: int, month: int, **kw) -> Paper:
    when = datetime(2026, month, 10, tzinfo=UTC)
    data = dict(
        id=f"arxiv:2606.{number:05d}",
        arxiv_id=f"2606.{number:05d}",
        version=1,
        source="arxiv",
        source_label="arXiv",
        title=f"A study of sparse archives number {number} and their keys",
        authors=(Author("Doe, Jane"),),
        abstract="Abstract.",
        published=when,
        updated=when,
        url=f"https://arxiv.org/abs/2606.{number:05d}",
    )
    data.update(kw)
    return Paper(**data)


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


def radar(tmp_path: Path, papers: list[Paper]) -> tuple[Path, Index]:
    """A radar's repository with ``papers`` written and committed, pushed to a bare origin."""
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    git("init", "--quiet", "--bare", "--initial-branch=main", str(origin), cwd=tmp_path)
    git("config", "uploadpack.allowFilter", "true", cwd=origin)
    git("clone", "--quiet", f"file://{origin}", str(work), cwd=tmp_path)
    git("config", "user.name", "Radar", cwd=work)
    git("config", "user.email", "radar@example.org", cwd=work)
    index = Index.load(work / "content", work / "state" / "papers")
    assert {o.kind for o in write_papers(papers, index, DAY)} == {"new"}
    index.save(work / "state" / "papers")
    git("add", "--all", cwd=work)
    git("commit", "--quiet", "-m", "Papers", cwd=work)
    git("push", "--quiet", "origin", "HEAD:main", cwd=work)
    return origin, index


def daily_clone(tmp_path: Path, origin: Path, months: list[str]) -> tuple[Path, Index]:
    """The daily job's clone: no file contents, the key files, and only ``months``' index files and entries."""
    daily = tmp_path / "daily"
    git("clone", "--quiet", "--filter=blob:none", "--sparse", f"file://{origin}", str(daily), cwd=tmp_path)
    chosen = [
        "/*",
        "!/content/papers/",
        "!/state/papers/",
        *(f"/state/papers/{m}.json" for m in months),
        *(f"/content/papers/{m.replace('-', '/')}/" for m in months),
    ]
    subprocess.run(
        ["git", "sparse-checkout", "set", "--no-cone", "--stdin"],
        cwd=daily,
        input="\n".join(chosen) + "\n",
        text=True,
        check=True,
        capture_output=True,
    )
    folder = daily / "state" / "papers"
    index = Index.load(daily / "content", folder, sparse=True, check_out=sparse_files(folder))
    index.checkout = sparse_checkout(daily / "content")
    return daily, index


def test_key_files_list_each_months_slugs_and_key_hashes(tmp_path):
    papers = [paper(1, 5), paper(2, 5, doi="10.1000/x.2"), paper(3, 6)]
    index = Index.load(tmp_path / "content", tmp_path / "state" / "papers")
    write_papers(papers, index, DAY)
    index.save(tmp_path / "state" / "papers")
    assert keys_dir(tmp_path / "state" / "papers") == tmp_path / "state" / "keys"
    found = read_keys(tmp_path / "state" / "keys")
    assert sorted(found) == ["2026-05", "2026-06"]
    assert found["2026-05"].slugs == {"arxiv-2606-00001", "arxiv-2606-00002"}
    assert found["2026-05"].hashes == {key_hash(k) for p in papers[:2] for k in keys(p)}
    assert found["2026-06"].hashes == {key_hash(k) for k in keys(papers[2])}
    # a first line of counts, then a paper a line: its path within the month's folder, its radar day, its hashes
    head, _, line = (tmp_path / "state" / "keys" / "2026-05.txt").read_text(encoding="utf-8").splitlines()
    assert head == "#2 due=2 pending=2" and found["2026-05"].counts == {"due": 2, "pending": 2}
    assert line.split()[:2] == ["10/arxiv-2606-00002", DAY.isoformat()]
    assert len(line.split()) == 2 + len(set(keys(papers[1])))
    assert found["2026-05"].days == {rel: DAY.isoformat() for rel in sorted(index.entries.values())[:2]}
    # a quarter of the index's bytes a paper, or less (the counts' line is the month's, not a paper's)
    month = tmp_path / "state" / "papers" / "2026-05.json"
    assert ((tmp_path / "state" / "keys" / "2026-05.txt").stat().st_size - len(head) - 1) * 4 < month.stat().st_size
    # saved again unchanged: nothing written; a month gone: its key file too
    assert index.save(tmp_path / "state" / "papers") is False
    (month.parent.parent.parent / "content" / index.entries[papers[2].id]).unlink()
    assert index.save(tmp_path / "state" / "papers") is False
    Index.load(tmp_path / "content", tmp_path / "state" / "papers").save(tmp_path / "state" / "papers")
    assert sorted(read_keys(tmp_path / "state" / "keys")) == ["2026-05"]


def test_a_lookup_through_a_month_left_out_checks_it_out_and_matches_exactly(tmp_path):
    may, june = paper(1, 5, doi="10.1000/may"), paper(2, 6)
    origin, written = radar(tmp_path, [may, june])
    daily, index = daily_clone(tmp_path, origin, ["2026-06"])
    may_index = daily / "state" / "papers" / "2026-05.json"
    assert not may_index.exists() and (daily / "state" / "keys" / "2026-05.txt").exists()
    assert sorted(index.elsewhere) == ["2026-05"] and may.id not in index.entries
    # the journal's record of the May paper (found by its DOI): the May index is checked out, then its entry
    journal = paper(
        9,
        5,
        id="doi:10.1000/may",
        arxiv_id="",
        version=0,
        doi="10.1000/may",
        venue="J. Tests",
        title=may.title,
        url="https://doi.org/10.1000/may",
    )
    [outcome] = write_papers([journal], index, date(2026, 6, 20))
    assert outcome.kind == "updated" and outcome.written.id == may.id
    assert may_index.exists() and index.elsewhere == {}
    assert index.entries == written.entries  # the same entry, no new one
    index.save(daily / "state" / "papers")
    assert len(index_module.recorded(daily / "state" / "papers")) == 2


def test_a_new_entry_in_a_month_left_out_joins_its_index_file(tmp_path):
    origin, written = radar(tmp_path, [paper(1, 5), paper(2, 6)])
    daily, index = daily_clone(tmp_path, origin, ["2026-06"])
    late = paper(3, 5)  # a paper published in May, new on a day of June
    assert [o.kind for o in write_papers([late], index, date(2026, 6, 20))] == ["new"]
    index.save(daily / "state" / "papers")
    listed = index_module.recorded(daily / "state" / "papers")
    assert listed == {**written.entries, late.id: index.entries[late.id]}
    assert read_keys(daily / "state" / "keys")["2026-05"].slugs == {"arxiv-2606-00001", "arxiv-2606-00003"}


def test_a_hash_collision_never_merges_two_papers(tmp_path, monkeypatch):
    monkeypatch.setattr(index_module, "key_hash", lambda key: "00000000")  # every key collides
    may = paper(1, 5)
    origin, _ = radar(tmp_path, [may, paper(2, 6)])
    daily, index = daily_clone(tmp_path, origin, ["2026-06"])
    other = paper(4, 6, title="An entirely different paper on the weather of Mars")
    [outcome] = write_papers([other], index, date(2026, 6, 20))
    assert outcome.kind == "new" and outcome.written.id == other.id
    assert index.elsewhere == {} and may.id in index.entries  # the colliding month was read, its keys compared
    assert len(set(index.entries.values())) == 3


def test_an_entry_on_disk_of_a_month_left_out_reads_its_index_file(tmp_path):
    may, other = paper(1, 5), paper(2, 5, published=datetime(2026, 5, 20, tzinfo=UTC))
    origin, written = radar(tmp_path, [may, other])
    daily, _ = daily_clone(tmp_path, origin, [])
    git("sparse-checkout", "add", "/content/papers/2026/05/10/", cwd=daily)  # one day of May, not its index
    folder = daily / "state" / "papers"
    index = Index.load(daily / "content", folder, sparse=True, check_out=sparse_files(folder))
    assert index.entries == written.entries and index.elsewhere == {}
    assert not (daily / "content" / written.entries[other.id]).exists()


def test_a_slug_of_a_month_left_out_is_taken(tmp_path):
    may = paper(1, 5)
    origin, written = radar(tmp_path, [may])
    daily, index = daily_clone(tmp_path, origin, [])
    assert index.entries == {} and "2026-05" in index.elsewhere
    # another paper whose id makes the same slug, published in another month
    twin = replace(paper(1, 7), id="arxiv:2606-00001", arxiv_id="", title="Another paper altogether, same slug")
    rel = index.claim(twin)
    assert Path(rel).stem != Path(written.entries[may.id]).stem
    assert not (daily / "state" / "papers" / "2026-05.json").exists()  # the slug alone needs no index file


def test_a_month_that_cannot_be_read_is_never_rewritten(tmp_path):
    """Without a checkout to fetch it, a month's index file left out stays as it was: a new entry of
    that month is not listed in a file that would lose the others (the next full run lists it)."""
    folder = tmp_path / "state" / "papers"
    index = Index.load(tmp_path / "content", folder)
    write_papers([paper(1, 5), paper(2, 6)], index, DAY)
    index.save(folder)
    may, may_keys = (folder / "2026-05.json").read_bytes(), (tmp_path / "state" / "keys" / "2026-05.txt").read_bytes()
    (folder / "2026-05.json").rename(tmp_path / "may.json")
    sparse = Index.load(tmp_path / "content", folder, sparse=True)
    assert sorted(sparse.elsewhere) == ["2026-05"]
    assert [o.kind for o in write_papers([paper(3, 5)], sparse, DAY)] == ["new"]
    assert "2026-05" in sparse.elsewhere and Path(sparse.claim(paper(1, 7))).stem != "arxiv-2606-00001"
    sparse.save(folder)
    assert not (folder / "2026-05.json").exists()
    assert (tmp_path / "state" / "keys" / "2026-05.txt").read_bytes() == may_keys
    (tmp_path / "may.json").rename(folder / "2026-05.json")
    assert (folder / "2026-05.json").read_bytes() == may
    full = Index.load(tmp_path / "content", folder)  # the entry on disk, not listed: its month read again
    assert paper(3, 5).id in full.entries and paper(1, 5).id in full.entries


@pytest.mark.parametrize("per_month", [600])
def test_the_key_files_hold_tens_of_bytes_a_paper(tmp_path, per_month):
    papers = [paper(n, 5, doi=f"10.1000/p.{n}") for n in range(per_month)]
    index = Index.load(tmp_path / "content", tmp_path / "state" / "papers")
    write_papers(papers, index, DAY)
    index.save(tmp_path / "state" / "papers")
    size = (tmp_path / "state" / "keys" / "2026-05.txt").stat().st_size
    assert size / per_month < 60


def test_the_daily_checkout_takes_the_index_files_of_the_recent_days_months_only(tmp_path):
    """A journal article published in January that arrived yesterday: its folder and January's index
    file are checked out, from its key file's radar day; February's, whose papers are old, is not."""
    old, article, recent = (
        paper(1, 1, published=datetime(2026, 1, 5, tzinfo=UTC)),
        paper(2, 1, id="doi:10.1000/late", arxiv_id="", doi="10.1000/late"),
        paper(3, 6),
    )
    feb = paper(4, 2)
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    git("init", "--quiet", "--bare", "--initial-branch=main", str(origin), cwd=tmp_path)
    git("config", "uploadpack.allowFilter", "true", cwd=origin)
    git("clone", "--quiet", f"file://{origin}", str(work), cwd=tmp_path)
    layout = Layout(work / "content", work / "state")
    index = Index.load(layout.content, layout.index_dir)
    for papers, day in (([old], date(2026, 1, 20)), ([feb], date(2026, 2, 20)), ([article, recent], DAY)):
        assert {o.kind for o in write_papers(papers, index, day)} == {"new"}
    index.save(layout.index_dir)
    git("add", "--all", cwd=work)
    git("-c", "user.name=Radar", "-c", "user.email=radar@example.org", "commit", "--quiet", "-m", "Papers", cwd=work)
    git("push", "--quiet", "origin", "HEAD:main", cwd=work)

    daily = tmp_path / "daily"
    git("clone", "--quiet", "--filter=blob:none", "--sparse", f"file://{origin}", str(daily), cwd=tmp_path)
    on = Layout(daily / "content", daily / "state")
    chosen = check_out_day(on, DAY + timedelta(days=1))
    assert sorted(p.name for p in on.index_dir.glob("*.json")) == ["2026-01.json", "2026-06.json"]
    assert sorted(p.name for p in keys_dir(on.index_dir).glob("*.txt")) == [
        "2026-01.txt",
        "2026-02.txt",
        "2026-06.txt",
    ]
    on_disk = {p.relative_to(on.content).as_posix() for p in on.content.rglob("*.md")}
    assert on_disk == {index.entries[article.id], index.entries[recent.id]}
    assert chosen == patterns(on, DAY + timedelta(days=1), root=daily)  # set until it stays the same
    # what the later steps read of the months left out: their key files
    sparse = Index.load(on.content, on.index_dir, sparse=True)
    assert sorted(sparse.elsewhere) == ["2026-02"] and sparse.papers() == 4
    assert sparse.days() == {rel: index.info[i]["day"] for i, rel in index.entries.items()}
    assert sparse.brief_counts() == {"pending": 4} and not (on.index_dir / "2026-02.json").exists()
    # a brief due in a month left out (its key file counts it): the month's index file is checked out
    check_out = sparse_files(on.index_dir)
    with_files = Index.load(on.content, on.index_dir, sparse=True, check_out=check_out)
    assert index.entries[feb.id] in with_files.due(with_model=False) and with_files.elsewhere == {}
    assert (on.index_dir / "2026-02.json").exists()
    # a lookup by a key whose hash a month left out lists reads that month
    check_out_day(on, DAY + timedelta(days=1))
    assert not (on.index_dir / "2026-02.json").exists()
    looked = Index.load(on.content, on.index_dir, sparse=True, check_out=check_out)
    assert looked.lookup(f"doi:{article.doi}") == article.id and "2026-02" in looked.elsewhere
    assert looked.lookup(feb.id) == feb.id and looked.elsewhere == {}
