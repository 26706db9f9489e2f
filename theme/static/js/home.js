// Home page: cards in batches ("换一批" shows the next one), the author filter chip, and what the reader
// hides: papers marked "not interested", muted authors and keywords, and (a toggle) papers already seen.
// The pool is the server-rendered cards, extended with the recent papers' card parts (data/cards/, listed in
// data/index.json) one part at a time, as the batches reach them: "换一批" fetches at most a part or two.
// The lead radar day's cards come first, then the earlier days', each under its day's heading; a card keeps
// its number (its place among its day's cards): that day's brief cites papers by these numbers.
import { el, t, fold, loadIndex, loadParts, plural, siteUrl } from "./util.js";
import { renderCard } from "./cards.js";
import { syncFollow, loadRadar, muted } from "./radar.js";
import { loadLearn, syncRatings, update } from "./ratings.js";
import { typeset } from "./math.js";

/** What the radar needs of a served or built card: its id, authors, title, abstract and keywords. */
function recordOf(li) {
  const card = li.querySelector(".card");
  return { id: card.dataset.id, authors: card.dataset.authors.split("|"), title: card.querySelector(".card-title a").textContent,
    abstract: card.querySelector(".abstract").textContent, tags: (card.querySelector("details.follow").dataset.tags || "").split("|") };
}

/** The heading of an earlier radar day, from the page's own markup (#day-head-template). */
function dayHead(day, url) {
  const head = document.getElementById("day-head-template").content.firstElementChild.cloneNode(true);
  head.dataset.day = day;
  head.querySelector("a").href = siteUrl(url);
  const time = head.querySelector("time");
  time.dateTime = day;
  time.textContent = day;
  head.hidden = true;
  return head;
}

export function initHome() {
  const list = document.getElementById("pool");
  const button = document.getElementById("another-batch");
  const chips = document.getElementById("filter-chips");
  const status = document.getElementById("batch-status");
  const hideSeen = document.getElementById("hide-seen");
  const size = Number(list.dataset.batch) || 10;
  const items = [...list.children].filter((li) => !li.classList.contains("day-head"));
  const heads = new Map([...list.querySelectorAll(":scope > .day-head")].map((li) => [li.dataset.day, li]));
  [...list.children].forEach((li) => li.classList.remove("later"));
  const seen = new Set(items.map((li) => li.querySelector(".card").dataset.id));
  let visible = [];
  let author = new URLSearchParams(location.search).get("author");
  let loaded = 0; // card parts added to the pool
  let unloaded = 0; // papers of the parts not fetched yet that the page does not hold either

  const authorsOf = (li) => li.querySelector(".card").dataset.authors.split("|").map(fold);

  const numbered = new Map(); // radar day → cards of it in the pool (a card's number is its place in its day)
  for (const li of items) numbered.set(li.dataset.day, (numbered.get(li.dataset.day) || 0) + 1);
  let extending = Promise.resolve();

  /** Add the papers of the first `count` card parts to the pool (every part: Infinity), one call after another. */
  function extend(count = Infinity) {
    extending = extending.then(() => extendNow(count));
    return extending;
  }

  async function extendNow(count) {
    const index = await loadIndex();
    const total = (index.parts || []).length;
    const remaining = () => Math.max(0, (index.parts || []).reduce((sum, part) => sum + part.count, 0) - seen.size);
    unloaded = remaining();
    if (loaded >= Math.min(count, total)) return;
    loaded = Math.min(count, total);
    const papers = await loadParts(index, loaded);
    for (const paper of papers) {
      if (seen.has(paper.id)) continue;
      seen.add(paper.id);
      if (paper.day !== list.dataset.lead && !heads.has(paper.day)) heads.set(paper.day, list.appendChild(dayHead(paper.day, index.days[paper.day])));
      numbered.set(paper.day, (numbered.get(paper.day) || 0) + 1);
      const li = renderCard(paper, numbered.get(paper.day), index.topics);
      li.dataset.day = paper.day;
      li.hidden = true;
      items.push(li);
      list.append(li);
    }
    unloaded = remaining();
    syncFollow();
    syncRatings(list);
  }

  /** Fetch card parts until the pool holds a whole batch after the card at `after` (or every part is in). */
  async function extendPast(after) {
    const total = (await loadIndex()).parts?.length || 0;
    await extend(loaded); // the index's count of the papers not fetched yet
    while (loaded < total && pool().filter((li) => items.indexOf(li) > after).length < size) await extend(loaded + 1);
  }

  /** The cards a batch may show: not marked "not interested", no muted author or keyword, and, when the
   *  reader hides what they have seen, not opened or rated (the cards on screen stay until the next batch). */
  function pool() {
    const state = loadLearn();
    const radar = loadRadar();
    const dismissed = new Set(state.dismissed);
    const onScreen = new Set(visible);
    return items.filter((li) => {
      const id = li.querySelector(".card").dataset.id;
      if (onScreen.has(li)) return true;
      if (dismissed.has(id) || (state.hideSeen && state.seen[id])) return false;
      return !muted(radar, recordOf(li));
    });
  }

  function show(cards) {
    visible = cards;
    const set = new Set(cards);
    for (const li of items) li.hidden = !set.has(li);
    const days = new Set(cards.map((li) => li.dataset.day));
    for (const [day, head] of heads) head.hidden = !days.has(day);
    cards.forEach((li) => typeset(li));
  }

  /** Show the batch of `cards` that starts after the card at `after` in the pool (its first batch when -1). */
  function render(after = -1) {
    chips.replaceChildren();
    if (author) {
      const matches = pool().filter((li) => authorsOf(li).includes(fold(author)));
      show(matches);
      const href = matches.map((li) => [...li.querySelectorAll(".authors a[data-author]")].find((a) => fold(a.dataset.author) === fold(author))).find(Boolean);
      chips.append(el("span", { class: "filter-chip" }, el("span", {}, t("作者: ", "Author: "), author),
        href ? el("a", { href: href.href }, t("主页", "page")) : null,
        el("button", { type: "button", "aria-label": `清除作者筛选 / Clear author filter (${author})`, "data-clear": "" }, "×")));
      button.hidden = true;
      status.replaceChildren(t(`${matches.length} 篇论文`, plural(matches.length, "paper")));
      return;
    }
    visible = [];
    const cards = pool();
    // the batch after the last card shown, in the pool as it is now (papers seen meanwhile drop out); then from the top
    let start = cards.findIndex((li) => items.indexOf(li) > after);
    if (start < 0) start = 0;
    show(cards.slice(start, start + size));
    const all = cards.length + unloaded; // the pool, with the papers of the parts not fetched yet
    const batches = Math.max(1, Math.ceil(all / size));
    const number = Math.min(batches, Math.ceil(start / size) + 1);
    button.hidden = all <= size;
    const hidden = items.length - cards.length;
    status.replaceChildren(t(`第 ${number} / ${batches} 批 · 共 ${all} 篇`, `Batch ${number} of ${batches} · ${plural(all, "paper")}`),
      hidden ? t(` · 已隐藏 ${hidden} 篇`, ` · ${hidden} hidden`) : "");
  }

  function setAuthor(name, push = true) {
    author = name;
    const url = new URL(location.href);
    if (name) url.searchParams.set("author", name); else url.searchParams.delete("author");
    if (push) history.pushState({ author: name }, "", url);
    render();
  }

  button.addEventListener("click", async () => {
    const last = visible.length ? items.indexOf(visible[visible.length - 1]) : -1;
    await extendPast(last);
    visible = [];
    render(last);
    list.querySelector("li:not([hidden]) .card-title a")?.focus({ preventScroll: true });
    list.scrollIntoView({ block: "start", behavior: "smooth" });
  });
  list.addEventListener("click", async (event) => {
    const link = event.target.closest(".authors a[data-author]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    await extend();
    setAuthor(link.dataset.author);
  });
  chips.addEventListener("click", (event) => {
    if (event.target.closest("[data-clear]")) {
      setAuthor(null);
      button.focus();
    }
  });
  window.addEventListener("popstate", () => setAuthor(new URLSearchParams(location.search).get("author"), false));
  hideSeen.parentElement.hidden = false;
  hideSeen.checked = loadLearn().hideSeen;
  hideSeen.addEventListener("change", async () => {
    update((state) => { state.hideSeen = hideSeen.checked; });
    const first = visible.length ? items.indexOf(visible[0]) - 1 : -1;
    await extendPast(first);
    visible = [];
    render(first);
  });

  if (author) extend().then(() => render()); else render();
  if (items.length <= size) extendPast(-1).then(() => render());
}
