// The atlas's public data: published institutions, the category catalogue and the municipalities
// with their territories (reprojected from ETRS89 / UTM 32N to WGS84 with proj4).

import { API, getJson } from "./api.js";
import { fold } from "./text.js";

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
  const [collection, categoryRows, municipalities] = await Promise.all([
    getJson(API.institutions), getJson(API.categories), loadMunicipalities()]);
  const categories = buildCategories(categoryRows);
  const offers = (collection.features || [])
    .filter((f) => f.geometry && f.geometry.type === "Point")
    .map((f) => buildOffer(f, categories, municipalities));
  return { offers, categories, municipalities };
}

// ------------------------------------------------------------------ categories

/** key -> {key, name, color, parent, children}; subcategories take their top category's colour. */
function buildCategories(rows) {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const byKey = new Map();
  for (const row of rows) {
    byKey.set(row.key, { key: row.key, name: row.name || row.key, color: null, parent: null, children: [],
                         ownColor: HEX_COLOR.test(row.color || "") ? row.color : null, parentId: row.parent_id });
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
function withAncestors(municipality) {
  const keys = [];
  for (let m = municipality; m; m = m.parent) keys.push(m.key);
  return keys;
}

function ringContains(ring, x, y) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** True when the point lies in one of the polygons ([lng, lat] rings, the first outer, the rest holes). */
export function polygonsContain(polygons, lng, lat) {
  return polygons.some(([outer, ...holes]) =>
    outer && ringContains(outer, lng, lat) && !holes.some((hole) => ringContains(hole, lng, lat)));
}

export function territoryContains(municipality, lng, lat) {
  const box = municipality.bbox;
  if (!box || lng < box[0] || lng > box[2] || lat < box[1] || lat > box[3]) return false;
  return polygonsContain(municipality.polygons, lng, lat);
}

/**
 * Where an offer is: the municipality whose territory holds its point (the lowest level) and all
 * above it; an offer outside every territory (digitised on a border) counts for its owner.
 */
function placesOf(lng, lat, owner, municipalities) {
  const leaves = [...municipalities.values()].filter((m) => m.children.length === 0);
  const home = leaves.find((m) => territoryContains(m, lng, lat)) || municipalities.get(owner);
  return new Set(home ? withAncestors(home) : []);
}

// ------------------------------------------------------------------ offers

function buildOffer(feature, categories, municipalities) {
  const p = feature.properties || {};
  const [lng, lat] = feature.geometry.coordinates;
  const sub = categories.get(p.subcategory) || null;
  const top = categories.get(p.category) || (sub && sub.parent) || null;
  const searchable = [p.name, p.provider, top && top.name, sub && sub.name, p.street, p.postcode, p.city,
                      p.description, p.target_groups];
  return {
    id: String(feature.id),
    props: p,
    name: p.name || "",
    lat,
    lng,
    category: top ? top.key : p.category || "",
    subcategory: p.subcategory || "",
    top,
    sub,
    color: (top && top.color) || FALLBACK_COLOR,
    text: fold(searchable.filter(Boolean).join(" ")),
    places: placesOf(lng, lat, p.owner, municipalities),
  };
}
