// The keyword search of indicators: words of an indicator's name, definition, keywords and theme, in
// German and English, case- and umlaut-tolerant as the offers' search ("kita", "Armut", "poverty",
// "Ubergang" all find). Used by the expert mode's "Indikator suchen" and beside the offers' results
// ("Kita" finds the day-care offers and the childcare indicators).

import { el } from "./dom.js";
import { language, localName, t } from "./i18n.js";
import { fold, queryWords } from "./text.js";
import { viewSearch } from "./urlstate.js";

const FIELDS = [
  // [weight, texts of an indicator]: a word in the name or a keyword counts more than in the definition.
  [3, (i) => [i.name_de, i.name_en, ...(i.keywords || [])]],
  [1, (i, theme) => [i.definition_de, i.definition_en, theme && theme.name_de, theme && theme.name_en]],
];

/**
 * The indicators of `catalogue` whose texts contain every word of `query`, best first: words found in
 * names and keywords before words found only in definitions, a whole keyword before a part of one,
 * rates before counts.
 */
export function searchIndicators(catalogue, query) {
  const words = queryWords(query);
  if (!words.length) return [];
  const themes = new Map(catalogue.themes.map((theme) => [theme.key, theme]));
  const hits = [];
  for (const indicator of catalogue.indicators) {
    if (!(indicator.levels || []).length) continue;
    const theme = themes.get(indicator.theme);
    const texts = FIELDS.map(([weight, pick]) => [weight, fold(pick(indicator, theme).filter(Boolean).join(" | "))]);
    const keywords = new Set((indicator.keywords || []).map(fold));
    let score = 0;
    for (const word of words) {
      const best = Math.max(0, ...texts.filter(([, text]) => text.includes(word)).map(([weight]) => weight));
      if (!best) {
        score = 0;
        break;
      }
      score += best + (keywords.has(word) ? 2 : 0);
    }
    // Among equal matches the rates and shares come first: they are the key figures ("Kita" -> the
    // childcare rate before the count of children).
    if (score) hits.push({ indicator, theme, score: score + (indicator.kind === "count" ? 0 : 0.5) });
  }
  const position = (hit) => [hit.theme ? hit.theme.position : 999, hit.indicator.position ?? 0];
  return hits.sort((a, b) => b.score - a.score || position(a)[0] - position(b)[0] || position(a)[1] - position(b)[1]);
}

/** The expert view of an indicator, keeping what fits of the current view (level, unit, year, classes). */
function indicatorSearch(indicator, current) {
  const view = { indicator: indicator.key };
  if (current && (indicator.levels || []).includes(current.level)) {
    Object.assign(view, { level: current.level, unit: current.unit, compare: current.compare, year: current.year });
  }
  if (current) Object.assign(view, { method: current.method, classes: current.classes });
  return viewSearch({ expert: view, lang: language() });
}

/** List items of hits: a link to each indicator's map (followed in the page, a history entry) and its theme. */
export function hitItems(hits, current = null) {
  const lang = language();
  return hits.map(({ indicator, theme }) => el("li", { dataset: { indicator: indicator.key } },
    el("a", { href: indicatorSearch(indicator, current), "data-nav": "" }, localName(indicator, lang)),
    theme ? el("span", { class: "hit-theme" }, ` · ${localName(theme, lang)}`) : null));
}

/** The search field of the expert mode: hits listed under it; Enter opens the first, ↓ moves to the list. */
export class IndicatorSearch {
  /**
   * @param {{input: HTMLInputElement, list: HTMLUListElement, count: HTMLElement,
   *          catalogue: () => Promise<object>, current: () => object|null, navigate: (search: string) => void}} options
   */
  constructor(options) {
    this.options = options;
    const { input, list } = options;
    input.addEventListener("input", () => this.update());
    input.addEventListener("keydown", (event) => {
      const first = list.querySelector("a");
      if (event.key === "Enter") {
        event.preventDefault();
        if (first) this._open(first);
      } else if (event.key === "ArrowDown" && first) {
        event.preventDefault();
        first.focus();
      } else if (event.key === "Escape" && input.value) {
        input.value = "";
        this.update();
      }
    });
    list.addEventListener("keydown", (event) => {
      const links = [...list.querySelectorAll("a")];
      const i = links.indexOf(document.activeElement);
      if (i < 0 || !["ArrowDown", "ArrowUp"].includes(event.key)) return;
      event.preventDefault();
      if (event.key === "ArrowUp" && i === 0) input.focus();
      else links[Math.max(0, Math.min(links.length - 1, i + (event.key === "ArrowDown" ? 1 : -1)))].focus();
    });
    list.addEventListener("click", (event) => {
      if (event.target.closest("a")) this._clear();
    });
  }

  _open(link) {
    const href = link.getAttribute("href");
    this._clear();
    this.options.navigate(href);
  }

  _clear() {
    this.options.input.value = "";
    this.update();
  }

  async update() {
    const { input, list, count } = this.options;
    const query = input.value;
    if (!queryWords(query).length) {
      list.replaceChildren();
      list.hidden = true;
      count.textContent = "";
      return;
    }
    const catalogue = await this.options.catalogue();
    if (input.value !== query) return; // typed on meanwhile
    const hits = searchIndicators(catalogue, query);
    list.replaceChildren(...hitItems(hits, this.options.current()));
    list.hidden = !hits.length;
    count.textContent = t("indsearch.count", { count: hits.length });
  }

  translate() {
    if (this.options.input.value) this.update();
  }
}
