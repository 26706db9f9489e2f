// The personal research radar: what a reader follows and mutes, kept in localStorage, shareable as a URL.
import { fold, t } from "./util.js";

const KEY = "ah-radar";
export const KINDS = ["topic", "author", "keyword", "mute-author", "mute-keyword"];

export function emptyRadar() {
  return Object.fromEntries(KINDS.map((kind) => [kind, []]));
}

function clean(data) {
  const radar = emptyRadar();
  for (const kind of KINDS) {
    const values = Array.isArray(data && data[kind]) ? data[kind] : [];
    radar[kind] = [...new Set(values.filter((v) => typeof v === "string").map((v) => v.trim()).filter(Boolean))].slice(0, 200);
  }
  return radar;
}

export function loadRadar() {
  try {
    return clean(JSON.parse(localStorage.getItem(KEY) || "{}"));
  } catch (error) {
    return emptyRadar();
  }
}

export function saveRadar(radar) {
  try { localStorage.setItem(KEY, JSON.stringify(clean(radar))); } catch (error) { /* storage blocked */ }
  document.dispatchEvent(new CustomEvent("ah:radar"));
}

export function isEmpty(radar) {
  return KINDS.every((kind) => !radar[kind].length);
}

/** Whether the reader muted one of the paper's authors or keywords (an index record); the muted value or null. */
export function muted(radar, paper) {
  const authors = new Set((paper.authors || []).map(fold));
  const author = radar["mute-author"].find((name) => authors.has(fold(name)));
  if (author) return author;
  const text = fold(`${paper.title} ${paper.abstract || ""} ${(paper.tags || []).join(" ")}`);
  return radar["mute-keyword"].find((keyword) => keywordPattern(keyword).test(text)) || null;
}

export function has(radar, kind, value) {
  const key = fold(value);
  return radar[kind].some((v) => fold(v) === key);
}

export function toggle(kind, value) {
  const radar = loadRadar();
  if (has(radar, kind, value)) radar[kind] = radar[kind].filter((v) => fold(v) !== fold(value));
  else radar[kind].push(value);
  saveRadar(radar);
  return radar;
}

/** The radar in a URL query: ?topic=a&author=B&keyword=c (repeatable). */
export function toQuery(radar) {
  const params = new URLSearchParams();
  for (const kind of KINDS) for (const value of radar[kind]) params.append(kind, value);
  return params.toString();
}

export function fromQuery(search) {
  const params = new URLSearchParams(search);
  const radar = emptyRadar();
  for (const kind of KINDS) radar[kind] = params.getAll(kind);
  return clean(radar);
}

const patterns = new Map(); // keyword → its pattern, made once: the radar matches every recent paper against it

function keywordPattern(keyword) {
  if (!patterns.has(keyword)) patterns.set(keyword, makePattern(keyword));
  return patterns.get(keyword);
}

function makePattern(keyword) {
  const prefix = keyword.endsWith("*");
  const body = fold(prefix ? keyword.slice(0, -1) : keyword).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^\\p{L}\\p{N}])(${body}${prefix ? "[\\p{L}\\p{N}-]*" : ""})(?=$|[^\\p{L}\\p{N}])`, "iu");
}

const folded = new WeakMap(); // index record → the text its keywords are matched in, folded once

function searchText(paper) {
  if (!folded.has(paper)) {
    const tldr = paper.tldr ? `${paper.tldr.zh || ""} ${paper.tldr.en || ""}` : "";
    folded.set(paper, fold(`${paper.title} ${paper.abstract || ""} ${(paper.tags || []).join(" ")} ${tldr}`));
  }
  return folded.get(paper);
}

/** Why a paper (an index record) matches the radar: a list of {kind, value}; empty when it does not. */
export function reasons(radar, paper) {
  const found = [];
  const topics = new Set((paper.topics || []).map((t) => t.rule));
  for (const topic of radar.topic) if (topics.has(topic)) found.push({ kind: "topic", value: topic });
  const authors = new Set((paper.authors || []).map(fold));
  for (const author of radar.author) if (authors.has(fold(author))) found.push({ kind: "author", value: author });
  if (radar.keyword.length) {
    const text = searchText(paper);
    for (const keyword of radar.keyword) if (keywordPattern(keyword).test(text)) found.push({ kind: "keyword", value: keyword });
  }
  return found;
}

export { keywordPattern };

/** The papers (index records) that match the radar, with why: newest radar day first and, within a day, those
 *  matching the most follows first, else in the order given (the home page's). */
export function matching(radar, papers) {
  const newer = (a, b) => (a.paper.day === b.paper.day ? 0 : (a.paper.day || "") < (b.paper.day || "") ? 1 : -1);
  return papers.map((paper, i) => ({ paper, why: reasons(radar, paper), i })).filter((m) => m.why.length)
    .sort((a, b) => newer(a, b) || b.why.length - a.why.length || a.i - b.i).map(({ paper, why }) => ({ paper, why }));
}

/** A rule file (rules/*.yml) that selects what this radar follows, excludes what it mutes, and finds
 *  papers like the ones rated 👍 (`liked`: arXiv ids or DOIs; `bibtex`: an imported library's file name). */
export function ruleYaml(radar, site, liked = [], bibtex = "") {
  const q = (s) => JSON.stringify(s);
  const lines = [
    `# A curation rule made from a reader's radar on ${site}.`,
    "# Check the id, name and description, then send it as a pull request.",
    "id: my-radar",
    "name: {en: My radar, zh: 我的雷达}",
    "description:",
    `  en: ${q("Papers by " + (radar.author.join(", ") || "anyone") + (radar.keyword.length ? " or about " + radar.keyword.join(", ") : ""))}`,
    `  zh: ${q("关注：" + [...radar.author, ...radar.keyword].join("、"))}`,
  ];
  if (radar.author.length || radar.keyword.length || !(liked.length || bibtex)) lines.push("include:");
  if (radar.author.length) lines.push(`  authors: [${radar.author.map(q).join(", ")}]`);
  if (radar.keyword.length) lines.push(`  keywords: [${radar.keyword.map(q).join(", ")}]`);
  if (!radar.author.length && !radar.keyword.length && !(liked.length || bibtex)) lines.push("  keywords: []  # a rule needs at least one author or keyword");
  if (radar.topic.length) lines.push(`# followed topics (existing rules): ${radar.topic.join(", ")}`);
  if (radar["mute-author"].length || radar["mute-keyword"].length) {
    lines.push("exclude:");
    if (radar["mute-author"].length) lines.push(`  authors: [${radar["mute-author"].map(q).join(", ")}]`);
    if (radar["mute-keyword"].length) lines.push(`  keywords: [${radar["mute-keyword"].map(q).join(", ")}]`);
  }
  if (liked.length || bibtex) {
    lines.push("# the papers rated 👍 on the radar: papers close in content to one of them are selected too", "similar_to:");
    if (liked.length) lines.push(`  papers: [${liked.map(q).join(", ")}]`);
    if (bibtex) lines.push(`  bibtex: ${q(bibtex)}  # add the imported file beside this rule, as rules/${bibtex}`);
  }
  lines.push("min_score: 1");
  return lines.join("\n") + "\n";
}

/** Keep every follow button's pressed state in step with the radar; clicking toggles. */
export function syncFollow() {
  const radar = loadRadar();
  for (const button of document.querySelectorAll("[data-follow]")) {
    button.setAttribute("aria-pressed", String(has(radar, button.dataset.follow, button.dataset.value)));
  }
}

function followButton(kind, value, zh, en) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "follow-btn";
  button.dataset.follow = kind;
  button.dataset.value = value;
  button.append(t(`${zh} · ${value}`, `${en} · ${value}`));
  return button;
}

/** An "Add to radar" panel, built when it is first opened: the topics, first authors and keywords
 *  of its card, or of the paper on a paper page. */
function fillPanel(details) {
  const panel = details.querySelector(".follow-panel");
  const card = details.closest(".card");
  const paper = card || document.querySelector("article.paper");
  if (!panel || !paper || panel.childElementCount) return;
  for (const chip of paper.querySelectorAll(".chip[data-topic]")) {
    const name = (cls) => (chip.querySelector(`.${cls}`) || chip).textContent;
    const button = followButton("topic", chip.dataset.topic, "主题", "Topic");
    button.querySelector(".zh").textContent = `主题 · ${name("zh")}`;
    button.querySelector(".en").textContent = `Topic · ${name("en")}`;
    panel.append(button);
  }
  for (const name of paper.dataset.authors.split("|").filter(Boolean).slice(0, card ? 6 : 12)) panel.append(followButton("author", name, "作者", "Author"));
  for (const tag of (details.dataset.tags || "").split("|").filter(Boolean)) panel.append(followButton("keyword", tag, "关键词", "Keyword"));
  syncFollow();
}

export function initFollowButtons(scope) {
  const sync = syncFollow;
  scope.addEventListener("toggle", (event) => {
    if (event.target.matches && event.target.matches("details.follow") && event.target.open) fillPanel(event.target);
  }, true);
  scope.addEventListener("click", (event) => {
    const button = event.target.closest("[data-follow]");
    if (!button) return;
    toggle(button.dataset.follow, button.dataset.value);
  });
  scope.querySelectorAll("details.follow[open]").forEach(fillPanel);
  document.addEventListener("ah:radar", sync);
  window.addEventListener("storage", sync);
  sync();
}
