// The "My radar" page: follows and mutes, the papers ranked for the reader by their ratings (with why,
// some exploration, and the papers the model is least sure of), matching recent papers with why they
// matched, the reader's library in and out (BibTeX, RIS, ids), share link, rule file, forget everything.
import { el, t, loadIndex, loadParts, partsFor, fold, siteUrl, plural } from "./util.js";
import { renderCard } from "./cards.js";
import { typeset } from "./math.js";
import { KINDS, loadRadar, saveRadar, fromQuery, toQuery, matching, ruleYaml, isEmpty, syncFollow, keywordPattern, muted, reasons } from "./radar.js";
import {
  loadLearn, update, hasRatings, ratingsQuery, ratingsFromQuery, radarFile, mergeRadarFile, forgetEverything, download,
  syncRatings, loadRatedVectors, saveRatedVectors,
} from "./ratings.js";
import { loadVectors, archiveRows, hashedFeatures, hashedRow, recommend, packRow, unpackRow, FIRST_PAPERS, vectorDays } from "./learn.js";
import { parseLibrary, lookUp, paperRecord, citation } from "./library.js";

const KIND_TEXT = {
  topic: ["主题", "Topic"], author: ["作者", "Author"], keyword: ["关键词", "Keyword"],
  "mute-author": ["不看作者", "Muted author"], "mute-keyword": ["不看关键词", "Muted keyword"],
};
const FOR_YOU = 20; // papers in "for you"
const ASK = 3; // papers the radar asks about

/** The slug of a paper's page ("papers/<slug>.html"), which names its API record. */
const slugOf = (url) => (url || "").split(/[?#]/)[0].split("/").pop().replace(/\.html$/, "");
/** A paper id as a rule's similar_to lists it: an arXiv id or a DOI. */
const ruleId = (id) => id.replace(/^(arxiv|doi):/, "");

export async function initRadarPage() {
  const follows = document.getElementById("radar-follows");
  const empty = document.getElementById("radar-empty");
  const results = document.getElementById("radar-results");
  const count = document.getElementById("radar-count");
  const message = document.getElementById("radar-message");
  const form = document.getElementById("radar-add");
  const summary = document.getElementById("learn-summary");
  const hideSeen = document.getElementById("radar-hide-seen");
  const explore = document.getElementById("radar-explore");
  const forYouBox = document.getElementById("foryou");
  const forYouList = document.getElementById("foryou-results");
  const askList = document.getElementById("ask-results");
  const forYouNote = document.getElementById("foryou-note");
  const report = document.getElementById("import-report");
  const search = location.search;
  const shared = search.length > 1 ? { radar: fromQuery(search), ratings: ratingsFromQuery(search).ratings } : null;
  let viewing = shared && (!isEmpty(shared.radar) || Object.keys(shared.ratings).length) ? shared : null;
  const index = await loadIndex();
  let parts = partsFor(index, 1, FIRST_PAPERS); // the card parts the page works on: the newest days, more on request
  let papers = await loadParts(index, parts); // their papers (card records), newest radar day first
  let byId = new Map(papers.map((paper) => [paper.id, paper]));
  let features = null; // the vectors (or hashed words) of the papers, loaded with the first follow or rating
  let matchedIds = [];
  let bibtexName = ""; // an imported BibTeX file a rule may name
  let timing = null;

  const current = () => (viewing ? viewing.radar : loadRadar());
  const learning = () => (viewing ? { ...loadLearn(), ratings: viewing.ratings } : loadLearn());
  const say = (zh, en) => message.replaceChildren(t(zh, en));
  const titleOf = (id, state) => (byId.get(id) || {}).title || (state.ratings[id] || {}).t || id;
  const urlOf = (id, state) => (byId.get(id) || {}).url || (state.ratings[id] || {}).u || "";

  async function getFeatures() {
    if (!features) {
      try {
        features = index.vectors ? await loadVectors(index, vectorDays([...new Set((index.parts || []).map((part) => part.day))], new Set(papers.map((paper) => paper.day)))) : hashedFeatures(papers);
      } catch (error) { // a damaged or missing shard: the words still rank
        features = { ...hashedFeatures(papers), failed: String(error.message || error) };
      }
    }
    return features;
  }

  /** Add the next radar day's papers to the page (its vectors with them). */
  async function addDay() {
    parts = partsFor(index, new Set(papers.map((paper) => paper.day)).size + 1);
    papers = await loadParts(index, parts);
    byId = new Map(papers.map((paper) => [paper.id, paper]));
    features = null;
    await render();
  }
  document.getElementById("radar-earlier").addEventListener("click", addDay);

  function renderDays() {
    const days = [...new Set(papers.map((paper) => paper.day))];
    const all = new Set((index.parts || []).map((part) => part.day)).size;
    document.getElementById("radar-days").hidden = !all;
    document.getElementById("radar-days-note").replaceChildren(t(`本页用到最近 ${all} 个雷达日中的 ${days.length} 个（${papers.length} 篇论文）。`,
      `This page works on ${days.length} of the ${all} recent radar days (${plural(papers.length, "paper")}).`));
    document.getElementById("radar-earlier").hidden = parts >= (index.parts || []).length;
  }

  /** Rows of rated papers the recent papers' features lack: their kept vectors, or their title's words. */
  function extraRows(state) {
    const rows = {};
    const kept = loadRatedVectors();
    for (const [id, rating] of Object.entries(state.ratings)) {
      if (features.kind === "vectors" && kept.model === features.model && kept.rows[id]) rows[id] = unpackRow(kept.rows[id], features.dims);
      else if (features.kind === "words" && rating.t) rows[id] = hashedRow(rating.t);
    }
    return rows;
  }

  /** Keep the vector of every rated paper in storage, so its rating still counts once it leaves the shards. */
  function keepVectors(state) {
    if (viewing || !features || features.kind !== "vectors") return;
    const kept = loadRatedVectors();
    const rows = kept.model === features.model ? kept.rows : {};
    const at = new Map(features.ids.map((id, i) => [id, i]));
    let changed = kept.model !== features.model;
    for (const id of Object.keys(rows)) if (!(id in state.ratings)) { delete rows[id]; changed = true; }
    for (const id of Object.keys(state.ratings)) if (!rows[id] && at.has(id)) { rows[id] = packRow(features.rows[at.get(id)]); changed = true; }
    if (changed) saveRatedVectors({ model: features.model, rows });
  }

  /** Imported papers older than the shards: their vectors from the archive's buckets, kept like a rated paper's. */
  async function keepArchiveVectors(ids) {
    if (!index.vectors) return;
    await getFeatures();
    const known = new Set(features.ids);
    const missing = ids.filter((id) => !known.has(id));
    if (features.kind !== "vectors" || !missing.length) return;
    const found = await archiveRows(features, missing).catch(() => ({}));
    if (!Object.keys(found).length) return;
    const kept = loadRatedVectors();
    saveRatedVectors({ model: features.model, rows: { ...(kept.model === features.model ? kept.rows : {}), ...found } });
    await render();
  }

  const visible = (paper, state, radar) => !state.dismissed.includes(paper.id) && !muted(radar, paper) && !(state.hideSeen && state.seen[paper.id]);

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

  function followLine(why) {
    const line = el("p", { class: "why radar-why" }, el("span", { class: "why-label" }, t("为何匹配", "Matched")));
    why.forEach((reason, j) => line.append(j ? " · " : "", t(KIND_TEXT[reason.kind][0], KIND_TEXT[reason.kind][1]), " ", el("mark", {}, reason.value)));
    return line;
  }

  /** Why the model put a paper here: the 👍 papers it is like, or that it is exploring. */
  function learnLine(item, state) {
    const line = el("p", { class: "why learn-why" });
    if (item.exploring) {
      line.append(el("span", { class: "why-label" }, t("探索", "Exploring")),
        t("一篇与您的评价不同的论文：评价它，雷达能学到新的方向。", "a paper unlike the ones you rated: rating it teaches the radar a new direction."));
      return line;
    }
    const near = item.near.slice(0, 3);
    const link = (p) => el("a", { class: "math", href: siteUrl(urlOf(p.id, state)) }, titleOf(p.id, state));
    if (near.length) {
      line.append(el("span", { class: "why-label" }, t("为您推荐", "For you")),
        t(`像您评为 👍 的 ${item.near.length} 篇论文：`, `like ${item.near.length} paper${item.near.length > 1 ? "s" : ""} you rated 👍: `));
      near.forEach((p, j) => line.append(j ? "; " : "", link(p), ` (${p.cosine.toFixed(2)})`));
    } else if (item.nearest) {
      line.append(el("span", { class: "why-label" }, t("为您推荐", "For you")),
        t("最接近您评为 👍 的：", "closest to a paper you rated 👍: "), link(item.nearest), ` (${item.nearest.cosine.toFixed(2)})`);
    } else {
      line.append(el("span", { class: "why-label" }, t("为您推荐", "For you")),
        t("像近期符合您关注的论文。", "like the recent papers that match your follows."));
    }
    return line;
  }

  function card(paper, number, lines, radar) {
    const li = renderCard(paper, number, index.topics, lines);
    highlight(li, radar);
    return li;
  }

  function focusState() {
    const active = document.activeElement;
    const holder = active && active.closest && active.closest(".card");
    const list = holder && holder.closest("ol");
    if (!list || !list.id) return null;
    return { list: list.id, position: [...list.children].indexOf(holder.parentElement), id: holder.dataset.id,
      button: active.dataset.rate ? `[data-rate="${active.dataset.rate}"]` : ".rate-btn" };
  }

  function restoreFocus(saved) {
    if (!saved) return;
    const list = document.getElementById(saved.list);
    const same = [...list.querySelectorAll(".card")].find((c) => c.dataset.id === saved.id);
    const holder = same || (list.children[saved.position] || list.lastElementChild || { querySelector: () => null }).querySelector(".card");
    const target = holder ? holder.querySelector(saved.button) : document.getElementById("foryou-heading");
    if (target) target.focus();
  }

  function renderFollows(radar) {
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
  }

  function renderSummary(state, usable) {
    const ratings = Object.values(state.ratings);
    const up = ratings.filter((r) => r.r === 1).length;
    const down = ratings.length - up;
    const seen = Object.keys(state.seen).length;
    summary.replaceChildren(t(`${up} 篇 👍 · ${down} 篇 👎 · ${state.dismissed.length} 篇不感兴趣 · 看过 ${seen} 篇`,
      `${up} rated 👍 · ${down} rated 👎 · ${state.dismissed.length} not interested · ${seen} seen`));
    const unused = usable === null ? 0 : ratings.length - usable;
    if (unused > 0) {
      summary.append(" ", t(`（其中 ${unused} 篇在本站近期论文里没有向量，暂不参与排序）`,
        `(${unused} of them have no vector among this site's recent papers and do not train the ranking)`));
    }
    hideSeen.checked = state.hideSeen;
    explore.value = String(state.explore);
  }

  let usable = null; // how many ratings have a vector (or words) to train on
  async function renderForYou(state, radar) {
    usable = null;
    const follows = radar.topic.length + radar.author.length + radar.keyword.length;
    if (!hasRatings(state) && !follows) {
      forYouBox.hidden = true;
      return;
    }
    await getFeatures();
    keepVectors(state);
    const rows = extraRows(state);
    const known = new Set(features.ids);
    usable = Object.keys(state.ratings).filter((id) => known.has(id) || rows[id]).length;
    const seed = `${new Date().toISOString().slice(0, 10)} ${Object.keys(state.ratings).length}`;
    const shown = recommend(features, papers, state, radar, { extraRows: rows, visible: (p) => visible(p, state, radar), count: FOR_YOU, seed });
    const result = shown && shown.result;
    forYouBox.hidden = false;
    const rated = result ? result.trainedOn.rated : 0;
    const followed = result ? result.trainedOn.followed : 0;
    const how = features.kind === "vectors"
      ? t(`按您的 ${rated} 个评价和 ${followed} 篇符合关注的论文，在浏览器里用本站的论文向量（${features.model}）训练的逻辑回归排序，最新一天的论文在前`,
        `Ranked by a logistic regression trained in your browser on your ${rated} ratings and ${followed} papers matching your follows, over this site's embeddings of the papers (${features.model}), the newest day's papers first`)
      : t(`按您的 ${rated} 个评价和 ${followed} 篇符合关注的论文排序，依据标题和摘要中的词，最新一天的论文在前：本站没有发布论文向量（构建时未安装 semantic 扩展）`,
        `Ranked by your ${rated} ratings and ${followed} papers matching your follows over the words of titles and abstracts, the newest day's papers first: this site publishes no embeddings of its papers (it was built without the semantic extra)`);
    forYouNote.replaceChildren(how);
    if (features.failed) forYouNote.append(" ", t(`（向量读取失败：${features.failed}）`, `(the vectors could not be read: ${features.failed})`));
    if (!result) {
      forYouNote.append(" · ", t("评为 👍 至少一篇论文（或关注一个近期有论文的主题、作者或关键词），雷达就能为您排序。",
        "Rate at least one paper 👍 (or follow a topic, author or keyword with recent papers) and the radar ranks the others for you."));
      forYouList.replaceChildren();
      askList.replaceChildren();
      return;
    }
    timing = result.milliseconds;
    forYouNote.append(t(`，用时 ${timing.toFixed(0)} 毫秒。`, `, in ${timing.toFixed(0)} ms.`));
    const picks = shown.picks;
    forYouList.replaceChildren(...picks.map((item, i) => {
      const paper = byId.get(item.id);
      const why = reasons(radar, paper);
      return card(paper, i + 1, [learnLine(item, state), ...(why.length ? [followLine(why)] : [])], radar);
    }));
    document.getElementById("foryou-count").replaceChildren(t(`${picks.length} 篇`, plural(picks.length, "paper")));
    const listed = new Set(picks.map((item) => item.id));
    const ask = result.uncertain.filter((id) => !listed.has(id)).slice(0, ASK);
    const probability = new Map(result.ranked.map((r) => [r.id, r.probability]));
    askList.replaceChildren(...ask.map((id, i) => card(byId.get(id), i + 1, [el("p", { class: "why learn-why" },
      el("span", { class: "why-label" }, t("没有把握", "Unsure")), t(`模型估计的可能性 ${probability.get(id).toFixed(2)}`, `the model's estimate: ${probability.get(id).toFixed(2)}`))], radar)));
    typeset(forYouBox);
  }

  let rendering = Promise.resolve();
  function render() {
    rendering = rendering.then(async () => {
      const saved = focusState();
      const radar = current();
      const state = learning();
      renderFollows(radar);
      const matched = matching(radar, papers.filter((paper) => visible(paper, state, radar)));
      matchedIds = matched.map((m) => m.paper.id);
      results.replaceChildren(...matched.map(({ paper, why }, i) => card(paper, i + 1, [followLine(why)], radar)));
      count.replaceChildren(t(`${matched.length} 篇`, plural(matched.length, "paper")));
      if (!matched.length && !isEmpty(radar)) results.append(el("li", { class: "empty" }, t("近期没有匹配的论文。", "No recent paper matches yet.")));
      await renderForYou(state, radar);
      renderSummary(state, usable);
      renderDays();
      syncFollow();
      syncRatings(document);
      typeset(results);
      restoreFocus(saved);
    });
    return rendering;
  }

  // ---------------------------------------------------------------- follows, share link, rule file

  follows.addEventListener("click", (event) => {
    const remove = event.target.closest("[data-remove]");
    if (event.target.closest("#radar-save")) {
      saveRadar(viewing.radar);
      update((state) => {
        for (const [id, rating] of Object.entries(viewing.ratings)) state.ratings[id] = { ...rating, t: titleOf(id, state), u: urlOf(id, state), at: Date.now() };
      });
      viewing = null;
      history.replaceState(null, "", location.pathname);
      say("已保存。", "Saved.");
      render();
      return;
    }
    if (!remove) return;
    const radar = current();
    radar[remove.dataset.remove] = radar[remove.dataset.remove].filter((v) => v !== remove.dataset.value);
    if (viewing) viewing.radar = radar; else saveRadar(radar);
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
    if (viewing) viewing.radar = radar; else saveRadar(radar);
    input.value = "";
    render();
  });
  document.getElementById("radar-share").addEventListener("click", async () => {
    const url = new URL(location.pathname, location.href);
    url.search = ratingsQuery(learning(), new URLSearchParams(toQuery(current()))).toString();
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
    const state = learning();
    const liked = Object.keys(state.ratings).filter((id) => state.ratings[id].r === 1).sort().map(ruleId);
    const yaml = ruleYaml(current(), location.host || "AcademicHub", liked, bibtexName, Object.keys(index.topics || {}));
    if (!yaml) {
      document.getElementById("radar-rule-box").hidden = true;
      say("先关注一位作者或一个关键词，或给一篇论文评 👍，才能生成规则：您关注的主题本身就是规则。",
        "Follow an author or a keyword, or rate a paper 👍, to make a rule: the topics you follow are rules already.");
      return;
    }
    document.getElementById("radar-yaml").textContent = yaml;
    const link = document.getElementById("radar-pr");
    if (link) link.href = `${repo}/new/${encodeURIComponent(branch)}/rules?filename=my-radar.yml&value=${encodeURIComponent(yaml)}`;
    document.getElementById("radar-rule-box").hidden = false;
  });

  // ---------------------------------------------------------------- ratings, settings, files

  hideSeen.addEventListener("change", () => update((state) => { state.hideSeen = hideSeen.checked; }));
  explore.addEventListener("change", () => update((state) => { state.explore = Number(explore.value); }));
  document.getElementById("radar-forget").addEventListener("click", () => {
    if (!window.confirm("忘记这个浏览器里的雷达、评价和浏览记录？\nForget the radar, the ratings and what you have seen in this browser?")) return;
    forgetEverything();
    viewing = null;
    history.replaceState(null, "", location.pathname);
    bibtexName = "";
    report.replaceChildren();
    say("已全部忘记：这个浏览器里不再保存您的雷达。", "Everything is forgotten: this browser keeps nothing of your radar.");
    render();
  });
  document.getElementById("radar-save-file").addEventListener("click", () => {
    download("my-radar.json", "application/json", radarFile(current(), learning(), location.host));
  });
  document.getElementById("radar-load-file").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    try {
      const { ratings } = mergeRadarFile(await file.text());
      say(`已恢复：${ratings} 个评价。`, `Restored: ${ratings} ratings.`);
    } catch (error) {
      say("这不是雷达文件。", "This is not a radar file.");
    }
    event.target.value = "";
  });

  /** Download papers as one BibTeX or RIS file: the citation files the build wrote for them, joined by a
   *  blank line (a few requests at a time). */
  async function exportPapers(ids, format, name) {
    if (!ids.length) {
      say("没有可下载的论文。", "There is no paper to download.");
      return;
    }
    const state = learning();
    const [type, ext] = format === "ris" ? ["application/x-research-info-systems", "ris"] : ["application/x-bibtex", "bib"];
    const texts = [];
    let failed = 0;
    for (let start = 0; start < ids.length; start += 8) {
      const batch = await Promise.all(ids.slice(start, start + 8).map((id) => citation(slugOf(urlOf(id, state)), ext).catch(() => null)));
      for (const text of batch) if (text) texts.push(text); else failed += 1;
    }
    download(`${name}.${ext}`, type, texts.join("\n"));
    say(`已下载 ${texts.length} 篇论文。`, `Downloaded ${texts.length} papers.`);
    if (failed) message.append(" ", t(`${failed} 篇不在本站档案里。`, `${failed} are not in this site's archive.`));
  }
  for (const button of document.querySelectorAll("[data-export]")) {
    button.addEventListener("click", () => {
      const state = learning();
      const ids = button.dataset.list === "liked" ? Object.keys(state.ratings).filter((id) => state.ratings[id].r === 1) : matchedIds;
      exportPapers(ids, button.dataset.export, button.dataset.list === "liked" ? "my-liked-papers" : "my-radar-papers");
    });
  }

  // ---------------------------------------------------------------- importing a library

  async function importLibrary(text, fileName = "") {
    const { format, entries } = parseLibrary(text);
    if (!entries.length) {
      report.replaceChildren(el("p", {}, t("没有读到任何条目或编号。", "No entry or id could be read.")));
      return;
    }
    const { found, missing } = await lookUp(entries, index, papers);
    const records = await Promise.all(found.map(async (hit) => {
      const paper = byId.get(hit.id);
      if (paper) return { title: paper.title, url: paper.url };
      const record = await paperRecord(hit.slug).catch(() => null);
      return { title: record ? record.title : hit.entry.title, url: record ? record.links.html : `papers/${hit.slug}.html` };
    }));
    update((state) => {
      found.forEach((hit, i) => { state.ratings[hit.id] = { r: 1, t: records[i].title, u: records[i].url, at: Date.now() }; });
    });
    await keepArchiveVectors(found.map((hit) => hit.id));
    if (format === "BibTeX" && fileName) bibtexName = fileName.replace(/[^\w.-]+/g, "-").replace(/^-+/, "") || "library.bib";
    const label = (entry) => entry.title || entry.key || entry.doi || entry.arxiv;
    const parts = [el("p", {}, t(`读到 ${entries.length} 条（${format}）：${found.length} 篇在本站档案里，已记为 👍；${missing.length} 篇未找到。`,
      `Read ${entries.length} entries (${format}): ${found.length} in this site's archive, now rated 👍; ${missing.length} not found.`))];
    if (found.length) parts.push(el("ul", {}, ...found.map((hit, i) => el("li", {}, el("a", { class: "math", href: siteUrl(records[i].url) }, records[i].title)))));
    if (missing.length) {
      parts.push(el("p", {}, t("未找到（不在本站档案里；网站在浏览器里没有模型，无法为新的文本计算向量）：",
        "Not found (not in this site's archive; the site has no model in the browser to embed new text):")),
      el("ul", { class: "not-found" }, ...missing.map((entry) => el("li", {}, label(entry)))));
    }
    if (format === "BibTeX" && fileName) {
      parts.push(el("p", { class: "muted" }, t(`“生成规则文件”会把这些论文写进 similar_to: papers，并引用 ${bibtexName}：把这个文件放在规则旁边，未找到的条目也能按标题和摘要选出相似的论文。`,
        `"Turn into a rule file" lists these papers under similar_to: papers and names ${bibtexName}: add that file beside the rule, and the entries not found here select similar papers by their titles and abstracts too.`)));
    }
    report.replaceChildren(...parts);
    typeset(report);
  }
  const libraryFile = document.getElementById("library-file");
  const libraryText = document.getElementById("library-text");
  document.getElementById("library-import").addEventListener("click", async () => {
    const file = libraryFile.files[0];
    if (file) await importLibrary(await file.text(), file.name);
    if (libraryText.value.trim()) await importLibrary(libraryText.value);
    libraryFile.value = "";
    libraryText.value = "";
  });
  libraryFile.addEventListener("change", async () => {
    const file = libraryFile.files[0];
    if (file) await importLibrary(await file.text(), file.name);
    libraryFile.value = "";
  });
  const zone = document.getElementById("radar-import");
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("dragging"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", async (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    const file = event.dataTransfer.files[0];
    if (file) await importLibrary(await file.text(), file.name);
  });

  document.addEventListener("ah:radar", () => { if (!viewing) render(); });
  document.addEventListener("ah:learn", (event) => { if (!(event.detail && event.detail.quiet)) render(); });
  window.addEventListener("storage", () => { if (!viewing) render(); });
  await render();
}
