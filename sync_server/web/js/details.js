// The details of one offer: address, contact links, opening hours, target groups and more.

import { el } from "./dom.js";
import { formatDate, t } from "./i18n.js";
import { reportSection } from "./report.js";
import { hasValue, mailtoHref, telHref, websiteHref, websiteLabel } from "./text.js";

function ages(p) {
  const min = Number.isFinite(p.age_min) ? p.age_min : null;
  const max = Number.isFinite(p.age_max) ? p.age_max : null;
  if (min !== null && max !== null) return t("details.ageRange", { min, max });
  if (min !== null) return t("details.ageFrom", { min });
  if (max !== null) return t("details.ageTo", { max });
  return null;
}

function link(href, text, external = false) {
  return el("a", { href, target: external ? "_blank" : null, rel: external ? "noopener noreferrer" : null }, text);
}

function rows(offer) {
  const p = offer.props;
  const out = [];
  const add = (key, value) => {
    if (value !== null && value !== undefined && value !== "") out.push([t(key), value]);
  };
  const street = hasValue(p.street) ? p.street : null;
  const town = [p.postcode, p.city].filter(hasValue).join(" ");
  if (street || town) add("details.address", el("span", {}, street, street && town ? el("br") : null, town));
  if (hasValue(p.phone)) {
    const href = telHref(p.phone);
    add("details.phone", href ? link(href, p.phone) : p.phone);
  }
  if (hasValue(p.email)) {
    const href = mailtoHref(p.email);
    add("details.email", href ? link(href, p.email) : p.email);
  }
  if (hasValue(p.website)) {
    const href = websiteHref(p.website);
    add("details.website", href ? link(href, websiteLabel(href), true) : p.website);
  }
  if (hasValue(p.opening_hours)) add("details.openingHours", p.opening_hours);
  if (hasValue(p.target_groups)) add("details.targetGroups", p.target_groups);
  add("details.ages", ages(p));
  if (hasValue(p.languages)) add("details.languages", p.languages);
  if (hasValue(p.accessibility)) add("details.accessibility", p.accessibility);
  if (hasValue(p.last_checked)) {
    add("details.lastChecked", el("time", { datetime: p.last_checked }, formatDate(p.last_checked)));
  }
  return out;
}

/** Fill the details article; the callbacks serve its buttons. */
export function renderDetails(article, offer, { onBack, onShowOnMap }) {
  const back = el("button", { type: "button", class: "back link-button" },
    el("span", { "aria-hidden": "true" }, "← "), t("details.back"));
  back.addEventListener("click", onBack);
  const swatch = el("span", { class: "dot", "aria-hidden": "true" });
  swatch.style.backgroundColor = offer.color;
  const kind = [offer.top && offer.top.name, offer.sub && offer.sub.name].filter(Boolean).join(" · ");
  const list = el("dl", { class: "facts" },
    rows(offer).flatMap(([term, value]) => [el("dt", {}, term), el("dd", {}, value)]));
  const showOnMap = el("button", { type: "button", class: "secondary" }, t("details.showOnMap"));
  showOnMap.addEventListener("click", onShowOnMap);
  const route = link(`https://www.openstreetmap.org/directions?to=${offer.lat.toFixed(6)}%2C${offer.lng.toFixed(6)}`,
    t("details.route"), true);
  route.classList.add("route");
  const p = offer.props;
  article.replaceChildren(
    back,
    el("h2", { id: "details-name", tabindex: "-1" }, offer.name),
    el("p", { class: "kind" }, swatch, kind),
    hasValue(p.provider) ? el("p", { class: "provider" }, t("details.provider", { provider: p.provider })) : null,
    hasValue(p.description) ? el("p", { class: "description" }, p.description) : null,
    list,
    el("div", { class: "detail-actions" }, showOnMap, route),
    reportSection(offer),
  );
  article.dataset.id = offer.id;
}
