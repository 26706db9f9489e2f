"""The radar's follows matched against every recent paper (radar.js, run in Node): the fast path for an ASCII
keyword finds exactly what the keyword's pattern finds, and runs no pattern on the papers."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from pipeline.site.scripts import scripts_beside_shared

pytestmark = pytest.mark.skipif(not shutil.which("node"), reason="needs node")

SCRIPT = """
import { reasons, emptyRadar, keywordPattern } from "%(radar)s";
import { fold } from "%(util)s";
const pieces = ["a", "b", "ab", " ", "-", "é", "𝐀", "1", "_", "ba", "c+", "+", "Σ", "x", "AB", "ﬁ", "Ab-"];
let seed = 3;
const next = (n) => (seed = (seed * 16807) %% 2147483647) %% n;
const keywords = ["ab", "ab*", "a b", "c++", "b-a", "1ab", "ab-", "x*", "ba a", "fi", "é*"];
const radar = { ...emptyRadar(), keyword: keywords };
const differ = [];
for (let i = 0; i < 20000; i += 1) {
  const title = Array.from({ length: 1 + next(12) }, () => pieces[next(pieces.length)]).join("");
  const got = reasons(radar, { title, abstract: "", tags: [] }).map((r) => r.value);
  const want = keywords.filter((k) => keywordPattern(k).test(fold(title)));
  if (JSON.stringify(got) !== JSON.stringify(want)) differ.push([title, got, want]);
}
// the keywords' patterns (flags "iu") run on 6,000 papers for three ASCII keywords, counted by wrapping
// RegExp.prototype.exec (which test calls): none
const papers = Array.from({ length: 6000 },
  (_, i) => ({ title: `Paper ${i} on quantum circuits`, abstract: "Noise and graphs ".repeat(40), tags: [] }));
const follows = { ...emptyRadar(), keyword: ["quantum circuit*", "graph*", "diffusion"] };
let runs = 0;
const exec = RegExp.prototype.exec;
RegExp.prototype.exec = function (text) { runs += this.flags === "iu" ? 1 : 0; return exec.call(this, text); };
const matched = papers.filter((p) => reasons(follows, p).length).length;
RegExp.prototype.exec = exec;
process.stdout.write(JSON.stringify({ differ: differ.slice(0, 5), count: differ.length, runs, matched }));
"""


def test_a_keyword_is_found_as_its_pattern_finds_it_without_running_a_pattern_a_paper(tmp_path):
    js = scripts_beside_shared(tmp_path)
    script = SCRIPT % {"radar": (js / "radar.js").as_uri(), "util": (js / "util.js").as_uri()}
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["count"] == 0, result["differ"]
    assert result["matched"] == 6000
    assert result["runs"] == 0
