// The atlas's public data: the offers as compact marker rows (details on demand), the category
// catalogue and the municipalities with their territories (reprojected from ETRS89 / UTM 32N to WGS84
// with proj4).

import { API, getJson } from "./api.js";
import { el } from "./dom.js";
import { language, localName } from "./i18n.js";
import { polygonsContain, territoryContains } from "./places.js";

export { polygonsContain, territoryContains };

const UTM32 = "+proj=utm +zone=32 +ellps=GRS80 +units=m +no_defs";
export const FALLBACK_COLOR = "#8c8c8c"; // unknown categories, as in the QGIS plugin
const HEX_COLOR = /^#[0-9a-f]{6}$/i;

let municipalitiesPromise = null;

/**
 * The municipalities with their territories, loaded and reprojected once for the page: the offers map
 * and the expert mode share them, and the expert mode must not wait for the offers to get them.
 * A failed load is forgotten, so the next call tries again.
 */
export function loadMunicipalities() {
  if (!municipalitiesPromise) {
    municipalitiesPromise = getJson(API.municipalities).then(buildMunicipalities).catch((error) => {
      municipalitiesPromise = null;
      throw error;
    });
  }
  return municipalitiesPromise;
}

export async function loadAtlas() {
  const [markers, categoryRows, municipalities] = await Promise.all([
    getJson(API.offers), getJson(API.categories), loadMunicipalities()]);
  const categories = buildCategories(categoryRows);
  const column = Object.fromEntries(markers.fields.map((name, i) => [name, i]));
  const offers = markers.offers.map((row, index) => buildOffer(row, column, index, categories));
  return { offers, categories, municipalities };
}

/** All public properties of one offer (fetched when a visitor opens it; api.js keeps the answer). */
export async function loadDetails(id) {
  return (await getJson(API.offer(id))).properties || {};
}

// ------------------------------------------------------------------ categories

/**
 * key -> {key, name, name_de, name_en, keywords_de, keywords_en, color, parent, children}; `name` is the
 * name in the page's language (the German one when the catalogue has no English name); subcategories
 * take their top category's colour.
 */
function buildCategories(rows) {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const byKey = new Map();
  for (const row of rows) {
    const category = { key: row.key, name_de: row.name || row.key, name_en: row.name_en || "",
                       keywords_de: row.keywords_de || [], keywords_en: row.keywords_en || [], color: null,
                       parent: null, children: [], ownColor: HEX_COLOR.test(row.color || "") ? row.color : null,
                       parentId: row.parent_id };
    Object.defineProperty(category, "name", { enumerable: true, get: () => localName(category) });
    byKey.set(row.key, category);
  }
  for (const category of byKey.values()) {
    const parentRow = category.parentId === null ? null : byId.get(category.parentId);
    category.parent = parentRow ? byKey.get(parentRow.key) : null;
    if (category.parent) category.parent.children.push(category);
  }
  for (const category of byKey.values()) {
    const top = category.parent || category;
    category.color = category.ownColor || top.ownColor || FALLBACK_COLOR;
  }
  return byKey;
}

/** "de" when a category shows its German name on a page in another language (its `lang`), else null. */
export function nameLang(category) {
  return language() !== "de" && !category.name_en ? "de" : null;
}

/** A category's name as a text element, marked German (`lang`) when it stands in for a missing translation. */
export function categoryLabel(category) {
  return el("span", { lang: nameLang(category) }, category.name);
}

/** What the offers worker searches a category by: its names and search words, both languages. */
export function searchTerms(categories) {
  return [...categories.values()].map((c) => ({ key: c.key, name_de: c.name_de, name_en: c.name_en,
                                                keywords_de: c.keywords_de, keywords_en: c.keywords_en }));
}

export function topCategories(categories) {
  return [...categories.values()].filter((c) => c.parent === null);
}

// ------------------------------------------------------------------ municipalities

/** key -> {key, name, kind, parent, children, polygons ([lng, lat] rings), bounds}. */
function buildMunicipalities(rows) {
  const toWgs84 = window.proj4(UTM32, "WGS84");
  const byId = new Map(rows.map((row) => [row.id, row]));
  const byKey = new Map();
  for (const row of rows) {
    const polygons = territoryPolygons(row.territory, (xy) => toWgs84.forward([xy[0], xy[1]]));
    byKey.set(row.key, { key: row.key, name: row.name, kind: row.kind, parentId: row.parent_id, parent: null,
                         children: [], polygons, bbox: bbox(polygons) });
  }
  for (const m of byKey.values()) {
    const parentRow = m.parentId === null ? null : byId.get(m.parentId);
    m.parent = parentRow ? byKey.get(parentRow.key) : null;
    if (m.parent) m.parent.children.push(m);
  }
  return byKey;
}

function territoryPolygons(geometry, project) {
  if (!geometry) return [];
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates]
    : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
  return polygons.map((rings) => rings.map((ring) => ring.map(project)));
}

function bbox(polygons) {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const polygon of polygons) {
    for (const [x, y] of polygon[0] || []) {
      minX = Math.min(minX, x); minY = Math.min(minY, y); maxX = Math.max(maxX, x); maxY = Math.max(maxY, y);
    }
  }
  return minX <= maxX ? [minX, minY, maxX, maxY] : null;
}

export function rootMunicipality(municipalities) {
  return [...municipalities.values()].find((m) => m.parent === null) || null;
}

/** The municipality and all above it (Gemeinde, Samtgemeinde, Landkreis). */
export function withAncestors(municipality) {
  const keys = [];
  for (let m = municipality; m; m = m.parent) keys.push(m.key);
  return keys;
}

/** What the offers worker needs to place offers: the lowest-level territories and every ancestry. */
export function territoriesForWorker(municipalities) {
  const all = [...municipalities.values()];
  return {
    leaves: all.filter((m) => m.children.length === 0 && m.polygons.length)
      .map((m) => ({ key: m.key, bbox: m.bbox, polygons: m.polygons, keys: withAncestors(m) })),
    ancestry: all.map((m) => [m.key, withAncestors(m)]),
  };
}

// ------------------------------------------------------------------ offers

function buildOffer(row, column, index, categories) {
  const value = (name) => row[column[name]] ?? "";
  const sub = categories.get(value("subcategory")) || null;
  const top = categories.get(value("category")) || (sub && sub.parent) || null;
  return {
    id: String(value("id")),
    index,
    name: value("name"),
    lat: Number(value("lat")),
    lng: Number(value("lng")),
    category: top ? top.key : value("category"),
    subcategory: value("subcategory"),
    top,
    sub,
    color: (top && top.color) || FALLBACK_COLOR,
    owner: value("owner"),
    postcode: value("postcode"),
    city: value("city"),
    area: value("service_area"), // municipality keys it serves besides its own (places.js)
  };
}

/** The words the search finds an offer by without its search text: name, themes and town. */
export function markerText(offer) {
  return [offer.name, offer.top && offer.top.name, offer.sub && offer.sub.name, offer.postcode, offer.city]
    .filter(Boolean).join(" ");
}
