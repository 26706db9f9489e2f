// What the reader taught the radar, kept in localStorage beside the follows (radar.js): 👍 / 👎 ratings,
// papers marked "not interested", papers opened or rated ("seen"), and the radar's settings. Nothing of
// it leaves the browser; it travels only in a share link or a file the reader makes.
import { el, t, siteRoot } from "./util.js";
import { loadRadar, saveRadar, emptyRadar, KINDS } from "./radar.js";
import { sourceText } from "./math.js";

const KEY = "ah-learn";
const VECTORS_KEY = "ah-vectors";
const SEEN_LIMIT = 5000;
const FILE_FORMAT = "academichub-radar";
export const EXPLORE_DEFAULT = 0; // exploration costs precision: the reader turns it on

function fresh() {
  return { ratings: {}, dismissed: [], seen: {}, hideSeen: false, explore: EXPLORE_DEFAULT };
}

const isId = (id) => typeof id === "string" && /^(arxiv|doi):\S+$/.test(id) && id.length < 300;
const text = (value, limit) => (typeof value === "string" ? value.slice(0, limit) : "");

/** The stored state, cleaned: anything malformed is dropped, never trusted. */
export function cleanLearn(data) {
  const state = fresh();
  if (!data || typeof data !== "object") return state;
  for (const [id, rating] of Object.entries(data.ratings || {})) {
    if (!isId(id) || !rating || (rating.r !== 1 && rating.r !== -1)) continue;
    state.ratings[id] = { r: rating.r, t: text(rating.t, 500), u: text(rating.u, 300), at: Number(rating.at) || 0 };
  }
  state.dismissed = [...new Set((Array.isArray(data.dismissed) ? data.dismissed : []).filter(isId))];
  const seen = Object.entries(data.seen || {}).filter(([id, at]) => isId(id) && Number.isFinite(at));
  state.seen = Object.fromEntries(seen.sort((a, b) => b[1] - a[1]).slice(0, SEEN_LIMIT));
  state.hideSeen = data.hideSeen === true;
  const explore = Number(data.explore);
  state.explore = Number.isFinite(explore) && explore >= 0 && explore <= 0.5 ? explore : EXPLORE_DEFAULT;
  return state;
}

export function loadLearn() {
  try {
    return cleanLearn(JSON.parse(localStorage.getItem(KEY) || "{}"));
  } catch (error) {
    return fresh();
  }
}

/** Store the state; `detail.quiet` tells the pages not to redraw (a card showing its "not interested" note). */
export function saveLearn(state, detail = {}) {
  try { localStorage.setItem(KEY, JSON.stringify(cleanLearn(state))); } catch (error) { /* storage blocked or full */ }
  document.dispatchEvent(new CustomEvent("ah:learn", { detail }));
}

export function update(change, detail = {}) {
  const state = loadLearn();
  change(state);
  saveLearn(state, detail);
  return state;
}

export const hasRatings = (state) => Object.keys(state.ratings).length > 0;

/** The vectors of rated papers, kept so a rating still teaches the radar after its paper has left the
 *  published shards: {model, rows: {id: base64 of a float32 scale and int8 values}}. */
export function loadRatedVectors() {
  try {
    const data = JSON.parse(localStorage.getItem(VECTORS_KEY) || "{}");
    return data && typeof data.model === "string" && data.rows && typeof data.rows === "object" ? data : { model: "", rows: {} };
  } catch (error) {
    return { model: "", rows: {} };
  }
}

export function saveRatedVectors(data) {
  try { localStorage.setItem(VECTORS_KEY, JSON.stringify(data)); } catch (error) { /* storage full: kept in the shards only */ }
}

/** Rate a paper 👍 (1) or 👎 (-1); rating it the same way again takes the rating back. */
export function rate(id, value, meta = {}) {
  return update((state) => {
    if (state.ratings[id] && state.ratings[id].r === value && !meta.keep) delete state.ratings[id];
    else state.ratings[id] = { r: value, t: meta.title || (state.ratings[id] || {}).t || "", u: meta.url || (state.ratings[id] || {}).u || "", at: Date.now() };
    state.seen[id] = Date.now();
  });
}

export function markSeen(id) {
  if (!isId(id) || loadLearn().seen[id]) return;
  update((state) => { state.seen[id] = Date.now(); }, { quiet: true });
}

// ---------------------------------------------------------------- the share link

// ids in a link: "arxiv:" is implied, several joined with "+" (a space in a query, which no id holds)
const short = (id) => (id.startsWith("arxiv:") ? id.slice(6) : id);
const long = (value) => (/^(arxiv|doi):/.test(value) ? value : `arxiv:${value}`);

export function ratingsQuery(state, params) {
  for (const [name, value] of [["like", 1], ["dislike", -1]]) {
    const ids = Object.keys(state.ratings).filter((id) => state.ratings[id].r === value).map(short);
    if (ids.length) params.set(name, ids.join(" "));
  }
  return params;
}

export function ratingsFromQuery(search) {
  const params = new URLSearchParams(search);
  const state = fresh();
  for (const [name, value] of [["like", 1], ["dislike", -1]]) {
    for (const part of (params.get(name) || "").split(/[\s,]+/).filter(Boolean)) {
      const id = long(part);
      if (isId(id)) state.ratings[id] = { r: value, t: "", u: "", at: 0 };
    }
  }
  return state;
}

// ---------------------------------------------------------------- the file

/** The reader's whole radar as a JSON file: follows, mutes, ratings, "not interested", settings. */
export function radarFile(radar, state, site) {
  return JSON.stringify({ format: FILE_FORMAT, version: 1, site, saved: new Date().toISOString(), radar,
    ratings: state.ratings, dismissed: state.dismissed, seen: state.seen, hideSeen: state.hideSeen,
    explore: state.explore }, null, 1) + "\n";
}

/** Read a radar file; merged into what this browser holds (the file wins for a paper rated in both). */
export function mergeRadarFile(textOfFile) {
  const data = JSON.parse(textOfFile);
  if (!data || data.format !== FILE_FORMAT) throw new Error("not a radar file");
  const incoming = cleanLearn(data);
  const state = loadLearn();
  Object.assign(state.ratings, incoming.ratings);
  state.dismissed = [...new Set([...state.dismissed, ...incoming.dismissed])];
  Object.assign(state.seen, incoming.seen);
  state.hideSeen = incoming.hideSeen;
  state.explore = incoming.explore;
  saveLearn(state);
  const radar = loadRadar();
  const theirs = data.radar && typeof data.radar === "object" ? data.radar : emptyRadar();
  for (const kind of KINDS) radar[kind] = [...radar[kind], ...(Array.isArray(theirs[kind]) ? theirs[kind] : [])];
  saveRadar(radar);
  return { ratings: Object.keys(incoming.ratings).length };
}

/** "Forget everything": the radar, the ratings and the kept vectors leave this browser's storage. */
export function forgetEverything() {
  try {
    for (const key of Object.keys(localStorage)) if (key.startsWith("ah-") && key !== "ah-lang") localStorage.removeItem(key);
  } catch (error) { /* storage blocked: nothing was kept */ }
  document.dispatchEvent(new CustomEvent("ah:radar"));
  document.dispatchEvent(new CustomEvent("ah:learn"));
}

export function download(name, type, body) {
  const link = el("a", { href: URL.createObjectURL(new Blob([body], { type })), download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

// ---------------------------------------------------------------- the buttons of cards and paper pages

/** The paper a rating button belongs to: its card, or the paper page's article. */
function paperOf(node) {
  const holder = node.closest(".card") || node.closest("article.paper") || document.querySelector("article.paper");
  if (!holder) return null;
  const link = holder.querySelector(".card-title a");
  const heading = link || holder.querySelector("h1");
  const title = heading ? sourceText(heading).trim() : "";
  // kept relative to the site's root ("papers/<slug>.html"), as data/index.json names pages
  const url = new URL(link ? link.getAttribute("href") : location.href, location.href);
  url.search = url.hash = "";
  const root = siteRoot().href;
  return { holder, id: holder.dataset.id, title, url: url.href.startsWith(root) ? url.href.slice(root.length) : url.pathname };
}

export function syncRatings(scope = document) {
  const state = loadLearn();
  for (const group of scope.querySelectorAll(".rate")) {
    const paper = paperOf(group);
    if (!paper) continue;
    const rating = state.ratings[paper.id];
    for (const button of group.querySelectorAll("[data-rate]")) {
      button.setAttribute("aria-pressed", String(Boolean(rating) && rating.r === Number(button.dataset.rate)));
    }
  }
}

/** What a card says once the reader marked it "not interested": undo, or mute its author or keyword. */
function dismissedNote(paper) {
  const authors = (paper.holder.dataset.authors || "").split("|").filter(Boolean).slice(0, 3);
  const tags = ((paper.holder.querySelector("details.follow") || {}).dataset || {}).tags || "";
  const note = el("div", { class: "dismissed-note", role: "status" },
    el("p", {}, t("已隐藏：以后不再显示这篇论文。", "Hidden: this paper will not be shown again."), " ",
      el("button", { type: "button", class: "link-btn", "data-undismiss": "" }, t("撤销", "Undo"))));
  const offers = el("p", { class: "mute-offers" }, t("也不想看：", "Also mute:"));
  for (const name of authors) offers.append(" ", el("button", { type: "button", class: "follow-btn", "data-mute": "mute-author", "data-value": name }, t(`作者 · ${name}`, `author · ${name}`)));
  for (const tag of tags.split("|").filter(Boolean).slice(0, 4)) offers.append(" ", el("button", { type: "button", class: "follow-btn", "data-mute": "mute-keyword", "data-value": tag }, t(`关键词 · ${tag}`, `keyword · ${tag}`)));
  if (offers.querySelector("button")) note.append(offers);
  return note;
}

/** Cards the reader scrolled past — shown at least half, then gone above the top of the window — count as seen
 *  (the radar then takes them as weak negatives, and "hide seen" leaves them out). */
export function observeSkimmed(scope) {
  if (!("IntersectionObserver" in window)) return;
  const shown = new WeakSet();
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.intersectionRatio >= 0.5) shown.add(entry.target);
      else if (!entry.isIntersecting && shown.has(entry.target) && entry.target.isConnected && entry.boundingClientRect.height > 0
        && entry.boundingClientRect.bottom <= (entry.rootBounds ? entry.rootBounds.top : 0)) { // above the window, not redrawn away
        observer.unobserve(entry.target);
        markSeen(entry.target.dataset.id);
      }
    }
  }, { threshold: [0, 0.5] });
  const watch = () => { for (const card of scope.querySelectorAll(".card[data-id]")) observer.observe(card); };
  new MutationObserver(watch).observe(scope, { childList: true, subtree: true });
  watch();
}

export function initRatingButtons(scope) {
  scope.addEventListener("click", (event) => {
    const button = event.target.closest("[data-rate], [data-not-interested], [data-undismiss], [data-mute]");
    if (!button) {
      const link = event.target.closest(".card-title a");
      const card = link && link.closest(".card");
      if (card) markSeen(card.dataset.id);
      return;
    }
    const paper = paperOf(button);
    if (!paper) return;
    if (button.dataset.rate) {
      rate(paper.id, Number(button.dataset.rate), paper);
    } else if (button.hasAttribute("data-not-interested")) {
      update((state) => {
        state.dismissed = [...new Set([...state.dismissed, paper.id])];
        state.ratings[paper.id] = { r: -1, t: paper.title, u: paper.url, at: Date.now() };
        state.seen[paper.id] = Date.now();
      }, { quiet: true });
      paper.holder.classList.add("dismissed");
      if (paper.holder.classList.contains("card")) paper.holder.append(dismissedNote(paper));
      else button.closest(".rate").after(dismissedNote(paper));
      paper.holder.querySelector("[data-undismiss]").focus();
    } else if (button.hasAttribute("data-undismiss")) {
      update((state) => {
        state.dismissed = state.dismissed.filter((id) => id !== paper.id);
        delete state.ratings[paper.id];
      });
      paper.holder.classList.remove("dismissed");
      paper.holder.querySelector(".dismissed-note").remove();
      paper.holder.querySelector("[data-not-interested]").focus();
    } else {
      const radar = loadRadar();
      radar[button.dataset.mute] = [...radar[button.dataset.mute], button.dataset.value];
      saveRadar(radar);
      button.setAttribute("aria-pressed", "true");
      button.disabled = true;
    }
  });
  const sync = () => syncRatings(document);
  document.addEventListener("ah:learn", sync);
  window.addEventListener("storage", sync);
  const page = document.querySelector("article.paper[data-id]");
  if (page) markSeen(page.dataset.id);
  observeSkimmed(scope.body || scope);
  sync();
}
