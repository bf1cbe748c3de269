// Suggestions while typing in the offers' search: the ARIA combobox pattern (an input that controls a
// listbox). The arrow keys move through the options (aria-activedescendant: focus stays in the field),
// Enter takes the active option, Escape closes the list, a click or tap takes an option.

import { el } from "./dom.js";
import { t, tNodes } from "./i18n.js";

export class SearchSuggestions {
  /**
   * @param {HTMLInputElement} input the search field (role="combobox")
   * @param {HTMLUListElement} list its listbox
   * @param {(query: string) => Promise<object[]>} find the suggestions for a query
   * @param {(item: object) => void} choose called with the option taken
   */
  constructor(input, list, find, choose) {
    Object.assign(this, { input, list, find, choose, items: [], active: -1, asked: 0 });
    input.addEventListener("input", () => this.update());
    input.addEventListener("keydown", (event) => this.key(event));
    input.addEventListener("blur", () => this.close());
    list.addEventListener("mousedown", (event) => event.preventDefault()); // the field keeps the focus
    list.addEventListener("click", (event) => {
      const option = event.target.closest("[role='option']");
      if (option) this.take(Number(option.dataset.index));
    });
  }

  async update() {
    const asked = ++this.asked;
    const items = await this.find(this.input.value);
    if (asked !== this.asked || document.activeElement !== this.input) return; // typed on, or left
    this.items = items;
    this.active = -1;
    this.render();
  }

  render() {
    this.list.replaceChildren(...this.items.map((item, n) => el("li", {
      id: `search-option-${n}`, role: "option", "aria-selected": String(n === this.active),
      class: n === this.active ? "is-active" : null, dataset: { index: n, kind: item.kind },
    }, el("span", { class: "suggestion-label", lang: item.lang }, item.label),
    " ", el("span", { class: "suggestion-kind" }, hint(item)))));
    const open = this.items.length > 0;
    this.list.hidden = !open;
    this.input.setAttribute("aria-expanded", String(open));
    if (this.active >= 0) {
      this.input.setAttribute("aria-activedescendant", `search-option-${this.active}`);
      this.list.children[this.active].scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  }

  close() {
    this.asked += 1; // an answer on its way is no longer wanted
    this.items = [];
    this.active = -1;
    this.render();
  }

  take(index) {
    const item = this.items[index];
    this.close();
    if (item) this.choose(item);
  }

  key(event) {
    const open = this.items.length > 0;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!open) {
        this.update();
        return;
      }
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      this.active = (this.active + step + this.items.length + 1) % (this.items.length + 1);
      if (this.active === this.items.length) this.active = -1; // past the end: back in the field
      this.render();
    } else if (event.key === "Enter" && open && this.active >= 0) {
      event.preventDefault(); // the option, not the form
      this.take(this.active);
    } else if (event.key === "Escape" && open) {
      event.preventDefault(); // the list closes; the text and an open offer stay
      event.stopPropagation();
      this.close();
    } else if (event.key === "Tab") {
      this.close();
    }
  }
}

function hint(item) {
  if (item.kind === "offer") return t("suggest.offer");
  if (item.kind === "place") return t("suggest.place");
  if (item.kind === "keyword") return tNodes("suggest.keyword", { theme: el("span", { lang: item.themeLang }, item.theme) });
  return t("suggest.theme");
}
