// Search over the pages Pagefind indexed (papers and briefs), with Pagefind's JS API and a list of our own.
// The index is split by date into bundles, listed newest first in pagefind/bundles.json: the newest is
// opened and the others are merged into it, so results from all of them are ranked together.
//
// Pagefind matches a word by its prefix and, across merged bundles, falls back to shorter prefixes, so
// its results include pages without the word searched ("reservoir" finds pages with "re-"). A result
// is shown only when its title, metadata or text holds every word of the query (case and accents
// aside; a word of Latin script at the start of a word, a run of Chinese or Japanese anywhere). The text
// of a page is untrusted: it is only ever set as text, and the words found are marked by this module.
import { CJK } from "./shared.js";
import { el, fold, siteRoot, t } from "./util.js";

const PAGE = 10; // results shown at a time
const CHECKED = 100; // Pagefind's results read at the most for one page of results (a typo can match thousands)
const EXCERPT = 220; // characters of a page's text around the first word found
const WORD_CHAR = /[\p{L}\p{N}]/u;
const HIDDEN = /\u200b/g; // Pagefind separates the words it segments with zero-width spaces

async function bundlePaths(root) {
  // revalidated on every visit: a cached list could name bundles a newer build has replaced
  const response = await fetch(new URL("pagefind/bundles.json", root), { cache: "no-cache" });
  if (!response.ok) return [];
  const { bundles } = await response.json();
  return (bundles || []).map((bundle) => new URL(`pagefind/${bundle.path}`, root).pathname);
}

/** The words of a query, folded: runs of letters and digits (a run of Chinese or Japanese is one word). */
function queryWords(query) {
  return [...new Set(fold(query).match(/[\p{L}\p{N}]+/gu) || [])];
}

/** ``text`` folded character by character, with the index in ``text`` of each folded character. */
function folded(text) {
  let out = "";
  const at = [];
  let i = 0;
  for (const char of text) {
    const part = /\s/.test(char) ? " " : fold(char);
    out += part;
    for (let k = 0; k < part.length; k += 1) at.push(i);
    i += char.length;
  }
  at.push(i);
  return { text: out, at };
}

/** Where ``word`` occurs in the folded text: [start, end) pairs in the folded text. */
function occurrences(haystack, word) {
  const found = [];
  const anywhere = [...word].some((ch) => CJK.test(ch));
  for (let i = haystack.indexOf(word); i >= 0; i = haystack.indexOf(word, i + 1)) {
    if (anywhere || i === 0 || !WORD_CHAR.test(haystack[i - 1])) found.push([i, i + word.length]);
  }
  return found;
}

/** The readable text of a result: its title, metadata and indexed text, without Pagefind's separators. */
function resultText(data) {
  const meta = Object.values(data.meta || {}).filter((value) => typeof value === "string");
  return [...meta, data.content || ""].join("\n").replace(HIDDEN, "");
}

/** Whether a result's title, metadata or text holds every word of the query. */
function holdsAll(data, words) {
  const text = folded(resultText(data)).text;
  return words.every((word) => occurrences(text, word).length > 0);
}

/** A passage of the page's text around the first word found, the words found in <mark>s, built as nodes. */
function excerpt(content, words) {
  const text = content.replace(HIDDEN, "").replace(/\s+/g, " ").trim();
  const { text: low, at } = folded(text);
  const marks = words.flatMap((word) => occurrences(low, word)).sort((a, b) => a[0] - b[0]);
  const first = marks.length ? at[marks[0][0]] : 0;
  let start = Math.max(0, first - EXCERPT / 3);
  if (start > 0) start = text.indexOf(" ", start) + 1 || start;
  const end = Math.min(text.length, start + EXCERPT);
  const parts = [start > 0 ? "…" : ""];
  let pos = start;
  for (const [from, to] of marks) {
    const [a, b] = [at[from], at[to]];
    if (a < pos || b > end) continue;
    parts.push(text.slice(pos, a), el("mark", {}, text.slice(a, b)));
    pos = b;
  }
  parts.push(text.slice(pos, end), end < text.length ? "…" : "");
  return el("p", { class: "search-excerpt" }, ...parts.filter((part) => part !== ""));
}

function resultItem(data, words) {
  const title = (data.meta && data.meta.title) || data.url;
  return el("li", { class: "search-result" },
    el("h2", { class: "search-result-title" }, el("a", { href: data.url, class: "search-result-link" }, title)),
    excerpt(data.content || "", words));
}

function message(zh, en) {
  const node = document.getElementById("search-status");
  node.replaceChildren(t(zh, en));
}

/** One search: Pagefind's candidates, checked in order of rank, shown a page at a time. */
class Run {
  constructor(pagefind, query, list, more) {
    Object.assign(this, { pagefind, query, list, more, words: queryWords(query), next: 0, shown: 0, stopped: false });
  }

  async start() {
    this.list.setAttribute("aria-busy", "true");
    if (!this.words.length) return this.report();
    const found = await this.pagefind.search(this.query);
    if (this.stopped) return;
    this.candidates = (found && found.results) || [];
    await this.showMore();
  }

  /** Check candidates until another page of results is found, none are left or enough were read. */
  async showMore() {
    const target = this.shown + PAGE;
    const last = this.next + CHECKED;
    this.more.hidden = true;
    this.list.setAttribute("aria-busy", "true");
    while (this.shown < target && this.next < Math.min(last, this.candidates.length)) {
      const batch = this.candidates.slice(this.next, this.next + PAGE);
      this.next += batch.length;
      const datas = await Promise.all(batch.map((result) => result.data()));
      if (this.stopped) return;
      for (const data of datas) {
        if (!holdsAll(data, this.words)) continue;
        this.list.append(resultItem(data, this.words));
        this.shown += 1;
      }
    }
    this.report();
  }

  report() {
    if (this.stopped) return;
    this.list.removeAttribute("aria-busy");
    const done = !this.candidates || this.next >= this.candidates.length;
    this.more.hidden = done;
    const query = this.query.trim();
    if (!query) message("", "");
    else if (!this.shown && done) message(`没有找到包含“${query}”的结果`, `No results for “${query}”`);
    else if (done) message(`找到 ${this.shown} 个包含“${query}”的结果`, `${this.shown} result${this.shown === 1 ? "" : "s"} for “${query}”`);
    else if (!this.shown) message(`前 ${this.next} 个候选都不包含“${query}”`, `None of the first ${this.next} candidates holds “${query}”`);
    else message(`显示前 ${this.shown} 个包含“${query}”的结果`, `The first ${this.shown} results for “${query}”`);
  }
}

export async function initSearch() {
  const root = siteRoot();
  const [primary, ...others] = await bundlePaths(root);
  const form = document.getElementById("search");
  if (!primary) {
    // a site without papers has no index yet
    form.hidden = true;
    document.getElementById("search-empty").hidden = false;
    return;
  }
  const pagefind = await import(new URL(`${primary}pagefind.js`, root).href);
  await pagefind.options({ baseUrl: root.pathname });
  for (const bundlePath of others) await pagefind.mergeIndex(bundlePath, { baseUrl: root.pathname });
  await pagefind.init();
  const input = form.querySelector("input");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  let run = null;
  const go = () => {
    if (run) run.stopped = true;
    list.replaceChildren();
    const query = input.value;
    const params = new URLSearchParams(location.search);
    if (query.trim()) params.set("q", query);
    else params.delete("q");
    history.replaceState(null, "", `${location.pathname}${params.size ? `?${params}` : ""}`);
    run = new Run(pagefind, query, list, more);
    run.start().catch(failed);
  };
  const failed = (error) => {
    list.removeAttribute("aria-busy");
    message("搜索出错，请重试。", "The search failed; please try again.");
    console.warn(error);
  };
  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(go, 300);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    go();
  });
  more.addEventListener("click", () => run && run.showMore().catch(failed));
  const query = new URLSearchParams(location.search).get("q");
  if (query) {
    input.value = query;
    go();
  }
}
