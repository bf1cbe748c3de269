// The details of one offer: address, contact links, opening hours, target groups and more.

import { categoryLabel } from "./data.js";
import { el } from "./dom.js";
import { formatDate, language, t } from "./i18n.js";
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

// Free text stays as the provider wrote it, in German: marked so (lang="de") for screen readers and
// translation tools on the English page. Fixed values (weekdays, known languages and accessibility
// terms) are translated where the English catalogue knows them; what it does not know stays marked.
// German weekdays and those of the OpenStreetMap opening_hours syntax (Mo Tu We Th Fr Sa Su).
const WEEKDAY = /\b(Mo|Di|Mi|Do|Fr|Sa|So|Tu|We|Th|Su)\b/g;

function german(text) {
  return el("span", { lang: "de" }, text);
}

function known(key) {
  return t(key) !== key;
}

/** Opening hours with the weekdays in the page's language ("Mo-Do" -> "Mon-Thu"). */
function hours(text) {
  if (language() === "de") return text;
  // Only days and times ("Mo-Do 08:30-16:00; Fr 08:30-12:30") are translated; with words besides
  // ("nach Vereinbarung") the text stays as written.
  if (/\p{L}/u.test(text.replace(WEEKDAY, ""))) return german(text);
  return text.replace(WEEKDAY, (day) => t(`weekday.${day}`));
}

/** A list of fixed values ("Deutsch, Arabisch"; "rollstuhlgerecht"), each translated when known. */
function values(text) {
  if (language() === "de") return text;
  const parts = String(text).split(/\s*,\s*/);
  return el("span", {}, parts.flatMap((part, n) => [n ? ", " : null,
    known(`value.${part}`) ? t(`value.${part}`) : known(`answer.${part}`) ? t(`answer.${part}`) : german(part)]));
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
  if (street || town) add("details.address", el("span", { lang: "de" }, street, street && town ? el("br") : null, town));
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
  if (hasValue(p.opening_hours)) add("details.openingHours", hours(p.opening_hours));
  if (hasValue(p.target_groups)) add("details.targetGroups", german(p.target_groups));
  add("details.ages", ages(p));
  if (hasValue(p.languages)) add("details.languages", values(p.languages));
  if (hasValue(p.accessibility)) add("details.accessibility", values(p.accessibility));
  if (hasValue(p.last_checked)) {
    add("details.lastChecked", el("time", { datetime: p.last_checked }, formatDate(p.last_checked)));
  }
  return out;
}

/** "Provider: <name>" with the name marked as written (German). */
function providerLine(provider) {
  const [before, after] = t("details.provider", { provider: "\u0000" }).split("\u0000");
  return [before, german(provider), after];
}

/** Fill the details article; the callbacks serve its buttons. */
export function renderDetails(article, offer, { onBack, onShowOnMap }) {
  const back = el("button", { type: "button", class: "back link-button" },
    el("span", { "aria-hidden": "true" }, "← "), t("details.back"));
  back.addEventListener("click", onBack);
  const swatch = el("span", { class: "dot", "aria-hidden": "true" });
  swatch.style.backgroundColor = offer.color;
  const kind = [offer.top, offer.sub].filter(Boolean).map(categoryLabel)
    .flatMap((label, n) => (n ? [" · ", label] : [label]));
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
    el("h2", { id: "details-name", tabindex: "-1", lang: "de" }, offer.name),
    el("p", { class: "kind" }, swatch, kind),
    hasValue(p.provider) ? el("p", { class: "provider" }, ...providerLine(p.provider)) : null,
    hasValue(p.description) ? el("p", { class: "description", lang: "de" }, p.description) : null,
    list,
    el("div", { class: "detail-actions" }, showOnMap, route),
    reportSection(offer),
  );
  article.dataset.id = offer.id;
}
