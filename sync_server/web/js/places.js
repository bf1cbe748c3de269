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
