// Interface language (中文 / English): set before the page paints, remembered per browser.
// A ?lang=en or ?lang=zh in the address wins, so a language can be linked to.
(function () {
  var root = document.documentElement;
  var stored = null;
  try { stored = new URLSearchParams(location.search).get("lang") || localStorage.getItem("ah-lang"); } catch (e) { /* storage blocked */ }
  function apply(lang) {
    root.setAttribute("data-lang", lang);
    root.lang = lang === "zh" ? "zh-CN" : "en";
  }
  if (stored === "zh" || stored === "en") apply(stored);
  root.classList.add("js");
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-lang-toggle]");
    if (!button) return;
    var next = root.getAttribute("data-lang") === "zh" ? "en" : "zh";
    apply(next);
    try { localStorage.setItem("ah-lang", next); } catch (e) { /* storage blocked */ }
    document.dispatchEvent(new CustomEvent("ah:lang", { detail: next }));
  });
})();
