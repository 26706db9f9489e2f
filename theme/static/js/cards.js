// A paper card built from an index record, with the same markup as the server-rendered cards.
// Every value is set as text, never parsed as HTML.
import { el, t, siteUrl } from "./util.js";
import { setUp } from "./expand.js";

function topicName(topics, id) {
  const name = topics[id] || { zh: id, en: id };
  return t(name.zh, name.en);
}

function why(paper, topics) {
  const line = el("p", { class: "why" }, el("span", { class: "why-label" }, t("入选理由", "Why")));
  for (const sel of paper.topics || []) {
    const item = el("span", { class: "why-item" }, el("a", { href: siteUrl(`topics/${sel.rule}.html`) }, topicName(topics, sel.rule)));
    const parts = [];
    if (sel.authors && sel.authors.length) parts.push([t("关注的作者", "followed author"), " ", el("mark", {}, sel.authors.join(", "))]);
    if (sel.keywords && sel.keywords.length) parts.push([t("关键词", "keyword"), " ", el("mark", {}, sel.keywords.join(", "))]);
    if (sel.categories && sel.categories.length) parts.push([t("分类", "category"), " ", sel.categories.join(", ")]);
    parts.forEach((part, i) => item.append(i ? "; " : ": ", ...part));
    line.append(item);
  }
  return line;
}

/** An <li> holding a card for `paper` numbered `number`; `extra` nodes go after the title. */
export function renderCard(paper, number, topics, extra = []) {
  const authors = el("p", { class: "authors" });
  paper.authors.slice(0, 8).forEach((name, i) => {
    if (i) authors.append(", ");
    authors.append(el("a", { href: siteUrl(paper.author_urls[i]), "data-author": name }, name));
  });
  if (paper.authors.length > 8) authors.append(" ", el("span", { class: "more-authors" }, t(`等 ${paper.authors.length} 位作者`, `et al. (${paper.authors.length} authors)`)));
  const abstract = el("div", { class: "abstract clamp math" }, paper.abstract || "—");
  const expand = el("button", { type: "button", class: "link-btn expand", hidden: true }, t("展开摘要", "Show full abstract"));
  const card = el("article", { class: "card", "data-id": paper.id, "data-authors": paper.authors.join("|") },
    el("div", { class: "card-meta" },
      el("span", { class: "num", "aria-hidden": "true" }, `${String(number).padStart(2, "0")}.`),
      el("span", { class: "badge" }, paper.source),
      el("time", { datetime: paper.date }, paper.date)),
    el("h3", { class: "card-title" }, el("a", { class: "math", href: siteUrl(paper.url) }, paper.title)),
    ...extra,
    authors,
    paper.tldr ? el("p", { class: "tldr" }, el("span", { class: "tldr-label" }, "TL;DR"), " ",
      el("span", { class: "zh", lang: "zh-CN" }, paper.tldr.zh || ""), el("span", { class: "en", lang: "en" }, paper.tldr.en || "")) : null,
    abstract, expand, why(paper, topics),
    el("div", { class: "card-foot" },
      el("ul", { class: "chips", "aria-label": "Topics" }, ...(paper.topics || []).map((sel) =>
        el("li", {}, el("a", { class: "chip", "data-topic": sel.rule, href: siteUrl(`topics/${sel.rule}.html`) }, topicName(topics, sel.rule))))),
      el("details", { class: "follow", "data-tags": (paper.tags || []).slice(0, 6).join("|") },
        el("summary", {}, t("＋ 加入雷达", "+ Add to radar")), el("div", { class: "follow-panel" }))));
  setUp(expand);
  return el("li", {}, card);
}
