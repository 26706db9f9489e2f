// A reader's library in and out of the radar: BibTeX and RIS files (Zotero, Mendeley, …) or pasted
// arXiv ids and DOIs are read into entries and looked up in the archive (data/ids.json); papers go out
// as one BibTeX or RIS file, from the site's API records (api/v1/papers/<slug>.json). Everything read
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

const bibField = (text) => String(text).split(/\s+/).join(" ").trim().replace(/[{}&%$#_\\]/g, (ch) => (ch === "\\" ? "\\textbackslash{}" : `\\${ch}`));

function familyFirst(name) {
  const parts = name.trim().split(/\s+/);
  return name.includes(",") || parts.length < 2 ? name : `${parts.pop()}, ${parts.join(" ")}`;
}

// A preprint server is no journal (pipeline/site/citations.py, whose rules these follow): Zotero reads
// @article and RIS JOUR as journal articles, @misc as a document and RIS GEN (no preprint type in either).
const PREPRINT_SERVERS = new Set(["bioRxiv", "medRxiv"]);

function journalOf(paper) {
  return paper.journal_ref || (PREPRINT_SERVERS.has(paper.venue) ? "" : paper.venue || "");
}

function serverOf(paper) {
  if (journalOf(paper)) return "";
  if (PREPRINT_SERVERS.has(paper.venue)) return paper.venue;
  return paper.arxiv_id ? "arXiv" : "";
}

/** How many authors a citation names (the site's AUTHORS_LISTED, as the paper pages' BibTeX and RIS do). */
function authorsListed() {
  return Number(document.documentElement.dataset.authorsListed) || 20;
}

/** Papers (API records) as one BibTeX file, each with a unique key (family name, year, id); at most
 * AUTHORS_LISTED authors, then BibTeX's "and others". */
export function toBibtex(papers) {
  const limit = authorsListed();
  const used = new Set();
  return papers.map((paper) => {
    const year = (paper.published || "").slice(0, 4);
    const family = paper.authors.length ? familyFirst(paper.authors[0].name).split(",")[0] : "anon";
    let key = `${family}${year}${paper.id.replace(/[^A-Za-z0-9]/g, "").slice(-6)}`.normalize("NFKD").replace(/[^A-Za-z0-9]/g, "") || "paper";
    for (let n = 2; used.has(key); n += 1) key = `${key.replace(/-\d+$/, "")}-${n}`;
    used.add(key);
    const fields = [["title", `{${bibField(paper.title)}}`]];
    const names = paper.authors.slice(0, limit).map((a) => bibField(familyFirst(a.name)));
    if (paper.authors.length > limit) names.push("others");
    if (names.length) fields.push(["author", names.join(" and ")]);
    fields.push(["year", year]);
    if (paper.arxiv_id) {
      fields.push(["eprint", paper.arxiv_id], ["archivePrefix", "arXiv"], ["eprinttype", "arxiv"]);
      if (paper.categories.length) fields.push(["primaryClass", paper.categories[0]]);
    }
    const journal = journalOf(paper);
    if (journal) fields.push(["journal", bibField(journal)]);
    else if (paper.venue) fields.push(["howpublished", bibField(paper.venue)]);
    if (serverOf(paper)) fields.push(["publisher", bibField(serverOf(paper))]);
    if (paper.doi) fields.push(["doi", paper.doi]);
    if (paper.links.abstract) fields.push(["url", paper.links.abstract]);
    if (paper.abstract) fields.push(["abstract", bibField(paper.abstract)]);
    const kind = journal ? "article" : "misc";
    return `@${kind}{${key},\n${fields.map(([name, value]) => `  ${name} = {${value}}`).join(",\n")}\n}\n`;
  }).join("\n");
}

/** Papers (API records) as one RIS file, tagged as the paper pages' RIS is. */
export function toRis(papers) {
  const limit = authorsListed();
  return papers.map((paper) => {
    const journal = journalOf(paper);
    const lines = [["TY", journal ? "JOUR" : "GEN"], ["TI", paper.title], ...paper.authors.slice(0, limit).map((a) => ["AU", familyFirst(a.name)])];
    lines.push(["PY", (paper.published || "").slice(0, 4)], ["DA", (paper.published || "").replace(/-/g, "/")]);
    if (journal) lines.push(["T2", journal]);
    else if (serverOf(paper) || paper.venue) lines.push(["PB", serverOf(paper) || paper.venue]);
    if (paper.abstract) lines.push(["AB", paper.abstract]);
    if (paper.doi) lines.push(["DO", paper.doi]);
    if (paper.links.abstract) lines.push(["UR", paper.links.abstract]);
    if (paper.links.pdf) lines.push(["L1", paper.links.pdf]);
    if (paper.arxiv_id) lines.push(["AN", `arXiv:${paper.arxiv_id}`]);
    return lines.map(([tag, value]) => `${tag}  - ${String(value).split(/\s+/).join(" ").trim()}\n`).join("") + "ER  - \n";
  }).join("\n");
}
