// Search with Pagefind's UI over the pages Pagefind indexed (papers and briefs).
// The index is split by date into bundles, listed newest first in pagefind/bundles.json: the
// newest is opened and the others are merged into it, so results from all of them are ranked together.
import { siteRoot, currentLang } from "./util.js";

const ZH = {
  placeholder: "搜索论文、作者、简报…", clear_search: "清除", load_more: "加载更多结果",
  search_label: "搜索本站", zero_results: "没有找到与 [SEARCH_TERM] 相关的结果",
  many_results: "找到 [COUNT] 个与 [SEARCH_TERM] 相关的结果", one_result: "找到 1 个与 [SEARCH_TERM] 相关的结果",
  alt_search: "没有找到 [SEARCH_TERM]，显示 [DIFFERENT_TERM] 的结果", search_suggestion: "试试：", searching: "正在搜索 [SEARCH_TERM]…",
};

async function bundlePaths(root) {
  // revalidated on every visit: a cached list could name bundles a newer build has replaced
  const response = await fetch(new URL("pagefind/bundles.json", root), { cache: "no-cache" });
  if (!response.ok) return [];
  const { bundles } = await response.json();
  return (bundles || []).map((bundle) => new URL(`pagefind/${bundle.path}`, root).pathname);
}

/** Pagefind's UI (script and stylesheet), copied beside the bundle list by the search stage. */
function loadUI(root) {
  const css = Object.assign(document.createElement("link"), { rel: "stylesheet", href: new URL("pagefind/pagefind-ui.css", root).href });
  document.head.append(css);
  return new Promise((resolve, reject) => {
    const script = Object.assign(document.createElement("script"), { src: new URL("pagefind/pagefind-ui.js", root).href });
    script.addEventListener("load", resolve);
    script.addEventListener("error", reject);
    document.head.append(script);
  });
}

export async function initSearch() {
  const root = siteRoot();
  const [primary, ...others] = await bundlePaths(root);
  if (!primary) {
    // a site without papers has no index (and no copy of the UI) yet
    document.getElementById("search-empty").hidden = false;
    return;
  }
  await loadUI(root);
  const ui = new window.PagefindUI({
    element: "#search",
    baseUrl: root.pathname,
    bundlePath: primary,
    mergeIndex: others.map((bundlePath) => ({ bundlePath, baseUrl: root.pathname })),
    showSubResults: true,
    showImages: false,
    resetStyles: false,
    translations: currentLang() === "zh" ? ZH : {},
  });
  labelInput(document.getElementById("search"));
  const query = new URLSearchParams(location.search).get("q");
  if (query) ui.triggerSearch(query);
}

/** Name the input Pagefind's UI draws by the page's visible label (its own is a title only). */
function labelInput(box) {
  const tie = () => {
    const input = box.querySelector("input");
    if (input) input.setAttribute("aria-labelledby", "search-label");
    return Boolean(input);
  };
  if (tie()) return;
  const watch = new MutationObserver(() => tie() && watch.disconnect());
  watch.observe(box, { childList: true, subtree: true });
}
