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

function loadStylesheet(href) {
  return new Promise((resolve, reject) => {
    const css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = href;
    css.onload = resolve;
    css.onerror = reject;
    document.head.append(css);
  });
}

// The faces of most formulas in titles and abstracts. KaTeX's fonts are font-display: block: a formula
// laid out before they arrive is laid out again when they do, and a title that then wraps differently
// moves the whole page; so formulas are rendered once these are loaded.
const FACES = ["1em KaTeX_Main", "italic 1em KaTeX_Math"];

function loadKatex() {
  if (!katexReady) {
    const css = loadStylesheet(siteUrl("theme/katex/katex.min.css"))
      .then(() => (document.fonts ? Promise.all(FACES.map((face) => document.fonts.load(face))) : null));
    const js = loadScript(siteUrl("theme/katex/katex.min.js"))
      .then(() => loadScript(siteUrl("theme/katex/contrib/auto-render.min.js")));
    katexReady = Promise.all([css, js]);
  }
  return katexReady;
}

/** Render the math inside every `.math` element of `scope`. Each element keeps at least the height its
 * LaTeX source took: a title whose formulas render narrower and take a line less would move what follows. */
export function typeset(scope) {
  const targets = [...scope.querySelectorAll(".math")].filter((node) => MATH.test(node.textContent));
  if (!targets.length) return Promise.resolve();
  return loadKatex().then(() => {
    // the box that keeps its height: the element itself, or the block a link (a card's title) sits in
    const boxes = targets.map((node) => (getComputedStyle(node).display === "inline" ? node.parentElement : node));
    const heights = boxes.map((box) => box.getBoundingClientRect().height);
    targets.forEach((node, i) => {
      if (heights[i]) boxes[i].style.minHeight = `${heights[i]}px`;
      window.renderMathInElement(node, { delimiters: DELIMITERS, throwOnError: false, ignoredTags: ["script", "noscript", "style", "textarea", "pre", "code"] });
    });
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
