// Small helpers shared by the modules: the site root, bilingual text, the JSON index and its card parts.
import { HAN } from "./shared.js";

/** Absolute URL of the site root (pages use relative links, so the site can live under any path). */
export function siteRoot() {
  const meta = document.querySelector('meta[name="ah-root"]');
  return new URL((meta ? meta.content : ".") + "/", location.href);
}

export function siteUrl(path) {
  return new URL(path, siteRoot()).href;
}

export function currentLang() {
  return document.documentElement.getAttribute("data-lang") === "en" ? "en" : "zh";
}

/** A fragment holding the text in both languages; CSS shows the active one. */
export function t(zh, en) {
  const fragment = document.createDocumentFragment();
  for (const [cls, lang, text] of [["zh", "zh-CN", zh], ["en", "en", en]]) {
    const span = document.createElement("span");
    span.className = cls;
    span.lang = lang;
    span.textContent = text;
    fragment.append(span);
  }
  return fragment;
}

const LETTER = /\p{L}/u;

/** The language tag of a block of text: "zh-CN" when Han characters are at least a third of its letters, else "en". */
export function textLang(text) {
  let letters = 0;
  let han = 0;
  for (const char of String(text || "")) {
    if (!LETTER.test(char)) continue;
    letters += 1;
    if (HAN.test(char)) han += 1;
  }
  return han && 3 * han >= letters ? "zh-CN" : "en";
}

/** Create an element: el("a", {href: "…", class: "x"}, child, "text", …). Text is never parsed as HTML. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === "class") node.className = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child);
  }
  return node;
}

let indexPromise = null;
/** What the pages read of the recent papers (data/index.json: the topics, the days' pages, the card parts,
 *  where the vectors and ids are), fetched once per page. */
export function loadIndex() {
  if (!indexPromise) {
    indexPromise = fetch(siteUrl("data/index.json"))
      .then((response) => (response.ok ? response.json() : { topics: {}, parts: [], days: {} }))
      .catch(() => ({ topics: {}, parts: [], days: {} }));
  }
  return indexPromise;
}

const parts = new Map(); // a card part's file → the promise of its papers, fetched once per page

/** The recent papers (card records, in home-page order) of the first `count` parts of the index: each part
 *  fetched once, when first needed (a part that cannot be read gives no paper). */
export async function loadParts(index, count) {
  const wanted = (index.parts || []).slice(0, count);
  for (const part of wanted) {
    if (!parts.has(part.file)) {
      parts.set(part.file, fetch(siteUrl(part.file)).then((r) => (r.ok ? r.json() : [])).catch(() => []));
    }
  }
  return (await Promise.all(wanted.map((part) => parts.get(part.file)))).flat();
}

/** How many of the index's parts hold its newest `days` radar days, and at least `papers` papers when it has them. */
export function partsFor(index, days, papers = 0) {
  const list = index.parts || [];
  let count = 0;
  let total = 0;
  const taken = new Set();
  while (count < list.length && (taken.size < days || taken.has(list[count].day) || total < papers)) {
    taken.add(list[count].day);
    total += list[count].count;
    count += 1;
  }
  return count;
}

/** Lower case, accents removed: "Zoë" and "zoe" are the same name. */
export function fold(text) {
  const value = String(text || "");
  // ASCII text has no accent and no compatibility character: only its case changes (the radar folds every paper)
  if (/^[\x00-\x7f]*$/.test(value)) return value.toLowerCase().trim();
  return value.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
}

/** A count with its English noun: "1 paper", "2 papers" (site/plugin.py's `plural` filter says the same). */
export function plural(n, word) {
  return `${n} ${n === 1 ? word : word + "s"}`;
}
