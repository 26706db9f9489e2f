// Home page: cards in batches ("换一批" shows the next one) and the author filter chip.
// The pool is the server-rendered cards, extended with the recent papers of data/index.json.
// A card keeps its number (its place in the pool): the daily brief cites papers by these numbers.
import { el, t, fold, loadIndex } from "./util.js";
import { renderCard } from "./cards.js";
import { syncFollow } from "./radar.js";
import { typeset } from "./math.js";

export function initHome() {
  const list = document.getElementById("pool");
  const button = document.getElementById("another-batch");
  const chips = document.getElementById("filter-chips");
  const status = document.getElementById("batch-status");
  const size = Number(list.dataset.batch) || 10;
  const items = [...list.children];
  items.forEach((li) => li.classList.remove("later"));
  const seen = new Set(items.map((li) => li.querySelector(".card").dataset.id));
  let batch = 0;
  let author = new URLSearchParams(location.search).get("author");
  let extended = false;

  const authorsOf = (li) => li.querySelector(".card").dataset.authors.split("|").map(fold);

  async function extend() {
    if (extended) return;
    extended = true;
    const index = await loadIndex();
    for (const paper of index.papers) {
      if (seen.has(paper.id)) continue;
      seen.add(paper.id);
      const li = renderCard(paper, items.length + 1, index.topics);
      li.hidden = true;
      items.push(li);
      list.append(li);
    }
    syncFollow();
  }

  function show(visible) {
    const set = new Set(visible);
    for (const li of items) li.hidden = !set.has(li);
    visible.forEach((li) => typeset(li));
  }

  function render() {
    chips.replaceChildren();
    if (author) {
      const matches = items.filter((li) => authorsOf(li).includes(fold(author)));
      show(matches);
      const href = matches.map((li) => [...li.querySelectorAll(".authors a[data-author]")].find((a) => fold(a.dataset.author) === fold(author))).find(Boolean);
      chips.append(el("span", { class: "filter-chip" }, el("span", {}, t("作者: ", "Author: "), author),
        href ? el("a", { href: href.href }, t("主页", "page")) : null,
        el("button", { type: "button", "aria-label": `清除作者筛选 / Clear author filter (${author})`, "data-clear": "" }, "×")));
      button.hidden = true;
      status.replaceChildren(t(`${matches.length} 篇论文`, `${matches.length} papers`));
      return;
    }
    const batches = Math.max(1, Math.ceil(items.length / size));
    batch %= batches;
    show(items.slice(batch * size, batch * size + size));
    button.hidden = items.length <= size;
    status.replaceChildren(t(`第 ${batch + 1} / ${batches} 批 · 共 ${items.length} 篇`, `Batch ${batch + 1} of ${batches} · ${items.length} papers`));
  }

  function setAuthor(name, push = true) {
    author = name;
    const url = new URL(location.href);
    if (name) url.searchParams.set("author", name); else url.searchParams.delete("author");
    if (push) history.pushState({ author: name }, "", url);
    render();
  }

  button.addEventListener("click", async () => {
    await extend();
    batch += 1;
    render();
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

  if (author) extend().then(render); else render();
  if (items.length <= size) extend().then(render);
}
