// Where a point lies among the municipalities' territories: pure functions, used by the page and by
// the offers worker (no DOM, no libraries).

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

/** Whether {bbox, polygons} (WGS84 [lng, lat] rings) holds the point. */
export function territoryContains(municipality, lng, lat) {
  const box = municipality.bbox;
  if (!box || lng < box[0] || lng > box[2] || lat < box[1] || lat > box[3]) return false;
  return polygonsContain(municipality.polygons, lng, lat);
}

/**
 * The key of the municipality an offer counts for: the lowest-level one whose territory holds its
 * point, else (an offer digitised on a border, outside every territory) its owner.
 * @param {{key: string, bbox: number[], polygons: number[][][][]}[]} leaves the lowest level
 */
export function homeOf(lng, lat, owner, leaves) {
  const home = leaves.find((m) => territoryContains(m, lng, lat));
  return home ? home.key : owner;
}

/** The keys of a service area's text ("03459019, 03459020"; the county's key: the whole county). */
export function areaKeys(text) {
  return String(text || "").split(",").map((key) => key.trim()).filter(Boolean);
}

/**
 * Where an offer counts besides its home: every municipality its service area names, those above them
 * (an offer serving a member municipality is found under its Samtgemeinde) and those below them (one
 * serving the county is found under every municipality). Unknown keys are passed over.
 * @param {string} area the offer's service area
 * @param {Map<string, string[]>} parents key -> the key and those above it
 * @param {Map<string, string[]>} below key -> the keys below it
 */
export function servedPlaces(area, parents, below) {
  const keys = new Set();
  for (const key of areaKeys(area)) {
    if (!parents.has(key)) continue;
    for (const up of parents.get(key)) keys.add(up);
    for (const down of below.get(key) || []) keys.add(down);
  }
  return keys;
}

/** key -> the keys below it, from each key's ancestry (key -> the key and those above it). */
export function descendants(parents) {
  const below = new Map();
  for (const [key, ancestors] of parents) {
    for (const up of ancestors) {
      if (up === key) continue;
      if (!below.has(up)) below.set(up, []);
      below.get(up).push(key);
    }
  }
  return below;
}

/** The distance between two points in kilometres (great circle on a sphere of the earth's mean radius). */
export function distanceKm(lat1, lng1, lat2, lng2) {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2
    + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lng2 - lng1) * rad) / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(a)));
}
