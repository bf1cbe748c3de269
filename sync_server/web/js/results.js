// The result list beside the map: the filtered offers inside the current map view.

import { el } from "./dom.js";
import { compareNames, t } from "./i18n.js";

export function sortOffers(offers) {
  return [...offers].sort((a, b) => compareNames(a.name, b.name));
}

function subtitle(offer) {
  const kind = offer.sub ? offer.sub.name : offer.top ? offer.top.name : "";
  const place = [offer.props.postcode, offer.props.city].filter(Boolean).join(" ");
  return [kind, place].filter(Boolean).join(" · ");
}

function entry(offer, onOpen) {
  const dot = el("span", { class: "dot", "aria-hidden": "true" });
  dot.style.backgroundColor = offer.color;
  const button = el("button", { type: "button", class: "result", dataset: { id: offer.id } },
    dot, el("span", { class: "result-text" }, el("span", { class: "result-name" }, offer.name),
      el("span", { class: "result-meta" }, subtitle(offer))));
  button.addEventListener("click", () => onOpen(offer.id));
  return el("li", {}, button);
}

/**
 * Show `visible` (already in display order) out of `matched` offers.
 * @returns {void}
 */
export function renderResults({ list, count, showAll }, visible, matchedCount, onOpen) {
  list.replaceChildren(...visible.map((offer) => entry(offer, onOpen)));
  count.dataset.visible = String(visible.length);
  count.dataset.matched = String(matchedCount);
  if (matchedCount === 0) count.textContent = t("results.none");
  else if (visible.length === matchedCount) count.textContent = t("results.count", { count: matchedCount });
  else count.textContent = t("results.inView", { count: matchedCount, visible: visible.length });
  showAll.hidden = visible.length === matchedCount || matchedCount === 0;
}
