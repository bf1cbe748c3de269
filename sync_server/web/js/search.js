// The offers' text search, as the worker runs it: what a visitor means, not only what was written.
// A query matches an offer when every word of it does; a word matches
//  - the offer's text (name, themes, town, provider, address, description, target groups, languages,
//    accessibility; folded, see text.js fold), or
//  - a term of the catalogue: a category's names (German, English) and its search words, which the
//    county's admin keeps ("Tagesmutter" finds the Kindertagespflege, "Jugendamt" the parenting
//    counselling); a top category's term finds its subcategories' offers too, or
//  - an English name of a fixed value ("Arabic" finds offers whose languages say "Arabisch"), or
//  - with a typo: a word of five letters or more that matches nothing at all is compared with every
//    word the offers and terms contain; one typo is forgiven (two from nine letters on), so
//    "Schuldnerberatng" finds the Schuldnerberatung. Typos are assumed only when nothing matches, so
//    a correct word never pulls in look-alikes.

import { fold, queryWords } from "./text.js";

const WORD = /[^\p{L}\p{N}]+/u;
export const MAX_SUGGESTIONS = 8;
const MAX_PLACES = 3; // municipalities among the suggestions, before the themes and offers

/** How many typos a query word may have: none below five letters, one up to eight, then two. */
export function allowedTypos(word) {
  return word.length < 5 ? 0 : word.length < 9 ? 1 : 2;
}

/**
 * The optimal-string-alignment distance of `a` and `b` (insertions, deletions, substitutions and
 * swaps of neighbours cost one), or `max + 1` as soon as it must exceed `max`.
 */
export function editDistance(a, b, max) {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before = null;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
      if (before && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    before = previous;
    previous = row;
  }
  return previous[b.length];
}

export class OfferSearch {
  constructor() {
    this.offers = []; // {text, category, subcategory, name}
    this.terms = []; // {text, categories: [key], words: [folded text words], label, key}
    this.vocabulary = null; // Map: word -> terms with that word (built at the first typo)
  }

  /** The offers to search (their `text` folded); call again when their text grows. */
  setOffers(offers) {
    this.offers = offers;
    this.vocabulary = null;
  }

  /**
   * The catalogue's terms: `categories` as {key, names: [], keywords: []} (both languages), `values`
   * as [German value, English name] pairs of fixed field values.
   */
  setTerms(categories, values) {
    this.terms = [
      ...categories.map((c) => ({ text: fold([...c.names, ...c.keywords].join(" | ")), categories: [c.key], words: [] })),
      ...values.map(([german, english]) => ({ text: fold(english), categories: [], words: [fold(german)] })),
    ];
    this.vocabulary = null;
  }

  /** Build the word list for typos now (the worker does once the search text is in), not at the
   *  first typo a visitor makes. */
  prepareTypos() {
    this._vocabulary();
  }

  _vocabulary() {
    if (!this.vocabulary) {
      const words = new Map();
      const add = (word, term) => {
        if (!word) return;
        if (!words.has(word)) words.set(word, []);
        if (term) words.get(word).push(term);
      };
      for (const offer of this.offers) for (const word of offer.text.split(WORD)) add(word, null);
      for (const term of this.terms) for (const word of term.text.split(WORD)) add(word, term);
      this.vocabulary = words;
    }
    return this.vocabulary;
  }

  /** What one query word stands for: categories whose offers match, and texts to look for. */
  _meaning(word) {
    const categories = new Set();
    const texts = [word];
    const use = (term) => {
      term.categories.forEach((key) => categories.add(key));
      texts.push(...term.words);
    };
    this.terms.filter((term) => term.text.includes(word)).forEach(use);
    const typos = allowedTypos(word);
    if (categories.size || texts.length > 1 || !typos || this.offers.some((o) => o.text.includes(word))) {
      return { categories, texts };
    }
    for (const [candidate, terms] of this._vocabulary()) {
      if (editDistance(word, candidate, typos) <= typos) {
        texts.push(candidate);
        terms.forEach(use);
      }
    }
    return { categories, texts };
  }

  /** A test of offers for `query`, or null when it has no words (every offer matches). */
  matcher(query) {
    const meanings = queryWords(query).map((word) => this._meaning(word));
    if (!meanings.length) return null;
    return (offer) => meanings.every(({ categories, texts }) => categories.has(offer.category)
      || categories.has(offer.subcategory) || texts.some((text) => offer.text.includes(text)));
  }
}

/** Whether `text` or one of its words begins with `wanted` (folded). */
function begins(text, wanted) {
  const folded = fold(text);
  return folded.startsWith(wanted) || folded.split(WORD).some((w) => w.startsWith(wanted));
}

/**
 * The municipalities whose name (or a word of it) begins with what was typed ("Mel": Melle), in the
 * given order: {kind: "place", label, key, lang}; taking one chooses it as the place filter.
 * @param {string} query
 * @param {{key: string, name: string}[]} places
 */
export function placeSuggestions(query, places) {
  const wanted = fold(query);
  if (wanted.length < 2) return [];
  return places.filter((p) => begins(p.name, wanted)).slice(0, MAX_PLACES)
    .map((p) => ({ kind: "place", label: p.name, key: p.key, lang: "de" }));
}

/**
 * Suggestions for what a visitor has typed so far: themes by name, search words (with their theme),
 * in the page's language, then offers by name (`offers[i].folded`: the folded name); each
 * {kind: "category" | "keyword" | "offer", label, lang?, theme?, themeLang?, i?} (lang: "de" where a
 * German name stands in for a missing translation).
 */
export function suggestions(query, categories, offers, lang) {
  const wanted = fold(query);
  if (wanted.length < 2) return [];
  const out = [];
  const seen = new Set();
  const add = (item) => {
    const id = `${item.kind}:${fold(item.label)}`;
    if (out.length < MAX_SUGGESTIONS && !seen.has(id)) {
      seen.add(id);
      out.push(item);
    }
  };
  // A theme or search word is suggested when one of its words begins with what was typed.
  const starts = (text) => begins(text, wanted);
  const nameOf = (c) => (lang === "en" && c.name_en) || c.name_de;
  const langOf = (c) => (lang !== "de" && !c.name_en ? "de" : null); // a German name standing in
  for (const c of categories) {
    if (starts(c.name_de) || (c.name_en && starts(c.name_en))) {
      add({ kind: "category", label: nameOf(c), lang: langOf(c) });
    }
  }
  for (const c of categories) {
    for (const keyword of lang === "en" ? c.keywords_en : c.keywords_de) {
      if (starts(keyword)) add({ kind: "keyword", label: keyword, theme: nameOf(c), themeLang: langOf(c) });
    }
  }
  for (const offer of offers) {
    if (out.length >= MAX_SUGGESTIONS) break;
    if (offer.folded.includes(wanted)) add({ kind: "offer", i: offer.i, label: offer.name, lang: "de" });
  }
  return out;
}
