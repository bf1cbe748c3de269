// The web map's translation mechanism: message catalogues in /assets/i18n/<lang>.json, chosen by
// ?lang=, else the visitor's saved choice, else the browser's language; German by default.

export const LANGUAGES = ["de", "en"];
export const DEFAULT_LANGUAGE = "de";
const STORAGE_KEY = "familienatlas.lang";

let current = DEFAULT_LANGUAGE;
let messages = {};
let plurals = new Intl.PluralRules(DEFAULT_LANGUAGE);

function supported(lang) {
  const short = String(lang || "").toLowerCase().split("-")[0];
  return LANGUAGES.includes(short) ? short : null;
}

function savedLanguage() {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage blocked (private mode, cookies off): no saved choice
  }
}

export function saveLanguage(lang) {
  try {
    window.localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // not saved: the URL still carries the choice
  }
}

/** The language to start with: the URL's, the saved one, the browser's, German. */
export function chooseLanguage(urlLang) {
  const fromBrowser = (navigator.languages || [navigator.language]).map(supported).find(Boolean);
  return supported(urlLang) || supported(savedLanguage()) || fromBrowser || DEFAULT_LANGUAGE;
}

export function language() {
  return current;
}

const catalogues = new Map(); // language -> promise of its messages (a failed load is forgotten)

function loadCatalogue(lang) {
  if (!catalogues.has(lang)) {
    catalogues.set(lang, fetch(`/assets/i18n/${lang}.json`, { headers: { Accept: "application/json" } })
      .then((response) => {
        if (!response.ok) throw new Error(`message catalogue ${lang}: HTTP ${response.status}`);
        return response.json();
      })
      .catch((error) => {
        catalogues.delete(lang);
        throw error;
      }));
  }
  return catalogues.get(lang);
}

/** Start loading a catalogue the page will use (the first module does, before the others load). */
export function prefetchLanguage(lang) {
  loadCatalogue(supported(lang) || DEFAULT_LANGUAGE).catch(() => {});
}

/** Load a catalogue and make it current; sets <html lang>. */
export async function useLanguage(lang) {
  const chosen = supported(lang) || DEFAULT_LANGUAGE;
  messages = await loadCatalogue(chosen);
  current = chosen;
  plurals = new Intl.PluralRules(chosen);
  document.documentElement.lang = chosen;
  return chosen;
}

/**
 * The message `key` with {placeholders} filled in. A message may be an object of plural forms
 * ({"one": ..., "other": ...}), chosen by params.count.
 */
export function t(key, params = {}) {
  let message = messages[key];
  if (message && typeof message === "object") {
    message = message[plurals.select(params.count ?? 0)] ?? message.other;
  }
  if (typeof message !== "string") return key;
  return message.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? formatParam(params[name]) : whole));
}

/**
 * A message as text and elements: like t(), but a parameter given as an element (a name marked with its
 * language, `lang="de"` where a translation is missing) goes into the sentence as that element.
 */
export function tNodes(key, params = {}) {
  const slots = [];
  const plain = Object.fromEntries(Object.entries(params).map(([name, value]) => {
    if (!(value instanceof Node)) return [name, value];
    slots.push(value);
    return [name, `\u0000${slots.length - 1}\u0000`];
  }));
  return t(key, plain).split(/\u0000(\d+)\u0000/).map((part, n) => (n % 2 ? slots[Number(part)] : part));
}

function formatParam(value) {
  return typeof value === "number" ? value.toLocaleString(current) : String(value);
}

/**
 * Translate the static page: data-i18n="key" sets the text, data-i18n-attr="attr:key;attr:key"
 * sets attributes.
 */
export function translatePage(root = document) {
  for (const node of root.querySelectorAll("[data-i18n]")) {
    node.textContent = t(node.dataset.i18n);
  }
  for (const node of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of node.dataset.i18nAttr.split(";")) {
      const [attr, key] = pair.split(":").map((s) => s.trim());
      if (attr && key) node.setAttribute(attr, t(key));
    }
  }
}

export function formatDate(isoDate) {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(isoDate));
  if (!match) return String(isoDate);
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return new Intl.DateTimeFormat(current, { dateStyle: "long" }).format(date);
}

let collator = null;
let collatorLanguage = "";

/** Compare names the way the current language sorts them (ä next to a). One collator per language:
 *  localeCompare with options builds a new one per call, seconds for a few thousand names on a phone. */
export function compareNames(a, b) {
  if (collatorLanguage !== current) {
    collator = new Intl.Collator(current, { sensitivity: "base", numeric: true });
    collatorLanguage = current;
  }
  return collator.compare(a, b);
}

/** The name of a catalogue item (theme, indicator) in the language, falling back to the other one. */
export function localName(item, lang = current) {
  return (lang === "en" ? item.name_en : item.name_de) || item.name_de || item.name_en || item.key;
}
