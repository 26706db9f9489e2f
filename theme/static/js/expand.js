// Abstracts on cards are clamped to a few lines; "Show full abstract" opens them.
import { t } from "./util.js";

export function initExpand(scope) {
  for (const button of scope.querySelectorAll(".card .expand")) setUp(button);
}

export function setUp(button) {
  const abstract = button.previousElementSibling;
  if (!abstract || !abstract.classList.contains("clamp")) return;
  const overflowing = () => abstract.scrollHeight > abstract.clientHeight + 2;
  requestAnimationFrame(() => { button.hidden = !overflowing() && !abstract.classList.contains("open"); });
  button.setAttribute("aria-expanded", "false");
  button.addEventListener("click", () => {
    const open = abstract.classList.toggle("open");
    button.setAttribute("aria-expanded", String(open));
    button.replaceChildren(open ? t("收起摘要", "Show less") : t("展开摘要", "Show full abstract"));
  });
}
