// The radar's learned ranking, in the browser only: an L2-regularised logistic regression on the
// reader's 👍 / 👎, over the site's own embeddings of the recent papers (data/vectors/, int8 shards),
// or, on a site built without the semantic extra, over hashed words of the titles and abstracts of
// the papers' cards (data/cards/). No dependency, no request beyond the site's own files.
import { fold, siteUrl } from "./util.js";
import { reasons } from "./radar.js";

export const HASHED_DIMENSIONS = 2048;
export const C = 1; // inverse regularisation strength, as scikit-learn's LogisticRegression(C=1)
const BACKGROUND = 200; // unrated papers taken as weak negatives ("most papers are not for me")
const BACKGROUND_WEIGHT = 0.5; // their total weight, per rating (a follow's paper counts as its weight)
export const NEAR = { vectors: 0.35, words: 0.12 }; // cosine from which a 👍 paper counts as "like" one

export const FIRST_PAPERS = 200; // the radar page starts with the newest radar day, and the days before while it holds fewer

/** The radar days whose vectors the radar page loads: the days of the papers it shows (`shown`, a Set) and the day
 *  before the oldest of them (the ranking's background: papers the reader has not looked at are weak negatives).
 *  `days`: every radar day, newest first. */
export function vectorDays(days, shown) {
  const oldest = days.findLastIndex((day) => shown.has(day));
  return new Set(days.slice(0, oldest + 2));
}

const fetched = new Map(); // a URL → the promise of what `read` made of its response: each file fetched once per page
const once = (url, read) => {
  if (!fetched.has(url)) fetched.set(url, fetch(url).then(read));
  return fetched.get(url);
};

/** The vectors of the published shards of the radar days `days` (a Set; every shard when not given):
 *  {kind: "vectors", model, dims, ids, rows} (rows: one Float32Array each). */
export async function loadVectors(index, days = null) {
  const url = siteUrl(index.vectors);
  const manifest = await once(url, (response) => response.json());
  const dims = manifest.dimensions;
  const parts = await Promise.all(manifest.shards.filter((shard) => !days || days.has(shard.day)).map(async (shard) => {
    const buffer = await once(new URL(shard.file, url).href, (response) => response.arrayBuffer());
    const n = shard.ids.length;
    if (buffer.byteLength !== n * (4 + dims)) throw new Error(`${shard.file}: ${buffer.byteLength} bytes for ${n} rows`);
    return { ids: shard.ids, rows: decode(buffer, n, dims) };
  }));
  return { kind: "vectors", model: manifest.model, dims, ids: parts.flatMap((p) => p.ids), rows: parts.flatMap((p) => p.rows),
    archive: { base: url, files: Array.isArray(manifest.archive) ? manifest.archive : [] } };
}

/** The vectors of papers the shards lack (`ids`), from the archive's buckets (data/vectors/archive/; only the
 *  buckets they fall in are fetched): {id: a row as the reader's storage keeps it (packRow's text)}. */
export async function archiveRows(features, ids) {
  const files = features.archive ? features.archive.files : [];
  const wanted = new Map();
  for (const id of files.length ? ids : []) {
    const file = files[fnv1a(id) % files.length];
    wanted.set(file, [...(wanted.get(file) || []), id]);
  }
  const found = {};
  await Promise.all([...wanted].map(async ([file, mine]) => {
    const bucket = await (await fetch(new URL(`archive/${file}`, features.archive.base))).json();
    bucket.ids.forEach((id, i) => { if (mine.includes(id) && typeof bucket.rows[i] === "string") found[id] = bucket.rows[i]; });
  }));
  return found;
}

/** n float32 scales, then n × dims int8 values: row i is q[i] · scale[i]. */
export function decode(buffer, n, dims) {
  const scales = new DataView(buffer, 0, 4 * n);
  const values = new Int8Array(buffer, 4 * n, n * dims);
  const rows = [];
  for (let i = 0; i < n; i += 1) {
    const scale = scales.getFloat32(4 * i, true);
    const row = new Float32Array(dims);
    for (let j = 0; j < dims; j += 1) row[j] = values[i * dims + j] * scale;
    rows.push(row);
  }
  return rows;
}

/** A row as the reader's storage keeps it (base64 of the float32 scale and the int8 values), and back. */
export function packRow(row) {
  let peak = 0;
  for (const v of row) peak = Math.max(peak, Math.abs(v));
  const scale = peak > 0 ? peak / 127 : 1;
  const bytes = new Uint8Array(4 + row.length);
  new DataView(bytes.buffer).setFloat32(0, scale, true);
  row.forEach((v, j) => { bytes[4 + j] = Math.max(-127, Math.min(127, Math.round(v / scale))) & 255; });
  return btoa(String.fromCharCode(...bytes));
}

export function unpackRow(text, dims) {
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  return bytes.length === 4 + dims ? decode(bytes.buffer, 1, dims)[0] : null;
}

const STOPWORDS = new Set(("the and for with that this from are was were which these those their our its into onto than then "
  + "have has had been being can could may might will would should also such using use used based via not but all any each "
  + "more most other some both between over under about after before while where when how what who whom whose there here "
  + "they them his her she him you your one two three new show shows shown study paper results approach method methods")
  .split(" "));

/** The words of a text the hashed features count: letters and digits, three or more, no stopword. */
export function words(text) {
  return [...new Set(fold(text).match(/[\p{L}\p{N}]{3,}/gu) || [])].filter((w) => !STOPWORDS.has(w));
}

function fnv1a(word) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < word.length; i += 1) {
    hash ^= word.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** A text's hashed words: each word adds ±1 at its hash (the sign from the hash's top bit), then unit length. */
export function hashedRow(text, dims = HASHED_DIMENSIONS) {
  const row = new Float32Array(dims);
  for (const word of words(text)) {
    const hash = fnv1a(word);
    row[hash % dims] += hash & 0x80000000 ? -1 : 1;
  }
  return normalised(row);
}

export function hashedFeatures(papers) {
  return { kind: "words", model: "", dims: HASHED_DIMENSIONS, ids: papers.map((p) => p.id),
    rows: papers.map((p) => hashedRow(`${p.title} ${p.abstract || ""}`)) };
}

function normalised(row) {
  let norm = 0;
  for (const v of row) norm += v * v;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let j = 0; j < row.length; j += 1) row[j] /= norm;
  return row;
}

/** a · b, four sums at once (the cosines of the best papers to the 👍 ones). */
function dot(a, b) {
  const length = a.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < length; j += 4) {
    s0 += a[j] * b[j];
    s1 += a[j + 1] * b[j + 1];
    s2 += a[j + 2] * b[j + 2];
    s3 += a[j + 3] * b[j + 3];
  }
  for (; j < length; j += 1) s0 += a[j] * b[j];
  return (s0 + s1) + (s2 + s3);
}

/** Rows one after another in one Float32Array (rows × dims): the loops the radar spends its time in read them so. */
function packed(rows, dims) {
  const x = new Float32Array(rows.length * dims);
  rows.forEach((row, i) => x.set(row, i * dims));
  return x;
}

/** out[i] = w · row i of x (packed, n rows of `dims`), for i < n. Eight rows at a time: each of w's entries, read
 *  once, serves eight sums (the loop the training and the ranking spend their time in runs twice as fast so). */
function products(w, x, dims, n, out) {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const a = i * dims;
    const b = a + dims;
    const c = b + dims;
    const d = c + dims;
    const e = d + dims;
    const f = e + dims;
    const g = f + dims;
    const h = g + dims;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    let s5 = 0;
    let s6 = 0;
    let s7 = 0;
    for (let j = 0; j < dims; j += 1) {
      const wj = w[j];
      s0 += wj * x[a + j];
      s1 += wj * x[b + j];
      s2 += wj * x[c + j];
      s3 += wj * x[d + j];
      s4 += wj * x[e + j];
      s5 += wj * x[f + j];
      s6 += wj * x[g + j];
      s7 += wj * x[h + j];
    }
    out[i] = s0;
    out[i + 1] = s1;
    out[i + 2] = s2;
    out[i + 3] = s3;
    out[i + 4] = s4;
    out[i + 5] = s5;
    out[i + 6] = s6;
    out[i + 7] = s7;
  }
  for (; i < n; i += 1) {
    const a = i * dims;
    let sum = 0;
    for (let j = 0; j < dims; j += 1) sum += w[j] * x[a + j];
    out[i] = sum;
  }
  return out;
}

/** target[j] += Σᵢ factors[i] · x[i][j] over the n packed rows of x, eight rows at a time (as products). */
function addRows(target, factors, x, dims, n) {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const a = i * dims;
    const b = a + dims;
    const c = b + dims;
    const d = c + dims;
    const e = d + dims;
    const f = e + dims;
    const g = f + dims;
    const h = g + dims;
    const f0 = factors[i];
    const f1 = factors[i + 1];
    const f2 = factors[i + 2];
    const f3 = factors[i + 3];
    const f4 = factors[i + 4];
    const f5 = factors[i + 5];
    const f6 = factors[i + 6];
    const f7 = factors[i + 7];
    for (let j = 0; j < dims; j += 1) {
      target[j] += ((f0 * x[a + j] + f1 * x[b + j]) + (f2 * x[c + j] + f3 * x[d + j]))
        + ((f4 * x[e + j] + f5 * x[f + j]) + (f6 * x[g + j] + f7 * x[h + j]));
    }
  }
  for (; i < n; i += 1) {
    const a = i * dims;
    for (let j = 0; j < dims; j += 1) target[j] += factors[i] * x[a + j];
  }
}

/** The objective and its gradient at w (the last entry the bias), into `gradient`; returns the objective. x: the
 *  training rows, packed; labels and weights: Float64Arrays; scratch: a Float64Array of one entry per row. */
function objective(x, labels, weights, c, w, gradient, scratch) {
  const dims = w.length - 1;
  const n = labels.length;
  const bias = w[dims];
  products(w, x, dims, n, scratch);
  let value = 0;
  let biasGradient = 0;
  for (let i = 0; i < n; i += 1) {
    const z = labels[i] * (bias + scratch[i]);
    // σ(−z) and log(1 + e^−z), computed without overflow
    const e = Math.exp(-Math.abs(z));
    const sig = z >= 0 ? e / (1 + e) : 1 / (1 + e);
    value += weights[i] * (Math.log1p(e) + Math.max(0, -z));
    scratch[i] = -weights[i] * labels[i] * sig; // the row's share of the gradient
    biasGradient += scratch[i];
  }
  for (let j = 0; j < dims; j += 1) {
    gradient[j] = w[j] / c;
    value += (w[j] * w[j]) / (2 * c);
  }
  addRows(gradient, scratch, x, dims, n);
  gradient[dims] = biasGradient;
  return value;
}

function norm(v) {
  let sum = 0;
  for (let j = 0; j < v.length; j += 1) sum += v[j] * v[j];
  return Math.sqrt(sum);
}

/**
 * Minimise Σ sᵢ log(1 + exp(−yᵢ (w·xᵢ + b))) + ‖w‖² / (2C) (the bias is not penalised: scikit-learn's
 * LogisticRegression with sample weights sᵢ) by L-BFGS (the last 10 steps, a backtracking line search),
 * until the gradient's norm is below `tolerance` times its norm at zero. rows: Float32Arrays; labels ±1.
 */
export function train(rows, labels, weights, { c = C, tolerance = 1e-6, maxIterations = 500, memory = 10 } = {}) {
  const dims = rows[0].length;
  const size = dims + 1;
  const x = packed(rows, dims);
  const signs = Float64Array.from(labels);
  const shares = Float64Array.from(weights);
  const scratch = new Float64Array(rows.length);
  const evaluate = (at, gradientAt) => objective(x, signs, shares, c, at, gradientAt, scratch);
  let w = new Float64Array(size); // the last entry is the bias
  let gradient = new Float64Array(size);
  let value = evaluate(w, gradient);
  const first = norm(gradient) || 1;
  const steps = []; // {s, y, rho}
  const direction = new Float64Array(size);
  let next = new Float64Array(size); // the line search's point and gradient (swapped with w's when taken)
  let nextGradient = new Float64Array(size);
  const alpha = new Float64Array(memory);
  let iterations = 0;
  for (; iterations < maxIterations && norm(gradient) >= tolerance * first; iterations += 1) {
    // the two-loop recursion: direction = −H·gradient
    for (let j = 0; j < size; j += 1) direction[j] = -gradient[j];
    for (let k = steps.length - 1; k >= 0; k -= 1) {
      const { s, y, rho } = steps[k];
      let a = 0;
      for (let j = 0; j < size; j += 1) a += s[j] * direction[j];
      alpha[k] = rho * a;
      for (let j = 0; j < size; j += 1) direction[j] -= alpha[k] * y[j];
    }
    if (steps.length) {
      const { s, y } = steps[steps.length - 1];
      let sy = 0;
      let yy = 0;
      for (let j = 0; j < size; j += 1) { sy += s[j] * y[j]; yy += y[j] * y[j]; }
      for (let j = 0; j < size; j += 1) direction[j] *= sy / yy;
    } else {
      const scale = 1 / norm(gradient);
      for (let j = 0; j < size; j += 1) direction[j] *= scale;
    }
    for (let k = 0; k < steps.length; k += 1) {
      const { s, y, rho } = steps[k];
      let b = 0;
      for (let j = 0; j < size; j += 1) b += y[j] * direction[j];
      b *= rho;
      for (let j = 0; j < size; j += 1) direction[j] += s[j] * (alpha[k] - b);
    }
    let slope = 0;
    for (let j = 0; j < size; j += 1) slope += gradient[j] * direction[j];
    if (slope >= 0) { // not a descent direction: start again from the gradient
      steps.length = 0;
      continue;
    }
    let step = 1;
    let nextValue;
    let found = false;
    for (let tries = 0; tries < 20 && !found; tries += 1, step /= 2) {
      for (let j = 0; j < size; j += 1) next[j] = w[j] + step * direction[j];
      nextValue = evaluate(next, nextGradient);
      found = nextValue <= value + 1e-4 * step * slope;
    }
    if (!found) break; // no step lowers the objective measurably: as close as float arithmetic gets
    const s = new Float64Array(size);
    const y = new Float64Array(size);
    let sy = 0;
    for (let j = 0; j < size; j += 1) {
      s[j] = next[j] - w[j];
      y[j] = nextGradient[j] - gradient[j];
      sy += s[j] * y[j];
    }
    if (sy > 1e-12) {
      steps.push({ s, y, rho: 1 / sy });
      if (steps.length > memory) steps.shift();
    }
    [w, next] = [next, w];
    [gradient, nextGradient] = [nextGradient, gradient];
    value = nextValue;
  }
  return { weights: w.subarray(0, size - 1), bias: w[size - 1], iterations };
}

const CHUNK = 256; // rows packed at a time to be scored

/** The model's score of each of `rows` (a Float64Array): a chunk of them packed at a time, as products reads them. */
function scores(model, rows) {
  const dims = model.weights.length;
  const out = new Float64Array(rows.length);
  const buffer = new Float32Array(Math.min(CHUNK, rows.length) * dims);
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    chunk.forEach((row, k) => buffer.set(row, k * dims));
    products(model.weights, buffer, dims, chunk.length, out.subarray(start));
  }
  for (let i = 0; i < out.length; i += 1) out[i] += model.bias;
  return out;
}

export const SEEN_WEIGHT = 0.25; // a paper the reader scrolled past without rating it: a weak negative
export const FOLLOW_WEIGHT = 0.5; // a paper that matches a follow: a weak positive (what a follow teaches), times followShare
const FOLLOWED = 100; // at most this many of them, evenly spaced
const HANDOVER = 10; // ratings at which a follow counts half: follows teach most before the ratings take over

/** How much follows count beside `rated` ratings: 1 with none, ½ with HANDOVER, ¼ with three times as many. */
export const followShare = (rated) => HANDOVER / (HANDOVER + rated);

/** Up to `limit` of `ids`, evenly spaced. */
function spaced(ids, limit) {
  const stride = Math.max(1, ids.length / limit);
  const out = [];
  for (let k = 0; k * stride < ids.length && out.length < limit; k += 1) out.push(ids[Math.floor(k * stride)]);
  return out;
}

const positions = new WeakMap(); // features → a Map of its ids' rows, made once per set of features (never changed)
function positionsOf(features) {
  if (!positions.has(features)) positions.set(features, new Map(features.ids.map((id, i) => [id, i])));
  return positions.get(features);
}

/**
 * The papers a reader's ratings train on: each rating (±1, weight 1); the papers that match a follow (`follows`:
 * id → how many follows it matches) as weak positives; the papers scrolled past (`seen`, unrated) as weak
 * negatives; then up to BACKGROUND unrated papers, evenly spaced through the days before `today` (the ids of the
 * radar day being ranked: what the reader has not looked at yet, taken only when the days before are too few),
 * as negatives of total weight BACKGROUND_WEIGHT a rating.
 */
export function trainingSet(features, ratings, extraRows = {}, { seen = {}, follows = new Map(), today = new Set() } = {}) {
  const at = positionsOf(features);
  const rows = [];
  const labels = [];
  const weights = [];
  const ids = [];
  const add = (id, row, label, weight) => { rows.push(row); labels.push(label); weights.push(weight); ids.push(id); };
  for (const [id, rating] of Object.entries(ratings)) {
    const row = at.has(id) ? features.rows[at.get(id)] : extraRows[id];
    if (row) add(id, row, rating.r, 1);
  }
  const rated = ids.length;
  const unrated = features.ids.filter((id) => !(id in ratings));
  const followed = spaced(unrated.filter((id) => follows.get(id)), FOLLOWED);
  for (const id of followed) add(id, features.rows[at.get(id)], 1, FOLLOW_WEIGHT * followShare(rated));
  const taken = new Set(followed);
  const skimmed = unrated.filter((id) => seen[id] && !taken.has(id));
  for (const id of skimmed) { add(id, features.rows[at.get(id)], -1, SEEN_WEIGHT); taken.add(id); }
  const older = unrated.filter((id) => !taken.has(id) && !today.has(id));
  const pool = older.length >= BACKGROUND ? older : [...older, ...unrated.filter((id) => !taken.has(id) && today.has(id))];
  const background = spaced(pool, BACKGROUND);
  const taught = rated + followed.length * FOLLOW_WEIGHT * followShare(rated);
  for (const id of background) add(id, features.rows[at.get(id)], -1, (BACKGROUND_WEIGHT * Math.max(1, taught)) / background.length);
  return { ids, rated, followed: followed.length, skimmed: skimmed.length, rows, labels, weights };
}

export const EXPLAINED = 50; // the best papers that say which 👍 papers they are like
export const FOLLOW_BONUS = 1; // added to a paper's score for each follow it matches (at most three), times followShare

/**
 * Rank the recent papers for a reader: {model, ranked: [{id, score, probability, near, nearest}], uncertain: ids,
 * trainedOn, trainingMilliseconds, milliseconds}, or null when nothing says what the reader likes (no 👍, no
 * paper matching a follow). `candidates`: the ids that may be shown (unrated, not hidden); `context`: what else
 * teaches the model (trainingSet's `seen`, `follows`, `today`). The first EXPLAINED papers carry `near` (the 👍
 * papers whose cosine reaches NEAR) and `nearest`.
 */
export function rank(features, ratings, candidates, extraRows = {}, context = {}) {
  const started = performance.now();
  const follows = context.follows || new Map();
  const set = trainingSet(features, ratings, extraRows, context);
  if (!set.labels.slice(0, set.rated + set.followed).includes(1)) return null;
  const model = train(set.rows, set.labels, set.weights);
  const trained = performance.now();
  const at = positionsOf(features);
  const scored = candidates.filter((id) => at.has(id));
  const values = scores(model, scored.map((id) => features.rows[at.get(id)]));
  const ranked = scored.map((id, i) => {
    const value = values[i];
    const boosted = value + FOLLOW_BONUS * followShare(set.rated) * Math.min(3, follows.get(id) || 0);
    return { id, score: boosted, probability: 1 / (1 + Math.exp(-value)), near: [], nearest: null };
  }).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  const liked = [];
  for (let i = 0; i < set.rated; i += 1) {
    if (set.labels[i] === 1) liked.push({ id: set.ids[i], row: set.rows[i], norm: Math.sqrt(dot(set.rows[i], set.rows[i])) });
  }
  const threshold = NEAR[features.kind];
  for (const item of ranked.slice(0, EXPLAINED)) {
    if (!liked.length) break;
    const row = features.rows[at.get(item.id)];
    const own = Math.sqrt(dot(row, row));
    const near = liked.map((p) => ({ id: p.id, cosine: own && p.norm ? dot(row, p.row) / (own * p.norm) : 0 }))
      .sort((a, b) => b.cosine - a.cosine);
    item.near = near.filter((p) => p.cosine >= threshold);
    item.nearest = near[0];
  }
  const uncertain = ranked.map((r) => ({ id: r.id, doubt: Math.abs(r.probability - 0.5) }))
    .sort((a, b) => a.doubt - b.doubt || (a.id < b.id ? -1 : 1)).map((r) => r.id);
  return { model, ranked, uncertain, trainedOn: set, trainingMilliseconds: trained - started, milliseconds: performance.now() - started };
}

/** A deterministic shuffle (the same day and ratings give the same exploration picks across reloads). */
export function seeded(ids, seed) {
  let state = fnv1a(String(seed)) || 1;
  const out = [...ids];
  for (let i = out.length - 1; i > 0; i -= 1) {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The "for you" list: the best `count` papers of `today` (ids of the newest radar day) first, then the best of the
 *  days before if today holds fewer; a share `explore` (rounded) of them are papers from the lower half of the
 *  ranking, picked at random, so the radar also learns outside what it knows (off by default: it costs precision). */
export function forYou(result, count, explore, seed, today = null) {
  const todays = today ? result.ranked.filter((r) => today.has(r.id)) : result.ranked;
  const ordered = today ? [...todays, ...result.ranked.filter((r) => !today.has(r.id))] : result.ranked;
  const explored = Math.round(count * explore);
  const best = ordered.slice(0, count - explored).map((r) => ({ ...r, exploring: false }));
  const taken = new Set(best.map((r) => r.id));
  const pool = ordered.slice(0, Math.max(count, todays.length));
  const lower = pool.slice(Math.floor(pool.length / 2)).filter((r) => !taken.has(r.id));
  const picks = seeded(lower.map((r) => r.id), seed).slice(0, explored);
  const byId = new Map(explored ? result.ranked.map((r) => [r.id, r]) : []);
  const mixed = [...best];
  picks.forEach((id, k) => mixed.splice(Math.min(mixed.length, Math.round(((k + 1) * count) / (explored + 1))), 0, { ...byId.get(id), exploring: true }));
  return mixed;
}

/**
 * What "for you" shows a reader: {result, picks, today} (rank's result, forYou's list, the ids of the radar day), or
 * null when nothing says what the reader likes. `papers`: the recent papers (index records with `day`); `state`:
 * the reader's ratings, what they have seen and their exploration share; `radar`: their follows; `visible`: which
 * papers may be shown. The radar page and the benchmark (bench/bench_radar.py) both call this.
 */
export function recommend(features, papers, state, radar, { extraRows = {}, visible = () => true, count = 20, seed = "" } = {}) {
  const newest = papers.reduce((day, p) => (p.day > day ? p.day : day), "");
  const today = new Set(papers.filter((p) => p.day === newest).map((p) => p.id));
  const follows = new Map();
  for (const paper of papers) {
    const matched = reasons(radar, paper).length;
    if (matched) follows.set(paper.id, matched);
  }
  const candidates = papers.filter((p) => !(p.id in state.ratings) && visible(p)).map((p) => p.id);
  const result = rank(features, state.ratings, candidates, extraRows, { seen: state.seen, follows, today });
  return result && { result, today, picks: forYou(result, count, state.explore, seed, today) };
}
