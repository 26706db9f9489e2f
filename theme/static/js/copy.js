// Copy buttons for BibTeX / RIS (and any element named by data-copy).
import { t } from "./util.js";

export function initCopy(scope) {
  for (const button of scope.querySelectorAll("[data-copy]")) {
    button.addEventListener("click", async () => {
      const source = document.getElementById(button.dataset.copy);
      if (!source) return;
      const label = [...button.childNodes].map((n) => n.cloneNode(true));
      try {
        await navigator.clipboard.writeText(source.textContent);
        button.replaceChildren(t("已复制", "Copied"));
      } catch (error) {
        const range = document.createRange();
        range.selectNodeContents(source);
        getSelection().removeAllRanges();
        getSelection().addRange(range);
        button.replaceChildren(t("已选中，按 Ctrl+C", "Selected: press Ctrl+C"));
      }
      setTimeout(() => button.replaceChildren(...label), 2000);
    });
  }
}
