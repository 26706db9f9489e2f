// A reader's library in and out of the radar: BibTeX and RIS files (Zotero, Mendeley, …) or pasted
// arXiv ids and DOIs are read into entries and looked up in the archive (data/ids.json); papers go out
// as one BibTeX or RIS file, the papers' own citation files (api/v1/papers/<slug>.bib|.ris) joined. Everything read
// from a file is text: it is shown with textContent, never parsed as markup.
import { fold, siteUrl } from "./util.js";

// ---------------------------------------------------------------- identifiers

const ARXIV_NEW = /(\d{4}\.\d{4,5})(?:v\d+)?/;
const ARXIV_OLD = /([a-z-]+(?:\.[A-Z]{2})?\/\d{7})(?:v\d+)?/;
const DOI = /\b(10\.\d{4,9}\/[^\s"<>{}]+)/i;

/** An arXiv id without its version, from an id, "arXiv:…", or an arxiv.org address; "" when none. */
export function arxivId(text) {
  const value = String(text || "").trim();
  const url = value.match(/arxiv\.org\/(?:abs|pdf)\/([^\s?#]+?)(?:\.pdf)?(?:[?#]|$)/i);
  const body = url ? url[1] : value.replace(/^arxiv:\s*/i, "");
  const match = body.match(new RegExp(`^${ARXIV_NEW.source}$`)) || body.match(new RegExp(`^${ARXIV_OLD.source}$`));
  return match ? match[1] : "";
}

export function doiOf(text) {
  const match = String(text || "").replace(/^https?:\/\/(dx\.)?doi\.org\//i, "").match(DOI);
  return match ? match[1].replace(/[.,;]+$/, "").toLowerCase() : "";
}

/** The archive keys an entry may be filed under: "arxiv:…" and "doi:…" (arXiv's own DOIs name the arXiv id). */
export function keysOf(entry) {
  const keys = [];
  const doi = doiOf(entry.doi);
  const fromDoi = doi.match(/^10\.48550\/arxiv\.(.+)$/);
  const arxiv = entry.arxiv || (fromDoi ? fromDoi[1] : "");
  if (arxiv) keys.push(`arxiv:${arxiv}`);
  if (doi) keys.push(`doi:${doi}`);
  return keys;
}

export const titleKey = (title) => fold(title).replace(/[^\p{L}\p{N}]+/gu, " ").trim();

// ---------------------------------------------------------------- reading

const ACCENTS = { '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304", ".": "\u0307", c: "\u0327", v: "\u030c", u: "\u0306", H: "\u030b" };

/** A BibTeX value as plain text: accents ({\"o}, \'e) made letters, braces and other commands dropped. */
export function latexText(value) {
  return String(value)
    .replace(/\\([\"'`^~=.]|[cvuH](?![a-zA-Z]))\s*\{?\s*([a-zA-Z])\}?/g, (_, accent, letter) => (letter + ACCENTS[accent]).normalize("NFC"))
    .replace(/\\(ss|ae|oe|aa|o|l)\b\s*/gi, (_, name) => ({ ss: "ß", ae: "æ", oe: "œ", aa: "å", o: "ø", l: "ł" })[name.toLowerCase()] || name)
    .replace(/\\([&%$#_])/g, "$1")
    .replace(/\\\{/g, "\uE000").replace(/\\\}/g, "\uE001") // escaped braces are text
    .replace(/\\[a-zA-Z]+\s*/g, "")
    .replace(/[{}]/g, "")
    .replace(/\uE000/g, "{").replace(/\uE001/g, "}")
    .replace(/\s+/g, " ")
    .trim();
}

/** The entries of a BibTeX file: [{title, authors, year, doi, arxiv, abstract, key}]; @string, @comment and
 *  @preamble are skipped, an entry that cannot be read is skipped with the rest still read. */
export function parseBibtex(text) {
  const entries = [];
  const at = /@\s*([a-zA-Z]+)\s*([{(])/g;
  let match;
  while ((match = at.exec(text))) {
    const kind = match[1].toLowerCase();
    const close = match[2] === "{" ? "}" : ")";
    let depth = 1;
    let i = at.lastIndex;
    for (; i < text.length && depth; i += 1) {
      if (text[i] === "{" || (close === ")" && text[i] === "(")) depth += 1;
      else if (text[i] === "}" || (close === ")" && text[i] === ")")) depth -= 1;
    }
    const body = text.slice(at.lastIndex, i - 1);
    at.lastIndex = i;
    if (["string", "comment", "preamble"].includes(kind)) continue;
    const fields = bibFields(body);
    if (!fields) continue;
    const eprint = fields.eprint && (!fields.archiveprefix || /arxiv/i.test(fields.archiveprefix)) ? arxivId(fields.eprint) : "";
    entries.push({
      key: fields[""] || "", title: latexText(fields.title || ""), authors: latexText(fields.author || "").split(/\s+and\s+/).filter(Boolean),
      year: (fields.year || (fields.date || "").slice(0, 4)).trim(), doi: doiOf(fields.doi || ""),
      arxiv: eprint || arxivId(fields.url || "") || arxivId((fields.journal || fields.note || "").replace(/^.*?arxiv:\s*/i, "arXiv:")),
      abstract: latexText(fields.abstract || ""),
    });
  }
  return entries;
}

function bibFields(body) {
  const fields = {};
  const comma = body.indexOf(",");
  if (comma < 0) return null;
  fields[""] = body.slice(0, comma).trim();
  let i = comma + 1;
  while (i < body.length) {
    const name = body.slice(i).match(/^\s*([A-Za-z][\w:.+-]*)\s*=\s*/);
    if (!name) break;
    i += name[0].length;
    let value = "";
    while (i < body.length) {
      if (body[i] === "{") {
        let depth = 1;
        let j = i + 1;
        for (; j < body.length && depth; j += 1) {
          if (body[j] === "\\") { j += 1; continue; }
          if (body[j] === "{") depth += 1;
          else if (body[j] === "}") depth -= 1;
        }
        value += body.slice(i + 1, j - 1);
        i = j;
      } else if (body[i] === '"') {
        let j = i + 1;
        let depth = 0;
        for (; j < body.length && (body[j] !== '"' || depth); j += 1) {
          if (body[j] === "{") depth += 1;
          else if (body[j] === "}") depth -= 1;
        }
        value += body.slice(i + 1, j);
        i = j + 1;
      } else {
        const bare = body.slice(i).match(/^[^,#\s]+/);
        value += bare ? bare[0] : "";
        i += bare ? bare[0].length : 1;
      }
      const rest = body.slice(i).match(/^\s*#\s*/);
      if (!rest) break;
      i += rest[0].length;
    }
    fields[name[1].toLowerCase()] = value;
    const next = body.slice(i).match(/^\s*,?/);
    i += next[0].length;
  }
  return fields;
}

/** The records of an RIS file: TY … ER, tags as Zotero and Mendeley write them. */
export function parseRis(text) {
  const entries = [];
  let record = null;
  for (const line of String(text).replace(/^\uFEFF/, "").split(/\r?\n/)) {
    const match = line.match(/^([A-Z][A-Z0-9])  -\s?(.*)$/);
    if (!match) {
      if (record && record.last && line.trim()) record[record.last][record[record.last].length - 1] += ` ${line.trim()}`;
      continue;
    }
    const [, tag, value] = match;
    if (tag === "TY") record = { last: "" };
    if (!record) continue;
    if (tag === "ER") {
      const get = (...tags) => tags.map((t) => (record[t] || [])[0]).find(Boolean) || "";
      const urls = [...(record.UR || []), ...(record.L1 || []), ...(record.L2 || [])];
      entries.push({
        key: get("ID"), title: get("TI", "T1", "CT", "BT").trim(), authors: [...(record.AU || []), ...(record.A1 || [])],
        year: get("PY", "Y1", "DA").slice(0, 4), doi: doiOf(get("DO") || urls.find((u) => /doi\.org/i.test(u)) || ""),
        arxiv: urls.map(arxivId).find(Boolean) || arxivId(get("AN")) || arxivId((get("M1", "N1", "JO", "T2").match(/arxiv:\s*\S+/i) || [""])[0]),
        abstract: get("AB", "N2"),
      });
      record = null;
      continue;
    }
    (record[tag] = record[tag] || []).push(value.trim());
    record.last = tag;
  }
  return entries;
}

/** arXiv ids and DOIs pasted as text (one or many, in any separators), each an entry. */
export function parsePasted(text) {
  const entries = [];
  const seen = new Set();
  const pattern = new RegExp(`(?:https?://(?:dx\\.)?doi\\.org/)?${DOI.source}|arxiv\\.org/(?:abs|pdf)/\\S+|(?:arxiv:\\s*)?${ARXIV_NEW.source}|(?:arxiv:\\s*)${ARXIV_OLD.source}`, "gi");
  for (const match of String(text).matchAll(pattern)) {
    const token = match[0];
    const doi = /^(https?:|10\.)/i.test(token) && !/arxiv\.org/i.test(token) ? doiOf(token) : "";
    const entry = { key: token, title: "", authors: [], year: "", doi, arxiv: doi ? "" : arxivId(token), abstract: "" };
    const id = keysOf(entry)[0];
    if (id && !seen.has(id)) {
      seen.add(id);
      entries.push(entry);
    }
  }
  return entries;
}

/** Entries of a file or of pasted text, by what it looks like. */
export function parseLibrary(text) {
  if (/^\s*TY  -/m.test(text)) return { format: "RIS", entries: parseRis(text) };
  if (/@\s*[a-zA-Z]+\s*[{(]/.test(text)) return { format: "BibTeX", entries: parseBibtex(text) };
  return { format: "ids", entries: parsePasted(text) };
}

let idsPromise = null;
/** The archive's ids (data/ids.json), fetched once, only when the reader imports. */
function loadIds(index) {
  if (!idsPromise) idsPromise = fetch(siteUrl(index.ids)).then((r) => r.json());
  return idsPromise;
}

/** Each entry found in the archive (by arXiv id or DOI, else by its exact title among the recent papers
 *  `papers`, card records) or not: {found: [{entry, id, slug}], missing: [entry]}. */
export async function lookUp(entries, index, papers) {
  const ids = await loadIds(index);
  const recent = new Map(papers.map((p) => [titleKey(p.title), p]));
  const found = [];
  const missing = [];
  for (const entry of entries) {
    let id = keysOf(entry).map((key) => (key in ids.papers ? key : ids.alias[key])).find(Boolean);
    if (!id && entry.title) id = (recent.get(titleKey(entry.title)) || {}).id;
    if (id) found.push({ entry, id, slug: ids.papers[id] });
    else missing.push(entry);
  }
  return { found, missing };
}

// ---------------------------------------------------------------- writing

/** The site's API record of a paper (api/v1/papers/<slug>.json). */
export async function paperRecord(slug) {
  const response = await fetch(siteUrl(`api/v1/papers/${encodeURIComponent(slug)}.json`));
  if (!response.ok) throw new Error(`${slug}: ${response.status}`);
  return (await response.json()).paper;
}

/** A paper's citation as the build wrote it beside its record (api/v1/papers/<slug>.bib or .ris, by
 *  pipeline/site/citations.py, the paper page's own): the browser only fetches the papers exported. */
export async function citation(slug, extension) {
  const response = await fetch(siteUrl(`api/v1/papers/${encodeURIComponent(slug)}.${extension}`));
  if (!response.ok) throw new Error(`${slug}: ${response.status}`);
  return response.text();
}
