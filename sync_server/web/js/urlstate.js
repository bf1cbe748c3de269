// The shareable state in the address bar, and the browser history of views.
// Offers: ?q=search&cat=key,key&gem=municipality&offer=id&map=zoom/lat/lng&lang=de
// Indicators: ?mode=expert&ind=indicator&level=gemeinde&year=2023&unit=key&cmp=key,key&cls=quantile&k=5
//             &map=zoom/lat/lng&lang=de
// Profile of a unit ("Steckbrief"): ?mode=profile&unit=key&lang=de
//
// A change of what is shown (mode, indicator, level, year, unit, comparison, classes, an opened offer, a
// profile) is a new history entry, so the browser's Back button steps back through the views instead of
// leaving the atlas; typing in a search field, filters and the language replace the current entry.

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

/** The query string of a view: the offers' filters, the indicator view (`expert`) or a profile. */
export function viewSearch({ filters = null, offer = "", lang = "", expert = null, profile = null, map = "" }) {
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
