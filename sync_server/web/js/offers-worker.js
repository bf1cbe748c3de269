// The offers map's worker: filters, counts and clusters the offers off the main thread, so the page
// never freezes however many offers the county publishes. Clusters come from supercluster (a static
// k-d tree per zoom level), rebuilt for every filter; the page asks only for what is in its view.
// Messages are answered in the order they came (each waits for the one before).

import "/vendor/supercluster/supercluster.min.js"; // a UMD file: sets self.Supercluster
import { NO_FACET, buildFacet, facetsActive } from "./facets.js";
import { applyFilters, categoryCounts } from "./filters.js";
import { descendants, distanceKm, homeOf, servedPlaces } from "./places.js";
import { OfferSearch, suggestions } from "./search.js";
import { fold } from "./text.js";

// Points stay clustered up to this zoom; above it each offer is its own marker (the page spreads
// offers that share a building). The radius is the one leaflet.markercluster used (pixels).
const CLUSTER_MAX_ZOOM = 17;
const CLUSTER_RADIUS = 48;
const MIN_ZOOM = 5;
// The English names of fixed field values ("value.Arabisch": "Arabic") come from the page's English
// message catalogue: "Arabic" finds "Arabisch" whichever language the page shows.
const VALUE_NAMES_URL = "/assets/i18n/en.json";
const VALUE_PREFIX = "value.";

const state = {
  offers: [], // {category, subcategory, places, text, lng, lat, color}
  searchText: null, // Promise: resolves once the search text is folded into `offers[i].text` (see prepareSearch)
  index: null,
  matched: null,
  search: new OfferSearch(),
  categories: [], // {key, name_de, name_en, keywords_de, keywords_en}
  facets: null, // Promise: resolves once the facet rows are in `offers[i].facet` (see loadFacets)
  hours: null, // Promise of the opening_hours library's constructor, loaded at the first "open" filter
};

async function loadValueNames() {
  try {
    const response = await fetch(VALUE_NAMES_URL, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`${VALUE_NAMES_URL}: HTTP ${response.status}`);
    const messages = await response.json();
    return Object.entries(messages).filter(([key, value]) => key.startsWith(VALUE_PREFIX) && typeof value === "string")
      .map(([key, value]) => [key.slice(VALUE_PREFIX.length), value]);
  } catch (error) {
    console.warn("Familienatlas: the English value names could not be loaded", error);
    return [];
  }
}

function setTerms(values) {
  state.search.setTerms(state.categories.map((c) => ({
    key: c.key, names: [c.name_de, c.name_en].filter(Boolean), keywords: [...c.keywords_de, ...c.keywords_en],
  })), values);
}

/** The parents' filters read each offer's facets (ages, languages, wheelchair, hours): loaded once. */
function loadFacets() {
  if (!state.facets) {
    state.facets = fetch(state.facetsUrl, { headers: { Accept: "application/json" } })
      .then((response) => {
        if (!response.ok) throw new Error(`${state.facetsUrl}: HTTP ${response.status}`);
        return response.json();
      })
      .then((doc) => {
        const at = new Map(state.ids.map((id, i) => [id, i]));
        for (const row of doc.offers) {
          const i = at.get(String(row[0]));
          if (i === undefined) continue;
          state.offers[i].facet = buildFacet(Object.fromEntries(doc.fields.map((f, k) => [f, row[k]])));
        }
      })
      .catch((error) => {
        // The next use tries again; meanwhile no offer has facets, so these filters find nothing.
        state.facets = null;
        console.warn("Familienatlas: the data of the filters for parents could not be loaded", error);
      });
  }
  return state.facets;
}

/** The opening_hours library (OpenStreetMap's syntax) and its one dependency, as globals of this worker. */
function loadHours() {
  if (!state.hours) {
    state.hours = import("/vendor/suncalc/suncalc.cjs")
      .then(() => import("/vendor/opening_hours/opening_hours.js"))
      .then(() => self.opening_hours)
      .catch((error) => {
        state.hours = null; // the next use tries again; meanwhile no offer counts as open
        console.warn("Familienatlas: the opening hours library could not be loaded", error);
        return null;
      });
  }
  return state.hours;
}

async function loadSearchText(url, ids) {
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const doc = await response.json();
    const at = new Map(ids.map((id, i) => [id, i]));
    for (const [id, text] of doc.offers) {
      const i = at.get(String(id));
      if (i !== undefined) state.offers[i].text = fold(`${state.offers[i].text} ${text}`);
    }
  } catch (error) {
    // The search then finds offers by name, theme and town only; the map works on.
    console.warn("Familienatlas: the search text could not be loaded", error);
  }
  setTerms(await loadValueNames());
  state.search.setOffers(state.offers);
  state.search.prepareTypos();
}

/** Take the offers and the category catalogue (names and search words, both languages); answers the
 *  zoom up to which it clusters and each offer's home municipality. */
function init({ offers, categories, leaves, ancestry, searchUrl, facetsUrl }) {
  const parents = new Map(ancestry);
  const below = descendants(parents);
  const placesByHome = new Map();
  const homes = offers.map((o) => homeOf(o.lng, o.lat, o.owner, leaves));
  state.offers = offers.map((o, i) => {
    if (!placesByHome.has(homes[i])) placesByHome.set(homes[i], new Set(parents.get(homes[i]) || []));
    // An offer with a service area counts for every municipality it serves too (its own set).
    const places = o.area ? new Set([...placesByHome.get(homes[i]), ...servedPlaces(o.area, parents, below)])
      : placesByHome.get(homes[i]);
    return { i, name: o.name, folded: fold(o.name), category: o.category, subcategory: o.subcategory, lng: o.lng,
             lat: o.lat, color: o.color, text: fold(o.text), places, facet: NO_FACET };
  });
  state.categories = categories;
  setTerms([]);
  state.search.setOffers(state.offers);
  state.searchUrl = searchUrl;
  state.facetsUrl = facetsUrl;
  state.ids = offers.map((o) => o.id);
  return { clusterMaxZoom: CLUSTER_MAX_ZOOM, homes };
}

/** Start loading the search text (once): when the offers map is shown, or at the first search. */
function prepareSearch() {
  if (!state.searchText) state.searchText = loadSearchText(state.searchUrl, state.ids);
  return {};
}

function buildIndex(mask) {
  const points = [];
  state.offers.forEach((o, i) => {
    if (mask[i]) points.push({ type: "Feature", properties: { i, c: o.color },
                               geometry: { type: "Point", coordinates: [o.lng, o.lat] } });
  });
  // Each cluster counts its offers per colour (flat numeric keys: supercluster copies shallowly).
  state.index = new self.Supercluster({
    radius: CLUSTER_RADIUS, maxZoom: CLUSTER_MAX_ZOOM, minZoom: MIN_ZOOM,
    map: (p) => ({ [`c${p.c}`]: 1 }),
    reduce: (acc, p) => {
      for (const key of Object.keys(p)) if (key[0] === "c" && key !== "cluster") acc[key] = (acc[key] || 0) + p[key];
    },
  }).load(points);
}

/** The filters as filters.js reads them and the search's matcher (null without a search); waits for the
 *  search text, facets and hours library they need. */
async function wantedFilters(filters) {
  const query = filters.query || "";
  if (query.trim()) {
    prepareSearch();
    await state.searchText;
  }
  const facets = filters.facets || null;
  if (facetsActive(facets)) await loadFacets();
  const OpeningHours = facets && facets.open ? await loadHours() : null;
  const wanted = { categories: new Set(filters.categories), municipality: filters.municipality || "", facets,
                   now: filters.now || Date.now(), OpeningHours };
  // The search is tested once per offer; the filter and the theme counts read the answer.
  const search = state.search.matcher(query);
  const passes = search && Uint8Array.from(state.offers, (o) => (search(o) ? 1 : 0));
  return { wanted, matcher: passes && ((o) => passes[o.i] === 1) };
}

async function filter({ filters }) {
  const { wanted, matcher } = await wantedFilters(filters);
  const mask = new Uint8Array(state.offers.length);
  for (const o of applyFilters(state.offers, wanted, matcher)) mask[o.i] = 1;
  state.matched = mask;
  buildIndex(mask);
  return { mask, counts: [...categoryCounts(state.offers, wanted, matcher)] };
}

/** Suggestions for the search field (search.js suggestions). */
function suggest({ query, lang }) {
  return { items: suggestions(query, state.categories, state.offers, lang) };
}

/**
 * The `n` offers nearest to a point that pass the filters without the municipality: what the page offers
 * when nothing passes in the chosen municipality. Answers [{i, km}], nearest first.
 */
async function nearest({ filters, lng, lat, n }) {
  const { wanted, matcher } = await wantedFilters({ ...filters, municipality: "" });
  return {
    offers: applyFilters(state.offers, wanted, matcher).map((o) => ({ i: o.i, km: distanceKm(lat, lng, o.lat, o.lng) }))
      .sort((a, b) => a.km - b.km).slice(0, n),
  };
}

/** The languages the offers name, with how many offers name each (most first): the language filter's choices. */
async function languages() {
  await loadFacets();
  const counts = new Map();
  for (const o of state.offers) {
    for (const name of o.facet.names) counts.set(name, (counts.get(name) || 0) + 1);
  }
  return { languages: [...counts].sort((a, b) => b[1] - a[1]) };
}

/** What to draw in a view: clusters {lng, lat, n, id, colors} and single offers {lng, lat, i}. */
function clusters({ bbox, zoom }) {
  if (!state.index) return { items: [] };
  const z = Math.max(MIN_ZOOM, Math.floor(zoom));
  const items = state.index.getClusters(bbox, z).map((f) => {
    const [lng, lat] = f.geometry.coordinates;
    const p = f.properties;
    if (!p.cluster) return { lng, lat, i: p.i };
    const colors = Object.keys(p).filter((k) => k[0] === "c" && k !== "cluster" && k !== "cluster_id")
      .map((k) => [k.slice(1), p[k]]);
    return { lng, lat, n: p.point_count, id: p.cluster_id, colors };
  });
  return { items };
}

/** The offers' indexes in the order of their names in `lang` (ä next to a, 2 before 10). */
function sort({ lang }) {
  const collator = new Intl.Collator(lang, { sensitivity: "base", numeric: true });
  const order = Int32Array.from(state.offers.keys());
  order.sort((a, b) => collator.compare(state.offers[a].name, state.offers[b].name));
  return { order };
}

/** The zoom at which a cluster falls apart. */
function expand({ cluster }) {
  return { zoom: state.index.getClusterExpansionZoom(cluster) };
}

/** The smallest zoom from `from` on at which offer `i` is a marker of its own. */
function reveal({ i, from }) {
  const o = state.offers[i];
  if (!state.index || !state.matched || !state.matched[i]) return { zoom: null };
  const e = 1e-7;
  for (let z = Math.max(MIN_ZOOM, Math.floor(from)); z <= CLUSTER_MAX_ZOOM; z += 1) {
    const alone = state.index.getClusters([o.lng - e, o.lat - e, o.lng + e, o.lat + e], z)
      .some((f) => !f.properties.cluster && f.properties.i === i);
    if (alone) return { zoom: z };
  }
  return { zoom: CLUSTER_MAX_ZOOM + 1 };
}

const handlers = { init, prepareSearch, filter, suggest, sort, clusters, expand, reveal, nearest, languages };
let queue = Promise.resolve();

self.onmessage = (event) => {
  const { id, type, ...args } = event.data;
  queue = queue.then(async () => {
    try {
      const result = await handlers[type](args);
      const transfer = [result && result.mask, result && result.order].filter(Boolean).map((a) => a.buffer);
      self.postMessage({ id, result }, transfer);
    } catch (error) {
      self.postMessage({ id, error: String(error && error.stack || error) });
    }
  });
};
