// Search with Pagefind's UI over the pages Pagefind indexed (papers and briefs).
import { siteRoot, currentLang } from "./util.js";

const ZH = {
  placeholder: "搜索论文、作者、简报…", clear_search: "清除", load_more: "加载更多结果",
  search_label: "搜索本站", zero_results: "没有找到与 [SEARCH_TERM] 相关的结果",
  many_results: "找到 [COUNT] 个与 [SEARCH_TERM] 相关的结果", one_result: "找到 1 个与 [SEARCH_TERM] 相关的结果",
  alt_search: "没有找到 [SEARCH_TERM]，显示 [DIFFERENT_TERM] 的结果", search_suggestion: "试试：", searching: "正在搜索 [SEARCH_TERM]…",
};

export function initSearch() {
  if (!window.PagefindUI) return;
  const ui = new window.PagefindUI({
    element: "#search",
    baseUrl: siteRoot().pathname,
    bundlePath: new URL("pagefind/", siteRoot()).pathname,
    showSubResults: true,
    showImages: false,
    resetStyles: false,
    translations: currentLang() === "zh" ? ZH : {},
  });
  const query = new URLSearchParams(location.search).get("q");
  if (query) ui.triggerSearch(query);
}
