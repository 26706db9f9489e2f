// LaTeX in titles, abstracts and briefs, rendered by KaTeX from the site's own files.
// KaTeX is loaded only on pages whose text contains math delimiters.
import { siteUrl } from "./util.js";

const DELIMITERS = [
  { left: "$$", right: "$$", display: true },
  { left: "\\[", right: "\\]", display: true },
  { left: "$", right: "$", display: false },
  { left: "\\(", right: "\\)", display: false },
];
const MATH = /\$[^$]+\$|\\\(|\\\[/;
let katexReady = null;

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = reject;
    document.head.append(script);
  });
}

function loadKatex() {
  if (!katexReady) {
    const css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = siteUrl("theme/katex/katex.min.css");
    document.head.append(css);
    katexReady = loadScript(siteUrl("theme/katex/katex.min.js"))
      .then(() => loadScript(siteUrl("theme/katex/contrib/auto-render.min.js")));
  }
  return katexReady;
}

/** Render the math inside every `.math` element of `scope`. */
export function typeset(scope) {
  const targets = [...scope.querySelectorAll(".math")].filter((node) => MATH.test(node.textContent));
  if (!targets.length) return Promise.resolve();
  return loadKatex().then(() => {
    for (const node of targets) {
      window.renderMathInElement(node, { delimiters: DELIMITERS, throwOnError: false, ignoredTags: ["script", "noscript", "style", "textarea", "pre", "code"] });
    }
  }).catch(() => { /* math stays as readable LaTeX source */ });
}

/** The text of a node as it was before KaTeX rendered it (each formula back to its $…$ source). */
export function sourceText(node) {
  const copy = node.cloneNode(true);
  for (const math of copy.querySelectorAll(".katex")) {
    const tex = math.querySelector('annotation[encoding="application/x-tex"]');
    math.replaceWith(tex ? `$${tex.textContent}$` : math.textContent);
  }
  return copy.textContent;
}
