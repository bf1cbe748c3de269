// The result list beside the map: the filtered offers inside the current map view.
//
// A county publishes thousands of offers; building an entry for each would cost seconds on a phone.
// The list therefore builds its entries a page at a time: the first page at once, the next when the
// end of the list comes into sight (scrolling, or tabbing to the button "Weitere anzeigen", which also
// works with a click or Enter). Every entry says its place in the whole list (aria-posinset/-setsize),
// so a screen reader announces "12 of 4,968" although only the first entries are built.

import { categoryLabel } from "./data.js";
import { el } from "./dom.js";
import { t } from "./i18n.js";
import { formatKm } from "./nearby.js";

export const PAGE_SIZE = 100;

/** "Theme · postcode town · distance", the theme's name marked German when it has no translation. */
function subtitle(offer) {
  const category = offer.sub || offer.top;
  const place = [offer.postcode, offer.city].filter(Boolean).join(" ");
  const distance = offer.distance === undefined ? "" : formatKm(offer.distance); // "In meiner Nähe"
  return [category ? categoryLabel(category) : "", place, distance].filter(Boolean)
    .flatMap((part, n) => (n ? [" · ", part] : [part]));
}

export class ResultList {
  /**
   * @param {{list: HTMLUListElement, count: HTMLElement, showAll: HTMLElement, more: HTMLButtonElement}} ui
   * @param {(id: string) => void} onOpen
   */
  constructor(ui, onOpen) {
    this.ui = ui;
    this.onOpen = onOpen;
    this.offers = [];
    this.built = 0;
    // Keyboard: the button moves the focus to the first entry after those there were when it was
    // reached (scrolling it into view may already have built them).
    ui.more.addEventListener("focus", () => { this.focusFrom = this.built; });
    ui.more.addEventListener("click", () => {
      const from = this.focusFrom ?? this.built;
      this.focusFrom = null;
      while (this.built <= from && this.built < this.offers.length) this.more();
      const button = this.ui.list.children[from] && this.ui.list.children[from].querySelector("button");
      if (button) button.focus();
    });
    this.observer = "IntersectionObserver" in window
      ? new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) this.more();
      }, { rootMargin: "400px 0px" })
      : null;
    if (this.observer) this.observer.observe(ui.more);
  }

  _entry(offer, position) {
    const dot = el("span", { class: "dot", "aria-hidden": "true" });
    dot.style.backgroundColor = offer.color;
    const button = el("button", { type: "button", class: "result", dataset: { id: offer.id } },
      dot, el("span", { class: "result-text" }, el("span", { class: "result-name", lang: "de" }, offer.name),
        el("span", { class: "result-meta" }, subtitle(offer))));
    button.addEventListener("click", () => this.onOpen(offer.id));
    return el("li", { "aria-posinset": position, "aria-setsize": this.offers.length }, button);
  }

  /** Build the next page of entries. */
  more() {
    const start = this.built;
    const end = Math.min(this.offers.length, start + PAGE_SIZE);
    if (end <= start) return;
    const entries = [];
    for (let k = start; k < end; k += 1) entries.push(this._entry(this.offers[k], k + 1));
    this.ui.list.append(...entries);
    this.built = end;
    this._updateMore();
  }

  _updateMore() {
    const rest = this.offers.length - this.built;
    this.ui.more.hidden = rest <= 0;
    this.ui.more.textContent = rest > 0 ? t("results.more", { count: Math.min(rest, PAGE_SIZE), rest }) : "";
  }

  /** Show `visible` (already in display order) out of `matchedCount` offers. */
  render(visible, matchedCount) {
    const { list, count, showAll } = this.ui;
    const same = visible.length === this.offers.length && visible.every((o, k) => o === this.offers[k]);
    if (!same || list.childElementCount === 0) { // a map move that changes nothing keeps the entries (and focus)
      const focused = list.contains(document.activeElement) ? document.activeElement.dataset.id : null;
      this.offers = visible;
      this.built = 0;
      this.focusFrom = null;
      list.replaceChildren();
      this.more();
      // The entry that had the focus keeps it (the map moved, e.g. back after the details): else it
      // would fall to the page's body.
      if (focused) (this.reach(focused) || this.ui.list.closest("[tabindex]") || document.body).focus();
    }
    this._updateMore();
    count.dataset.visible = String(visible.length);
    count.dataset.matched = String(matchedCount);
    if (matchedCount === 0) count.textContent = t("results.none");
    else if (visible.length === matchedCount) count.textContent = t("results.count", { count: matchedCount });
    else count.textContent = t("results.inView", { count: matchedCount, visible: visible.length });
    showAll.hidden = visible.length === matchedCount || matchedCount === 0;
  }

  /** The entries are built again at the next render, in the page's language now (their themes' names). */
  translate() {
    this.offers = [];
  }

  /** The ids of the whole list, built or not, in order. */
  ids() {
    return this.offers.map((o) => o.id);
  }

  /** Build entries until the one of `id` exists; answers its button or null. */
  reach(id) {
    const at = this.offers.findIndex((o) => o.id === id);
    if (at < 0) return null;
    while (this.built <= at) this.more();
    return [...this.ui.list.querySelectorAll("button.result")].find((b) => b.dataset.id === id) || null;
  }
}
