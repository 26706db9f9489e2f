// Small helpers shared by the modules: the site root, bilingual text, the JSON index.
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
/** The recent papers (data/index.json), fetched once per page. */
export function loadIndex() {
  if (!indexPromise) {
    indexPromise = fetch(siteUrl("data/index.json"))
      .then((response) => (response.ok ? response.json() : { topics: {}, papers: [], days: {} }))
      .catch(() => ({ topics: {}, papers: [], days: {} }));
  }
  return indexPromise;
}

/** Lower case, accents removed: "Zoë" and "zoe" are the same name. */
export function fold(text) {
  return String(text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
}

/** A count with its English noun: "1 paper", "2 papers" (site/plugin.py's `plural` filter says the same). */
export function plural(n, word) {
  return `${n} ${n === 1 ? word : word + "s"}`;
}
