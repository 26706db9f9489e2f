// Abstracts on cards are clamped to a few lines; "Show full abstract" opens them.
import { t } from "./util.js";

export function initExpand(scope) {
  for (const button of scope.querySelectorAll(".card .expand")) setUp(button);
}

let pending = []; // [button, abstract] of the cards drawn since the last frame

/** Hide the button of each abstract drawn since the last frame that fits in its lines: every size is read
 *  before any button changes, so a list of hundreds of cards is laid out once, not once a card. */
function settle() {
  const cards = pending;
  pending = [];
  const overflowing = cards.map(([, abstract]) => abstract.scrollHeight > abstract.clientHeight + 2);
  cards.forEach(([button, abstract], i) => { button.hidden = !overflowing[i] && !abstract.classList.contains("open"); });
}

export function setUp(button) {
  const abstract = button.previousElementSibling;
  if (!abstract || !abstract.classList.contains("clamp")) return;
  if (!pending.length) requestAnimationFrame(settle);
  pending.push([button, abstract]);
  button.setAttribute("aria-expanded", "false");
  button.addEventListener("click", () => {
    const open = abstract.classList.toggle("open");
    button.setAttribute("aria-expanded", String(open));
    button.replaceChildren(open ? t("收起摘要", "Show less") : t("展开摘要", "Show full abstract"));
  });
}
