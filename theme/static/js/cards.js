// A paper card built from an index record. The markup is the server's: the page holds the card macro's
// output as <template id="card-template"> (one author, one topic whose reason has every clause, both
// TL;DR labels), and a card is a clone of it filled with text. Values are set as text, never parsed as HTML.
import { siteUrl, textLang } from "./util.js";
import { setUp } from "./expand.js";

const AUTHORS_SHOWN = 8;

/** Set the text of the element's zh and en children (the t() pair of a template); `tagged`: the text
 * is an entry's, each span tagged by its own letters (the t_text() pair). */
function both(node, zh, en, tagged = false) {
  for (const [cls, text] of [["zh", zh], ["en", en]]) {
    const span = node.querySelector(`:scope > .${cls}`);
    span.textContent = text;
    if (tagged) span.lang = textLang(text);
  }
}

/** A topic's name into a link of the template: both languages, or its id when the site does not know it. */
function topicName(link, topics, id) {
  const name = topics[id];
  if (name) both(link, name.zh, name.en);
  else link.replaceChildren(id);
}

function fillAuthors(line, paper) {
  const proto = line.querySelector("a");
  const more = line.querySelector(".more-authors");
  line.replaceChildren();
  paper.authors.slice(0, AUTHORS_SHOWN).forEach((name, i) => {
    const link = proto.cloneNode(true);
    link.href = siteUrl(paper.author_urls[i]);
    if (link.hasAttribute("data-author")) link.dataset.author = name;
    link.textContent = name;
    line.append(...(i ? [", ", link] : [link]));
  });
  // data/index.json names the first authors of a large collaboration and says how many there are
  const total = paper.authors_total || paper.authors.length;
  if (total > AUTHORS_SHOWN) {
    for (const span of more.children) span.textContent = span.textContent.replace("{n}", String(total));
    line.append(" ", more);
  }
}

function fillTldr(tldr, paper) {
  if (!paper.tldr) {
    tldr.remove();
    return;
  }
  const keep = paper.extractive ? "extractive" : "model";
  for (const label of tldr.querySelectorAll(".tldr-label")) {
    if (label.dataset.variant === keep) label.removeAttribute("data-variant"); else label.remove();
  }
  both(tldr, paper.tldr.zh || "", paper.tldr.en || "", true);
}

/** One reason line per selection, each keeping the template's clauses that apply, in its order. */
function fillWhy(line, paper, topics) {
  const proto = line.querySelector(".why-item");
  proto.remove();
  for (const sel of paper.topics || []) {
    const item = proto.cloneNode(true);
    const link = item.querySelector("a");
    link.href = siteUrl(`topics/${sel.rule}.html`);
    topicName(link, topics, sel.rule);
    const text = {
      authors: (sel.authors || []).join(", "), keywords: (sel.keywords || []).join(", "),
      categories: (sel.categories || []).join(", "), similarity: sel.similar_to || "",
    };
    const applies = (kind) => (kind === "similarity" ? typeof sel.similarity === "number" : Boolean(text[kind]));
    let first = true;
    for (const clause of [...item.querySelectorAll("[data-clause]")]) {
      const kind = clause.dataset.clause;
      if (!applies(kind)) {
        clause.remove();
        continue;
      }
      const mark = clause.querySelector("mark");
      if (mark) mark.textContent = text[kind]; else clause.lastChild.textContent = ` ${text[kind]}`;
      if (kind === "similarity") clause.lastChild.textContent = ` (${sel.similarity.toFixed(2)})`;
      clause.replaceWith(first ? ": " : "; ", ...clause.childNodes);
      first = false;
    }
    line.append(item);
  }
}

function fillChips(list, paper, topics) {
  const proto = list.querySelector("li");
  list.replaceChildren(...(paper.topics || []).map((sel) => {
    const li = proto.cloneNode(true);
    const chip = li.querySelector(".chip");
    chip.dataset.topic = sel.rule;
    chip.href = siteUrl(`topics/${sel.rule}.html`);
    topicName(chip, topics, sel.rule);
    return li;
  }));
}

/** An <li> holding a card for `paper` numbered `number`; `extra` nodes go after the title. */
export function renderCard(paper, number, topics, extra = []) {
  const li = document.createElement("li");
  li.append(document.getElementById("card-template").content.cloneNode(true));
  const card = li.querySelector(".card");
  card.dataset.id = paper.id;
  card.dataset.authors = paper.authors.join("|");
  card.querySelector(".num").textContent = `${String(number).padStart(2, "0")}.`;
  card.querySelector(".badge").textContent = paper.source;
  const time = card.querySelector(".card-meta time");
  time.dateTime = paper.date;
  time.textContent = paper.date;
  const title = card.querySelector(".card-title a");
  title.href = siteUrl(paper.url);
  title.textContent = paper.title;
  card.querySelector(".card-title").lang = textLang(paper.title);
  fillAuthors(card.querySelector(".authors"), paper);
  fillTldr(card.querySelector(".tldr"), paper);
  const abstract = card.querySelector(".abstract");
  abstract.textContent = paper.abstract || "—";
  abstract.lang = textLang(paper.abstract);
  fillWhy(card.querySelector(".why"), paper, topics);
  fillChips(card.querySelector(".chips"), paper, topics);
  card.querySelector("details.follow").dataset.tags = (paper.tags || []).slice(0, 6).join("|");
  setUp(card.querySelector(".expand"));
  card.querySelector(".card-title").after(...extra);
  return li;
}
