// The "My radar" page: follows, matching recent papers with why they matched, share link, rule file.
import { el, t, loadIndex, fold } from "./util.js";
import { renderCard } from "./cards.js";
import { typeset } from "./math.js";
import { KINDS, loadRadar, saveRadar, fromQuery, toQuery, reasons, ruleYaml, isEmpty, syncFollow, keywordPattern } from "./radar.js";

const KIND_TEXT = { topic: ["主题", "Topic"], author: ["作者", "Author"], keyword: ["关键词", "Keyword"] };

export async function initRadarPage() {
  const follows = document.getElementById("radar-follows");
  const empty = document.getElementById("radar-empty");
  const results = document.getElementById("radar-results");
  const count = document.getElementById("radar-count");
  const message = document.getElementById("radar-message");
  const form = document.getElementById("radar-add");
  const shared = location.search.length > 1 ? fromQuery(location.search) : null;
  let viewing = shared && !isEmpty(shared) ? shared : null;
  const index = await loadIndex();

  const current = () => viewing || loadRadar();
  const say = (zh, en) => message.replaceChildren(t(zh, en));

  function highlight(card, radar) {
    // mark followed keywords in the title, as text nodes (never innerHTML)
    const link = card.querySelector(".card-title a");
    for (const keyword of radar.keyword) {
      const match = keywordPattern(keyword).exec(fold(link.textContent));
      if (!match) continue;
      const start = match.index + match[1].length;
      const text = link.textContent;
      if (fold(text).length !== text.length) continue;
      link.replaceChildren(text.slice(0, start), el("mark", {}, text.slice(start, start + match[2].length)), text.slice(start + match[2].length));
      break;
    }
  }

  function render() {
    const radar = current();
    follows.replaceChildren();
    if (viewing) {
      follows.append(el("p", { class: "muted small" }, t("这是一个分享的雷达。", "This is a shared radar."), " ",
        el("button", { type: "button", class: "btn btn-small", id: "radar-save" }, t("保存为我的雷达", "Save as my radar"))));
    }
    for (const kind of KINDS) {
      for (const value of radar[kind]) {
        const name = kind === "topic" && index.topics[value] ? index.topics[value] : null;
        follows.append(el("span", { class: "follow-chip" },
          el("span", { class: "kind" }, t(KIND_TEXT[kind][0], KIND_TEXT[kind][1])), " ",
          name ? t(name.zh, name.en) : value,
          el("button", { type: "button", "data-remove": kind, "data-value": value, "aria-label": `移除 / Remove ${value}` }, "×")));
      }
    }
    empty.hidden = !isEmpty(radar);
    const matched = index.papers.map((paper) => ({ paper, why: reasons(radar, paper) })).filter((m) => m.why.length);
    results.replaceChildren(...matched.map(({ paper, why }, i) => {
      const line = el("p", { class: "why radar-why" }, el("span", { class: "why-label" }, t("为何匹配", "Matched")));
      why.forEach((reason, j) => line.append(j ? " · " : "", t(KIND_TEXT[reason.kind][0], KIND_TEXT[reason.kind][1]), " ", el("mark", {}, reason.value)));
      const li = renderCard(paper, i + 1, index.topics, [line]);
      highlight(li, radar);
      return li;
    }));
    count.replaceChildren(t(`${matched.length} 篇`, `${matched.length} papers`));
    if (!matched.length && !isEmpty(radar)) results.append(el("li", { class: "empty" }, t("近期没有匹配的论文。", "No recent paper matches yet.")));
    syncFollow();
    typeset(results);
  }

  follows.addEventListener("click", (event) => {
    const remove = event.target.closest("[data-remove]");
    if (event.target.closest("#radar-save")) {
      saveRadar(viewing);
      viewing = null;
      history.replaceState(null, "", location.pathname);
      say("已保存。", "Saved.");
      render();
      return;
    }
    if (!remove) return;
    const radar = current();
    radar[remove.dataset.remove] = radar[remove.dataset.remove].filter((v) => v !== remove.dataset.value);
    if (viewing) viewing = radar; else saveRadar(radar);
    render();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const input = document.getElementById("radar-value");
    const kind = document.getElementById("radar-kind").value;
    const value = input.value.trim();
    if (!value) return;
    const radar = current();
    if (!radar[kind].some((v) => fold(v) === fold(value))) radar[kind].push(value);
    if (viewing) viewing = radar; else saveRadar(radar);
    input.value = "";
    render();
  });
  document.getElementById("radar-share").addEventListener("click", async () => {
    const url = new URL(location.pathname, location.href);
    url.search = toQuery(current());
    try {
      await navigator.clipboard.writeText(url.href);
      say("分享链接已复制。", "Share link copied.");
    } catch (error) {
      history.replaceState(null, "", url);
      say("分享链接已放在地址栏。", "The share link is in the address bar.");
    }
  });
  document.getElementById("radar-rule").addEventListener("click", () => {
    const repo = document.querySelector('meta[name="ah-repository"]').content.replace(/\/$/, "");
    const branch = document.querySelector('meta[name="ah-branch"]').content;
    const yaml = ruleYaml(current(), location.host || "AcademicHub");
    document.getElementById("radar-yaml").textContent = yaml;
    const link = document.getElementById("radar-pr");
    link.href = `${repo}/new/${encodeURIComponent(branch)}/rules?filename=my-radar.yml&value=${encodeURIComponent(yaml)}`;
    document.getElementById("radar-rule-box").hidden = false;
  });
  document.addEventListener("ah:radar", () => { if (!viewing) render(); });
  window.addEventListener("storage", () => { if (!viewing) render(); });
  render();
}
