// The shareable state in the address bar, and the browser history of views.
// Offers: ?q=search&cat=key,key&gem=municipality&age=4&spoken=Arabisch&wheelchair=1&open=now&near=lat/lng
//         &offer=id&map=zoom/lat/lng&lang=de (age, spoken, wheelchair, open: the parents' filters, facets.js;
//         near: a place picked for "In meiner Nähe", never the browser's location of the visitor)
// Indicators: ?mode=expert&ind=indicator&level=gemeinde&year=2023&unit=key&cmp=key,key&cls=quantile&k=5
//             &map=zoom/lat/lng&lang=de
// Profile of a unit ("Steckbrief"): ?mode=profile&unit=key&lang=de
//
// A change of what is shown (mode, indicator, level, year, unit, comparison, classes, an opened offer, a
// profile) is a new history entry, so the browser's Back button steps back through the views instead of
// leaving the atlas; typing in a search field, filters and the language replace the current entry.

import { emptyFacets, readFacets } from "./facets.js";

const MODES = ["offers", "expert", "profile"];
// The parameters whose change makes a new history entry.
const VIEW_PARAMS = ["mode", "ind", "level", "year", "unit", "cmp", "cls", "k", "offer"];

function list(text) {
  return (text || "").split(",").map((s) => s.trim()).filter(Boolean);
}

/** The map's position in a link, "zoom/lat/lng" (as on openstreetmap.org), or null. */
function readMapView(text) {
  const parts = (text || "").split("/").map(Number);
  if (parts.length !== 3 || !parts.every(Number.isFinite)) return null;
  const [zoom, lat, lng] = parts;
  return Math.abs(lat) <= 90 && Math.abs(lng) <= 180 && zoom >= 0 && zoom <= 22 ? { zoom, lat, lng } : null;
}

/** A place in a link, "lat/lng", or null. */
function readPlace(text) {
  const parts = (text || "").split("/").map(Number);
  if (parts.length !== 2 || !parts.every(Number.isFinite)) return null;
  const [lat, lng] = parts;
  return Math.abs(lat) <= 90 && Math.abs(lng) <= 180 ? { lat, lng } : null;
}

/** "lat/lng" of a place, to about a metre. */
function placeText({ lat, lng }) {
  return `${lat.toFixed(5)}/${lng.toFixed(5)}`;
}

/** "zoom/lat/lng" of a map view, rounded to what the zoom can show. */
export function mapViewText({ zoom, lat, lng }) {
  const digits = Math.max(2, Math.min(6, Math.ceil(zoom / 3)));
  return `${zoom}/${lat.toFixed(digits)}/${lng.toFixed(digits)}`;
}

export function readUrl(location = window.location) {
  const params = new URLSearchParams(location.search);
  const year = Number.parseInt(params.get("year") || "", 10);
  const k = Number.parseInt(params.get("k") || "", 10);
  const mode = params.get("mode");
  return {
    query: params.get("q") || "",
    categories: new Set(list(params.get("cat"))),
    municipality: params.get("gem") || "",
    facets: readFacets({ age: params.get("age"), language: params.get("spoken"),
                         wheelchair: params.get("wheelchair"), open: params.get("open") }),
    near: readPlace(params.get("near")),
    offer: params.get("offer") || "",
    map: readMapView(params.get("map")),
    lang: params.get("lang") || "",
    mode: MODES.includes(mode) ? mode : "offers",
    profile: mode === "profile" ? params.get("unit") || "" : "",
    expert: {
      indicator: params.get("ind") || "",
      level: params.get("level") || "",
      year: Number.isFinite(year) ? year : null,
      unit: mode === "expert" ? params.get("unit") || "" : "",
      compare: mode === "expert" ? list(params.get("cmp")) : [],
      method: params.get("cls") || "",
      classes: Number.isFinite(k) ? k : null,
      map: mode === "expert" ? readMapView(params.get("map")) : null,
    },
  };
}

/**
 * The query string of a view: the offers' filters (with the parents' `facets` and the picked place `near`),
 * the indicator view (`expert`) or a profile.
 */
export function viewSearch({ filters = null, facets = emptyFacets(), near = null, offer = "", lang = "", expert = null,
                             profile = null, map = "" }) {
  const params = new URLSearchParams();
  if (profile !== null) {
    params.set("mode", "profile");
    if (profile) params.set("unit", profile);
  } else if (expert) {
    params.set("mode", "expert");
    const compare = (expert.compare || []).join(",");
    for (const [name, value] of [["ind", expert.indicator], ["level", expert.level], ["year", expert.year],
                                 ["unit", expert.unit], ["cmp", compare], ["cls", expert.method],
                                 ["k", expert.classes], ["map", expert.map]]) {
      if (value !== null && value !== undefined && value !== "") params.set(name, String(value));
    }
  } else if (filters) {
    if (filters.query.trim()) params.set("q", filters.query.trim());
    if (filters.categories.size) params.set("cat", [...filters.categories].sort().join(","));
    if (filters.municipality) params.set("gem", filters.municipality);
    if (facets.age !== null) params.set("age", String(facets.age));
    if (facets.language) params.set("spoken", facets.language);
    if (facets.wheelchair) params.set("wheelchair", "1");
    if (facets.open) params.set("open", facets.open);
    if (near) params.set("near", placeText(near));
    if (offer) params.set("offer", offer);
    if (map) params.set("map", map);
  }
  if (lang) params.set("lang", lang);
  const search = params.toString().replace(/%2C/gi, ",");
  return search ? `?${search}` : "";
}

/** True when going from one query string to the other changes the view (a new history entry). */
export function isNewView(fromSearch, toSearch) {
  const from = new URLSearchParams(fromSearch);
  const to = new URLSearchParams(toSearch);
  return VIEW_PARAMS.some((name) => (from.get(name) || "") !== (to.get(name) || ""));
}

/**
 * Write the state into the address bar: a new history entry when the view changed (unless `replace`),
 * else the current entry is updated (no entry per keystroke); with `sameViewOnly`, only the current
 * entry, and only when it shows the same view.
 */
export function writeUrl(state, { replace = false, sameViewOnly = false } = {}) {
  const search = viewSearch(state);
  const url = `${window.location.pathname}${search}${window.location.hash}`;
  if (url === `${window.location.pathname}${window.location.search}${window.location.hash}`) return;
  // A detail of the view shown (the map's position) never overwrites the entry of another view.
  if (sameViewOnly && isNewView(window.location.search, search)) return;
  if (!replace && isNewView(window.location.search, search)) window.history.pushState(null, "", url);
  else window.history.replaceState(null, "", url);
}
