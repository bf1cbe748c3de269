// The visitor's filters and which offers pass them.

import { matchesFacets } from "./facets.js";

/** A fresh filter state; `categories` holds top category and subcategory keys. */
export function emptyFilters() {
  return { query: "", categories: new Set(), municipality: "" };
}

export function isFiltered(filters) {
  return Boolean(filters.query.trim() || filters.categories.size || filters.municipality);
}

function matchesQuery(offer, matcher) {
  return !matcher || matcher(offer);
}

function matchesCategories(offer, selected) {
  return selected.size === 0 || selected.has(offer.category) || selected.has(offer.subcategory);
}

function matchesMunicipality(offer, key) {
  return !key || offer.places.has(key);
}

/** The offers that pass all filters; `matcher` tests the search (search.js), null when there is none; the
 *  parents' filters are `filters.facets` (see facets.js). */
export function applyFilters(offers, filters, matcher) {
  return offers.filter((o) => matchesQuery(o, matcher) && matchesCategories(o, filters.categories)
    && matchesMunicipality(o, filters.municipality)
    && matchesFacets(o.facet, filters.facets, filters.now, filters.OpeningHours));
}

/**
 * Counts per category key (top and sub) among the offers that pass the other filters (search,
 * municipality and the parents' filters), so each checkbox says how many offers it would add.
 */
export function categoryCounts(offers, filters, matcher) {
  const counts = new Map();
  for (const offer of offers) {
    if (!matchesQuery(offer, matcher) || !matchesMunicipality(offer, filters.municipality)
        || !matchesFacets(offer.facet, filters.facets, filters.now, filters.OpeningHours)) continue;
    counts.set(offer.category, (counts.get(offer.category) || 0) + 1);
    if (offer.subcategory) counts.set(offer.subcategory, (counts.get(offer.subcategory) || 0) + 1);
  }
  return counts;
}

/**
 * Toggle a category in the selection. A top category stands for all its subcategories: checking
 * it replaces any single subcategories; unchecking one subcategory of a checked top category keeps
 * the others; checking the last missing subcategory selects the top category instead.
 */
export function toggleCategory(selected, category, checked) {
  const next = new Set(selected);
  const top = category.parent || category;
  const subs = top.children.map((c) => c.key);
  if (category === top) {
    subs.forEach((key) => next.delete(key));
    if (checked) next.add(top.key);
    else next.delete(top.key);
    return next;
  }
  if (next.has(top.key)) {
    next.delete(top.key);
    subs.forEach((key) => next.add(key));
  }
  if (checked) next.add(category.key);
  else next.delete(category.key);
  if (subs.length && subs.every((key) => next.has(key))) {
    subs.forEach((key) => next.delete(key));
    next.add(top.key);
  }
  return next;
}

/** Keep only keys the catalogue knows (a shared link may be older than the catalogue). */
export function knownCategories(keys, categories) {
  return new Set([...keys].filter((key) => categories.has(key)));
}
