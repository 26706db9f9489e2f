// The personal research radar: what a reader follows and mutes, kept in localStorage, shareable as a URL.
import { CJK } from "./shared.js";
import { fold, t } from "./util.js";

const KEY = "ah-radar";
export const KINDS = ["topic", "author", "keyword", "mute-author", "mute-keyword"];
export const VALUE_MAX = 120; // characters of a rule's keyword or author name (rules/*.yml)

export function emptyRadar() {
  return Object.fromEntries(KINDS.map((kind) => [kind, []]));
}

/** `text` with each lone surrogate (half of an emoji cut in two) replaced by U+FFFD, as String.toWellFormed. */
const wellFormed = (text) => [...text].map((c) => (c.length === 1 && c >= "\uD800" && c <= "\uDFFF" ? "\uFFFD" : c)).join("");

function clean(data) {
  const radar = emptyRadar();
  for (const kind of KINDS) {
    const values = Array.isArray(data && data[kind]) ? data[kind] : [];
    // a value is what a rule file can hold: well-formed text of 1 to VALUE_MAX characters
    const kept = values.filter((v) => typeof v === "string").map((v) => wellFormed(v).trim());
    radar[kind] = [...new Set(kept.filter((v) => v && [...v].length <= VALUE_MAX))].slice(0, 200);
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

/** An author's name as the rules compare names (pipeline/archive/identity.py name_key): accents, case, width
 *  and punctuation ignored, and the spaces inside a name written in Han, kana or Hangul (张 伟 is 张伟). */
function authorKey(name) {
  let key = "";
  for (const word of fold(name).replace(/[^\p{L}\p{N}\s]/gu, " ").split(/\s+/u).filter(Boolean)) {
    const joined = key && CJK.test([...key].pop()) && CJK.test([...word][0]);
    key = joined ? key + word : key ? `${key} ${word}` : word;
  }
  return key;
}

/** Whether the reader muted one of the paper's authors or keywords (an index record); the muted value or null. */
export function muted(radar, paper) {
  if (radar["mute-author"].length) {
    const authors = new Set((paper.authors || []).map(authorKey));
    const author = radar["mute-author"].find((name) => authors.has(authorKey(name)));
    if (author) return author;
  }
  if (!radar["mute-keyword"].length) return null;
  const text = fold(`${paper.title} ${paper.abstract || ""} ${(paper.tags || []).join(" ")}`);
  return radar["mute-keyword"].find((keyword) => found(keyword, text)) || null;
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
const literals = new Map(); // keyword → its folded letters when they are ASCII (else "": its pattern is run)

// Han, kana, Hangul and Bopomofo put no spaces between words: a keyword is found inside a run of them
// (CJK: the scripts the rules treat so, from the build's shared.js)

function keywordPattern(keyword) {
  if (!patterns.has(keyword)) patterns.set(keyword, makePattern(keyword));
  return patterns.get(keyword);
}

const WORDLIKE = /^[\p{L}\p{N}]$/u;
const asciiWordlike = (code) => (code >= 48 && code <= 57) || (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
/** Whether the character of `text` that ends just before `at` is a letter or digit (a whole code point: an astral
 *  letter is two code units; ASCII is told by its code, as the radar checks every match so). */
function wordlikeBefore(text, at) {
  const last = text.charCodeAt(at - 1);
  if (last < 128) return asciiWordlike(last);
  return WORDLIKE.test(String.fromCodePoint(text.codePointAt(at >= 2 && last >= 0xdc00 && last <= 0xdfff ? at - 2 : at - 1)));
}
/** Whether the character of `text` that starts at `at` is a letter or digit. */
function wordlikeAt(text, at) {
  const code = text.charCodeAt(at);
  return code < 128 ? asciiWordlike(code) : WORDLIKE.test(String.fromCodePoint(text.codePointAt(at)));
}

/** Whether a keyword is found in folded text: keywordPattern's test, done for an ASCII keyword (whose
 *  case-insensitive matches are exactly its folded letters) by finding its letters and checking the characters
 *  around them, as the pattern does (the pattern's word boundaries make it slow on every paper of the radar). */
function found(keyword, text) {
  if (!literals.has(keyword)) {
    const body = fold(keyword.endsWith("*") ? keyword.slice(0, -1) : keyword);
    literals.set(keyword, /^[\x20-\x7e]+$/.test(body) ? body : "");
  }
  const literal = literals.get(keyword);
  if (!literal) return keywordPattern(keyword).test(text);
  const prefix = keyword.endsWith("*");
  for (let at = text.indexOf(literal); at >= 0; at = text.indexOf(literal, at + 1)) {
    const end = at + literal.length;
    if ((at === 0 || !wordlikeBefore(text, at)) && (prefix || end === text.length || !wordlikeAt(text, end))) return true;
  }
  return false;
}

/** A keyword as a pattern over folded text: group 1 is what precedes the match, group 2 the match. A word
 *  boundary is needed at an end of the keyword that is a letter or digit of a spaced script only. */
function makePattern(keyword) {
  const prefix = keyword.endsWith("*");
  const folded = [...fold(prefix ? keyword.slice(0, -1) : keyword)];
  const body = folded.join("").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const before = CJK.test(folded[0] || "") ? "()" : "(^|[^\\p{L}\\p{N}])";
  const after = prefix ? "[\\p{L}\\p{N}-]*(?=$|[^\\p{L}\\p{N}])" : CJK.test(folded[folded.length - 1] || "") ? "" : "(?=$|[^\\p{L}\\p{N}])";
  return new RegExp(`${before}(${body}${after})`, "iu");
}

// index record → {text: what its keywords are matched in, folded once; keywords: the followed keywords last matched
// there; found: which of them were}. The radar page matches every recent paper at each ranking.
const matched = new WeakMap();

/** Which of `keywords` are found in the paper (an array of booleans, kept until the keywords change). */
function keywordsFound(paper, keywords) {
  let known = matched.get(paper);
  if (!known) {
    const tldr = paper.tldr ? `${paper.tldr.zh || ""} ${paper.tldr.en || ""}` : "";
    known = { text: fold(`${paper.title} ${paper.abstract || ""} ${(paper.tags || []).join(" ")} ${tldr}`), keywords: null, found: [] };
    matched.set(paper, known);
  }
  const same = known.keywords && known.keywords.length === keywords.length && keywords.every((k, i) => k === known.keywords[i]);
  if (!same) {
    known.found = keywords.map((keyword) => found(keyword, known.text));
    known.keywords = [...keywords];
  }
  return known.found;
}

/** Why a paper (an index record) matches the radar: a list of {kind, value}; empty when it does not. */
export function reasons(radar, paper) {
  const why = [];
  if (radar.topic.length) {
    const topics = new Set((paper.topics || []).map((t) => t.rule));
    for (const topic of radar.topic) if (topics.has(topic)) why.push({ kind: "topic", value: topic });
  }
  if (radar.author.length) {
    const authors = new Set((paper.authors || []).map(authorKey));
    for (const author of radar.author) if (authors.has(authorKey(author))) why.push({ kind: "author", value: author });
  }
  if (radar.keyword.length) {
    const hits = keywordsFound(paper, radar.keyword);
    radar.keyword.forEach((keyword, k) => { if (hits[k]) why.push({ kind: "keyword", value: keyword }); });
  }
  return why;
}

export { keywordPattern };

/** The papers (index records) that match the radar, with why: newest radar day first and, within a day, those
 *  matching the most follows first, else in the order given (the home page's). */
export function matching(radar, papers) {
  const newer = (a, b) => (a.paper.day === b.paper.day ? 0 : (a.paper.day || "") < (b.paper.day || "") ? 1 : -1);
  return papers.map((paper, i) => ({ paper, why: reasons(radar, paper), i })).filter((m) => m.why.length)
    .sort((a, b) => newer(a, b) || b.why.length - a.why.length || a.i - b.i).map(({ paper, why }) => ({ paper, why }));
}

/** A YAML double-quoted scalar that reads back as exactly `value`: the quote, the backslash, and every
 *  character a YAML reader would fold (line breaks: LF, CR, NEL, LS, PS) or refuses raw (controls, DEL and
 *  C1, a lone surrogate, U+FEFF, U+FFFE, U+FFFF) written as an escape (YAML 1.2, 5.7 "Escaped Characters"). */
export function yamlString(value) {
  let out = '"';
  for (const char of String(value)) {
    const code = char.codePointAt(0);
    if (char === '"' || char === "\\") out += `\\${char}`;
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 || code === 0xfeff
      || (code >= 0xd800 && code <= 0xdfff) || code === 0xfffe || code === 0xffff) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += char;
  }
  return `${out}"`;
}

const yamlList = (values) => `[${values.map(yamlString).join(", ")}]`;
export const DESCRIPTION_MAX = 200; // characters of a rule's description (rules/*.yml)
const TOPIC_ID = /^[a-z0-9][a-z0-9-]*$/;
// what similar_to.papers takes (pipeline/semantic/references.py): an arXiv id, new or old style, or a DOI
const REFERENCE = /^(?:\d{4}\.\d{4,5}(?:v\d+)?|[a-z][a-z.-]+(?:\.[A-Z]{2})?\/\d{7}(?:v\d+)?|10\.\d{4,9}\/[^\s"<>]+)$/;
const length = (text) => [...text].length;
const flat = (text) => text.replace(/\s+/gu, " "); // a name on one line, in a description

/** The longest `render(authors, keywords, shownAuthors, shownKeywords)` within DESCRIPTION_MAX, each name
 *  on one line: names are left out from the longer list first, and counted instead ("and 3 more"). */
function withinLimit(names, terms, render) {
  const [authors, keywords] = [names.map(flat), terms.map(flat)];
  let [a, k] = [authors.length, keywords.length];
  let text = render(authors, keywords, a, k);
  while (length(text) > DESCRIPTION_MAX && (a || k)) {
    if (a >= k) a -= 1; else k -= 1;
    text = render(authors, keywords, a, k);
  }
  return text;
}

function describeEn(names, terms) {
  const part = (values, shown, noun) => {
    if (!shown) return `${values.length} ${noun}${values.length === 1 ? "" : "s"}`;
    const named = values.slice(0, shown).join(", ");
    return shown < values.length ? `${named} and ${values.length - shown} more` : named;
  };
  return withinLimit(names, terms, (authors, keywords, a, k) => [
    authors.length ? `Papers by ${part(authors, a, "author")}` : "",
    keywords.length ? `${authors.length ? "or" : "Papers"} about ${part(keywords, k, "keyword")}` : "",
  ].filter(Boolean).join(", ") || "Papers like the ones rated 👍 on the radar");
}

function describeZh(names, terms) {
  const part = (values, shown, unit) => {
    if (!shown) return `${values.length} ${unit}`;
    const named = values.slice(0, shown).join("、");
    return shown < values.length ? `${named} 等 ${values.length} ${unit}` : named;
  };
  return withinLimit(names, terms, (authors, keywords, a, k) => {
    const parts = [authors.length ? `作者 ${part(authors, a, "位")}` : "", keywords.length ? `关键词 ${part(keywords, k, "个")}` : ""];
    return parts.some(Boolean) ? `关注：${parts.filter(Boolean).join("；")}` : "与雷达上评为 👍 的论文相近的论文";
  });
}

/** A rule file (rules/*.yml) that selects what this radar follows, excludes what it mutes, and finds
 *  papers like the ones rated 👍 (`rated`: their arXiv ids or DOIs, anything else left out; `bibtex`: an
 *  imported library's file name); null when the radar holds nothing a rule can select (followed topics
 *  are rules already).
 *  Every value is a YAML string; the comments hold only fixed text, the site's host and the ids of the
 *  site's own topics (`topics`), so nothing a reader or a shared link wrote can become YAML. */
export function ruleYaml(radar, site, rated = [], bibtex = "", topics = []) {
  const liked = rated.filter((id) => REFERENCE.test(id));
  if (!radar.author.length && !radar.keyword.length && !liked.length && !bibtex) return null;
  const host = /^[A-Za-z0-9.:[\]-]+$/.test(site) ? site : "AcademicHub";
  const followed = radar.topic.filter((id) => TOPIC_ID.test(id) && topics.includes(id));
  const lines = [
    `# A curation rule made from a reader's radar on ${host}.`,
    "# Check the id, name and description, then send it as a pull request.",
    "id: my-radar",
    "name: {en: My radar, zh: 我的雷达}",
    "description:",
    `  en: ${yamlString(describeEn(radar.author, radar.keyword))}`,
    `  zh: ${yamlString(describeZh(radar.author, radar.keyword))}`,
  ];
  if (radar.author.length || radar.keyword.length) lines.push("include:");
  if (radar.author.length) lines.push(`  authors: ${yamlList(radar.author)}`);
  if (radar.keyword.length) lines.push(`  keywords: ${yamlList(radar.keyword)}`);
  if (followed.length) lines.push(`# the radar also follows these topics, which are rules already: ${followed.join(", ")}`);
  if (radar["mute-author"].length || radar["mute-keyword"].length) {
    lines.push("exclude:");
    if (radar["mute-author"].length) lines.push(`  authors: ${yamlList(radar["mute-author"])}`);
    if (radar["mute-keyword"].length) lines.push(`  keywords: ${yamlList(radar["mute-keyword"])}`);
  }
  if (liked.length || bibtex) {
    lines.push("# the papers rated 👍 on the radar: papers close in content to one of them are selected too", "similar_to:");
    if (liked.length) lines.push(`  papers: ${yamlList(liked)}`);
    if (bibtex) lines.push(`  bibtex: ${yamlString(bibtex)}`, "# add the imported BibTeX file to rules/, beside this rule, under that name");
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
