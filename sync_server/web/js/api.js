// The public API's answers, fetched once per page and shared by URL: the first module of the page
// (early.js) starts the requests a view needs while the rest of the page still loads, and the modes
// that draw the view later get the same promises instead of asking again.

export const API = {
  offers: "/api/v1/public/offers", // compact marker rows (domain/offers.py)
  offerSearch: "/api/v1/public/offers/search",
  offerFacets: "/api/v1/public/offers/facets", // what the parents' filters read
  offer: (id) => `/api/v1/public/offers/${encodeURIComponent(id)}`,
  categories: "/api/v1/categories",
  municipalities: "/api/v1/municipalities",
  catalogue: "/api/v1/indicators",
  values: (key, level) => `/api/v1/indicators/${encodeURIComponent(key)}/values?level=${encodeURIComponent(level)}`,
  ortsteile: "/api/v1/public/spatial_units",
  units: (level) => `/api/v1/units?level=${encodeURIComponent(level)}`, // simplified for the web, with parents
};

// The spatial levels of the expert mode, the first one chosen when a permalink names none.
export const LEVEL_ORDER = ["gemeinde", "mitgliedsgemeinde", "ortsteil", "landkreis"];
export const COUNTY_LEVEL = "landkreis";

async function fetchJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

// Answers by URL, kept for the page's life (the values of one indicator and level hold all years);
// a failed request is forgotten, so choosing again retries it.
const answers = new Map();

export function getJson(url) {
  if (!answers.has(url)) {
    answers.set(url, fetchJson(url).catch((error) => {
      answers.delete(url);
      throw error;
    }));
  }
  return answers.get(url);
}

/** Start a request whose answer is wanted later; its failure is reported by the later use. */
export function prefetchJson(url) {
  getJson(url).catch(() => {});
}

/**
 * Start loading what the view of a permalink needs: the expert mode's catalogue, the units of its
 * level (simplified shapes; the territories wait until the map is drawn), the indicator's values (all
 * years) of its level and of the county; or the offers and their categories and territories (a
 * profile: and the catalogue and the Ortsteile; its unit's values wait for profile.js, which knows
 * whether the unit exists).
 */
export function prefetchView(mode, expert) {
  if (mode !== "expert") {
    prefetchJson(API.municipalities);
    prefetchJson(API.offers);
    prefetchJson(API.categories);
    if (mode === "profile") for (const url of [API.catalogue, API.ortsteile]) prefetchJson(url);
    return;
  }
  prefetchJson(API.catalogue);
  prefetchJson(API.units(expert.level || LEVEL_ORDER[0]));
  if (!expert.indicator) return;
  for (const level of new Set([expert.level || LEVEL_ORDER[0], COUNTY_LEVEL])) {
    prefetchJson(API.values(expert.indicator, level));
  }
}
