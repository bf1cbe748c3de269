// Text helpers: tolerant search folding and the formatting of offer attributes.

/**
 * Fold text for searching: lower case, accents removed, "ß" -> "ss" and the German transliterations
 * "ae", "oe", "ue" -> "a", "o", "u". The same folding on both sides makes "familienburo",
 * "Familienbuero" and "FAMILIENBÜRO" all find "Familienbüro".
 */
export function fold(value) {
  return String(value ?? "")
    .toLowerCase()
    .replace(/ß/g, "ss")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/ae/g, "a")
    .replace(/oe/g, "o")
    .replace(/ue/g, "u")
    .replace(/\s+/g, " ")
    .trim();
}

/** The words of a search query, folded; an offer matches when its text contains every word. */
export function queryWords(query) {
  const folded = fold(query);
  return folded ? folded.split(" ") : [];
}

/** A tel: URI from a written phone number ("05424 49206-0" -> "tel:05424492060"). */
export function telHref(phone) {
  const digits = String(phone).replace(/[^\d+]/g, "");
  return digits ? `tel:${digits}` : null;
}

const EMAIL = /^[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[^\s@<>()"',;:]+$/;

export function mailtoHref(email) {
  const address = String(email).trim();
  return EMAIL.test(address) ? `mailto:${address}` : null;
}

/** The website as a safe link target (http and https only), or null. */
export function websiteHref(website) {
  let text = String(website).trim();
  if (!text) return null;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(text)) text = `https://${text}`;
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/** "www.example.org/path" for showing a link without its scheme. */
export function websiteLabel(href) {
  const url = new URL(href);
  const path = url.pathname === "/" ? "" : url.pathname;
  return url.host + path + url.search;
}

export function hasValue(value) {
  return value !== null && value !== undefined && String(value).trim() !== "";
}
