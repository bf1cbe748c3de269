// The filters a parent needs beyond theme and place: the child's age, a language spoken, wheelchair
// access, open now or on a weekday. Pure functions over an offer's facets (the rows of
// /api/v1/public/offers/facets), used by the offers worker; opening hours are evaluated with the
// `opening_hours` library (OpenStreetMap's syntax, which staff enter and the server checks).

/** The weekdays of the "open on" choice, in OpenStreetMap's order of keys (Monday first). */
export const WEEKDAYS = ["mo", "tu", "we", "th", "fr", "sa", "su"];

/** A fresh state of these filters: nothing chosen. `open` is "", "now" or a key of WEEKDAYS. */
export function emptyFacets() {
  return { age: null, language: "", wheelchair: false, open: "" };
}

/** The child's age a filter accepts: whole years up to the layer's bound of age_min and age_max. */
export const MAX_AGE = 120;

/**
 * These filters from text (a link's parameters, the form's fields): {age, language, wheelchair, open},
 * each a string or null; what is not a valid choice is left unset.
 */
export function readFacets({ age, language, wheelchair, open }) {
  const text = String(age ?? "").trim();
  const years = Number(text);
  return {
    age: text !== "" && Number.isInteger(years) && years >= 0 && years <= MAX_AGE ? years : null,
    language: String(language ?? "").trim(),
    wheelchair: wheelchair === true || wheelchair === "1" || wheelchair === "true",
    open: open === "now" || WEEKDAYS.includes(open) ? open : "",
  };
}

export function facetsActive(facets) {
  return Boolean(facets && (facets.age !== null || facets.language || facets.wheelchair || facets.open));
}

/** The languages of a facet row's text ("Deutsch, Arabisch"), as they are written. */
export function languagesOf(text) {
  return String(text || "").split(/[,;/]| und /).map((s) => s.trim()).filter(Boolean);
}

/**
 * An offer's facets from a facet row: {ageMin, ageMax, names (its languages as written), languages (in
 * lower case), wheelchair, hours (the text)}. `hours` is parsed on first use (see openMatches).
 */
export function buildFacet(row) {
  return {
    ageMin: Number.isFinite(row.age_min) ? row.age_min : null,
    ageMax: Number.isFinite(row.age_max) ? row.age_max : null,
    names: languagesOf(row.languages), // as written, for the language filter's choices
    languages: new Set(languagesOf(row.languages).map((l) => l.toLowerCase())),
    wheelchair: row.wheelchair === true,
    hours: row.opening_hours || "",
    parsed: undefined,
  };
}

/** An offer without a facet row has none of the facets (an empty record). */
export const NO_FACET = Object.freeze(buildFacet({}));

// Public holidays in the opening hours ("PH off") are those of Lower Saxony.
const HOLIDAY_PLACE = { lat: 52.28, lon: 8.05, address: { country_code: "de", state: "Niedersachsen" } };

function parsedHours(facet, OpeningHours) {
  if (facet.parsed === undefined) {
    try {
      facet.parsed = facet.hours ? new OpeningHours(facet.hours, HOLIDAY_PLACE) : null;
    } catch {
      facet.parsed = null; // unreadable hours count as unknown: the offer is not shown as open
    }
  }
  return facet.parsed;
}

/** The start of the next `weekday` (a key of WEEKDAYS) from `now`, today included, local time. */
export function nextWeekday(weekday, now) {
  const day = new Date(now);
  day.setHours(0, 0, 0, 0);
  const wanted = (WEEKDAYS.indexOf(weekday) + 1) % 7; // Date: Sunday is 0
  day.setDate(day.getDate() + ((wanted - day.getDay() + 7) % 7));
  return day;
}

function openMatches(facet, open, now, OpeningHours) {
  if (!OpeningHours) return false; // the library did not load: nothing counts as open
  const hours = parsedHours(facet, OpeningHours);
  if (!hours) return false;
  if (open === "now") return hours.getState(new Date(now));
  const from = nextWeekday(open, now);
  const to = new Date(from);
  to.setDate(to.getDate() + 1);
  return hours.getOpenIntervals(from, to).length > 0;
}

/**
 * Whether an offer's facet passes the chosen filters. An offer that gives no age range suits every age;
 * one that names no languages, no wheelchair access or no opening hours does not pass that filter.
 * @param {object} facet see buildFacet
 * @param {object} facets see emptyFacets
 * @param {number} now the page's clock (ms), so "open now" means the visitor's now
 * @param {Function|null} OpeningHours the library's constructor (loaded when an `open` filter is set)
 */
export function matchesFacets(facet, facets, now, OpeningHours) {
  if (!facetsActive(facets)) return true;
  const f = facet || NO_FACET;
  if (facets.age !== null && ((f.ageMin !== null && facets.age < f.ageMin)
                              || (f.ageMax !== null && facets.age > f.ageMax))) return false;
  if (facets.language && !f.languages.has(facets.language.toLowerCase())) return false;
  if (facets.wheelchair && !f.wheelchair) return false;
  if (facets.open && !openMatches(f, facets.open, now, OpeningHours)) return false;
  return true;
}
