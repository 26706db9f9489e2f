// The radar's lists for the simulated readers of bench/bench_radar.py, computed by the site's own modules
// (theme/static/js/learn.js and radar.js) in Node: the page and the benchmark run the same code.
//
//   node bench/radar_readers.mjs job.json SCRIPTS > lists.json
//
// SCRIPTS: a folder holding the theme's scripts (theme/static/js) and the shared.js the site's build writes beside them.
//
// job.json: {papers: [index records with `day`, newest first], vectors: a file of the papers' rows in the
// shards' format (float32 scales, then int8 values), dims, window: days, cases: [{key, day, variant,
// ratings, seen, keywords, explore (else the page's default)}]}. Out: {key: {ids, ms}} (ids: the list the reader sees).
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const scripts = pathToFileURL(`${process.argv[3]}/`);
const { decode, hashedFeatures, hashedRow, recommend, FIRST_PAPERS, vectorDays } = await import(new URL("learn.js", scripts));
const { partsFor } = await import(new URL("util.js", scripts));
const { emptyRadar, matching } = await import(new URL("radar.js", scripts));
const { EXPLORE_DEFAULT } = await import(new URL("ratings.js", scripts));

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const bytes = readFileSync(job.vectors);
const rows = decode(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), job.papers.length, job.dims);
const rowOf = new Map(job.papers.map((p, i) => [p.id, rows[i]]));
const byId = new Map(job.papers.map((p) => [p.id, p]));

const DAY = 86400000;
const windows = new Map(); // day → {papers, vectors, words}: what the radar page of that day works on as it opens
function windowOf(day) {
  if (!windows.has(day)) {
    const end = Date.parse(day);
    const recent = job.papers.filter((p) => p.day <= day && Date.parse(p.day) > end - job.window * DAY);
    const days = [...new Set(recent.map((p) => p.day))].sort().reverse();
    // the page's first card parts (one a day here): the newest day, and the days before while it holds fewer than FIRST_PAPERS
    const parts = days.map((d) => ({ day: d, count: recent.filter((p) => p.day === d).length }));
    const shown = new Set(days.slice(0, partsFor({ parts }, 1, FIRST_PAPERS)));
    const papers = recent.filter((p) => shown.has(p.day));
    const loaded = vectorDays(days, shown);
    const withRows = recent.filter((p) => loaded.has(p.day));
    windows.set(day, {
      papers,
      vectors: { kind: "vectors", model: "bench", dims: job.dims, ids: withRows.map((p) => p.id), rows: withRows.map((p) => rowOf.get(p.id)) },
      words: null,
    });
  }
  return windows.get(day);
}

const out = {};
for (const c of job.cases) {
  const w = windowOf(c.day);
  const started = performance.now();
  const radar = { ...emptyRadar(), keyword: c.keywords || [] };
  let ids;
  if (c.variant === "keywords") { // the radar's keyword list (its papers of the day: the list before it is older news)
    ids = matching(radar, w.papers).map((m) => m.paper.id).filter((id) => byId.get(id).day === c.day);
  } else {
    const words = c.variant === "words";
    if (words && !w.words) w.words = hashedFeatures(w.papers);
    const features = words ? w.words : w.vectors;
    // a rated paper outside the window: its kept (or, for an imported library, the archive's) vector, or its title's words
    const extraRows = {};
    for (const id of Object.keys(c.ratings)) {
      if (!features.ids.includes(id) && byId.has(id)) extraRows[id] = words ? hashedRow(byId.get(id).title) : rowOf.get(id);
    }
    const state = { ratings: c.ratings, seen: c.seen || {}, explore: c.explore ?? EXPLORE_DEFAULT };
    const shown = recommend(features, w.papers, state, radar, { extraRows, seed: c.key });
    ids = shown ? shown.picks.map((item) => item.id) : [];
  }
  out[c.key] = { ids: ids.slice(0, 20), ms: performance.now() - started };
}
process.stdout.write(JSON.stringify(out));
