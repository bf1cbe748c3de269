// The profile of one spatial unit ("Steckbrief"): every indicator published for the unit, grouped by
// theme, with its latest value, its trend since the year before and since the start of its series, a
// sparkline, and the same year's value of the parent unit and of the county; a small map and the
// family offers per theme. Printable on A4 (print stylesheet) and reachable by URL:
// ?mode=profile&unit=<key>.
//
// It reads the public API only: /api/v1/units/<key>/values for the unit, its parent and the county
// (three answers, each all indicators and years). A value withheld for confidentiality arrives
// without a number ("suppressed": true) and is shown hatched with "nicht ausgewiesen (Geheimhaltung)"
// as on the map; no trend is computed from or towards it (there is no number to compute with).

import { entryText, formatValue, numberOf } from "./classify.js";
import { polygonsContain } from "./data.js";
import { byId, el } from "./dom.js";
import { API, getJson } from "./api.js";
import { compareNames, language, localName, t } from "./i18n.js";
import { viewSearch } from "./urlstate.js";

const unitValues = (key) => `/api/v1/units/${encodeURIComponent(key)}/values`;
const SVG = "http://www.w3.org/2000/svg";

function svgNode(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  return node;
}

function geojsonPolygons(geometry) {
  if (!geometry) return [];
  if (geometry.type === "Polygon") return [geometry.coordinates];
  return geometry.type === "MultiPolygon" ? geometry.coordinates : [];
}

/** An in-app link: a real URL (opens in a new tab too) that main.js follows without reloading. */
export function navLink(search, text, attrs = {}) {
  return el("a", { href: search || "?", "data-nav": "", ...attrs }, text);
}

/** The query string of the profile of `unit` in the current language. */
export function profileSearch(unit) {
  return viewSearch({ profile: unit, lang: language() });
}

export class ProfileView {
  /**
   * @param {{municipalities: Map<string, object>, offers: object[], tops: object[], root: object}} options
   *   the territories (WGS84 polygons, parent and children), the published offers with the
   *   municipalities they lie in, the top categories with offers and the county.
   */
  constructor(options) {
    this.options = options;
    this.ui = {
      heading: byId("profile-heading"), meta: byId("profile-meta"), picker: byId("profile-unit"),
      print: byId("profile-print"), status: byId("profile-status"), themes: byId("profile-themes"),
      map: byId("profile-map"), offers: byId("profile-offers"), mapLink: byId("profile-map-link"),
      notes: byId("profile-notes"),
    };
    this.key = "";
    this.data = null;
    this.ui.print.addEventListener("click", () => window.print());
    this.ui.picker.addEventListener("change", () => {
      if (this.ui.picker.value && this.ui.picker.value !== this.key) this.options.navigate(profileSearch(this.ui.picker.value));
    });
  }

  /** All units the profile knows: the municipalities of the territories and the published Ortsteile. */
  async _units() {
    if (this.units) return this.units;
    const { municipalities, root } = this.options;
    const units = new Map();
    for (const m of municipalities.values()) {
      const level = m === root ? "landkreis" : m.parent === root ? "gemeinde" : "mitgliedsgemeinde";
      units.set(m.key, { key: m.key, name: m.name, kind: m.kind, level, parent: m.parent ? m.parent.key : null,
                         polygons: m.polygons });
    }
    const collection = await getJson(API.ortsteile);
    for (const f of collection.features || []) {
      const p = f.properties || {};
      if (p.level !== "ortsteil") continue;
      units.set(p.key, { key: p.key, name: p.name, kind: null, level: "ortsteil", parent: p.parent_key || null,
                         polygons: geojsonPolygons(f.geometry) });
    }
    this.units = units;
    return units;
  }

  /** Show the profile of `key`: load what it needs (cached for the page's life) and draw it. */
  async show(key) {
    this.key = key;
    const [catalogue, units] = await Promise.all([getJson(API.catalogue), this._units()]);
    this.catalogue = catalogue;
    this.indicators = new Map(catalogue.indicators.map((i) => [i.key, i]));
    const unit = units.get(key);
    if (!unit) {
      this.data = null;
      this._fillPicker();
      this._showStatus(t("profile.unknownUnit"));
      this.ui.heading.textContent = t("profile.heading");
      for (const part of [this.ui.meta, this.ui.themes, this.ui.map, this.ui.offers, this.ui.notes]) part.replaceChildren();
      this.ui.mapLink.hidden = true;
      return;
    }
    const root = this.options.root;
    const parent = unit.parent && unit.parent !== root.key ? units.get(unit.parent) : null;
    const county = unit.key === root.key ? null : units.get(root.key);
    const [own, parentValues, countyValues] = await Promise.all([
      getJson(unitValues(key)), parent ? getJson(unitValues(parent.key)) : null,
      county ? getJson(unitValues(county.key)) : null]);
    if (this.key !== key) return; // another profile was chosen meanwhile
    this.data = { unit, parent, county, own: bySeries(own), parentValues: bySeries(parentValues),
                  countyValues: bySeries(countyValues) };
    this._showStatus("");
    this.render();
  }

  /** The title of the page for the current profile. */
  title() {
    return this.data ? t("profile.title", { name: this.data.unit.name }) : t("profile.heading");
  }

  /** Draw the current profile again (after a change of language). */
  render() {
    this._fillPicker();
    if (!this.data) return;
    const { unit, parent } = this.data;
    const lang = language();
    this.ui.heading.textContent = this.title();
    const kind = unit.kind || t("profile.kind.ortsteil");
    const parentUnit = unit.parent ? this.units.get(unit.parent) : null;
    this.ui.meta.replaceChildren(parentUnit ? t("profile.meta", { kind, parent: parentUnit.name }) : kind);
    this.ui.mapLink.hidden = false;
    this.ui.mapLink.setAttribute("href", viewSearch({ expert: { level: unit.level, unit: unit.key }, lang }));
    this._drawMap();
    this._drawOffers();
    const sections = this._themes();
    this.ui.themes.replaceChildren(...sections);
    if (!sections.length) this._showStatus(t("profile.noValues"));
    const notes = [t("profile.note.trend"), t("profile.note.suppressed")];
    if (parent) notes.push(t("profile.note.parent", { parent: parent.name }));
    this.ui.notes.replaceChildren(...notes.map((note) => el("li", {}, note)));
  }

  _showStatus(message) {
    this.ui.status.textContent = message;
    this.ui.status.hidden = !message;
  }

  _fillPicker() {
    if (!this.units) return;
    const groups = ["landkreis", "gemeinde", "mitgliedsgemeinde", "ortsteil"].map((level) => {
      const members = [...this.units.values()].filter((u) => u.level === level)
        .sort((a, b) => compareNames(a.name, b.name));
      if (!members.length) return null;
      return el("optgroup", { label: t(`level.${level}`) },
                members.map((u) => el("option", { value: u.key }, u.name)));
    }).filter(Boolean);
    const none = this.units.has(this.key) ? [] : [el("option", { value: "" }, "–")];
    this.ui.picker.replaceChildren(...none, ...groups);
    this.ui.picker.value = this.units.has(this.key) ? this.key : "";
  }

  // -------------------------------------------------------------- the indicators, by theme

  _themes() {
    const lang = language();
    const { own } = this.data;
    const themes = [...this.catalogue.themes].sort((a, b) => a.position - b.position);
    const out = [];
    for (const theme of themes) {
      const indicators = this.catalogue.indicators
        .filter((i) => i.theme === theme.key && own.has(i.key))
        .sort((a, b) => a.position - b.position);
      if (!indicators.length) continue;
      const id = `profile-theme-${theme.key.replace(/[^\w-]/g, "_")}`;
      out.push(el("section", { class: "profile-theme", "aria-labelledby": id, dataset: { theme: theme.key } },
                  el("h3", { id }, localName(theme, lang)),
                  el("div", { class: "table-scroll" }, this._table(indicators, localName(theme, lang)))));
    }
    return out;
  }

  _table(indicators, caption) {
    const { parent, county } = this.data;
    const heads = [["indicator", t("profile.col.indicator")], ["year", t("profile.col.year")],
                   ["value", t("profile.col.value")], ["previous", t("profile.col.previous")],
                   ["since", t("profile.col.since")], ["sparkline", t("profile.col.sparkline")]];
    if (parent) heads.push(["parent", parent.name]);
    if (county) heads.push(["county", t("expert.col.county")]);
    const numeric = ["value", "previous", "since", "parent", "county"];
    const head = el("tr", {}, heads.map(([column, text]) => el("th", {
      scope: "col", class: `col-${column}${numeric.includes(column) ? " num" : ""}`, dataset: { column } }, text)));
    const rows = indicators.map((indicator) => this._row(indicator));
    return el("table", { class: "data-table profile-table" }, el("caption", { class: "visually-hidden" }, caption),
              el("thead", {}, head), el("tbody", {}, rows));
  }

  _row(indicator) {
    const lang = language();
    const { unit, own, parent, county, parentValues, countyValues } = this.data;
    const series = own.get(indicator.key);
    const years = [...series.keys()].sort((a, b) => a - b);
    const latest = years[years.length - 1];
    const entry = series.get(latest);
    const breaks = years.filter((y) => series.get(y).series_break);
    const start = breaks.length ? breaks[breaks.length - 1] : years[0];
    const comparable = years.filter((y) => y >= start);
    const previous = comparable.length > 1 ? comparable[comparable.length - 2] : null;
    const first = comparable.length > 1 ? comparable[0] : null;
    const text = (e) => entryText(e, indicator, lang, t);
    const valueCell = (e) => el("td", { class: `num${e && e.suppressed ? " is-suppressed" : ""}` }, text(e));
    const link = el("a", { href: viewSearch({ expert: { indicator: indicator.key, level: unit.level, year: latest,
                                                         unit: unit.key }, lang }), "data-nav": "" },
                    localName(indicator, lang));
    const cells = [
      el("th", { scope: "row" }, link),
      el("td", {}, String(latest)),
      valueCell(entry),
      this._trendCell(indicator, previous === null ? null : series.get(previous), entry, previous),
      this._trendCell(indicator, first === null ? null : series.get(first), entry, first),
      el("td", { class: "sparkline" }, sparkline(years.map((y) => numberOf(series.get(y))), breaks.map((y) => years.indexOf(y)))),
    ];
    if (parent) cells.push(valueCell(yearEntry(parentValues, indicator.key, latest)));
    if (county) cells.push(valueCell(yearEntry(countyValues, indicator.key, latest)));
    return el("tr", { dataset: { indicator: indicator.key, year: String(latest) } }, cells);
  }

  /** The change from `from` to `to` (arrow and figure, coloured by the indicator's polarity), or "–". */
  _trendCell(indicator, from, to, fromYear) {
    const a = numberOf(from);
    const b = numberOf(to);
    if (a === null || b === null) return el("td", { class: "num trend", dataset: { trend: "none" } }, "–");
    const decimals = Number.isInteger(indicator.decimals) ? indicator.decimals : 1;
    const diff = Number((b - a).toFixed(decimals));
    const direction = diff > 0 ? "up" : diff < 0 ? "down" : "same";
    let judgement = "neutral";
    if (direction !== "same" && indicator.polarity !== "neutral") {
      const worse = (direction === "up") === (indicator.polarity === "higher_worse");
      judgement = worse ? "worse" : "better";
    }
    const arrow = { up: "▲", down: "▼", same: "▶" }[direction];
    const figure = formatValue(diff, indicator, language(), t, { signed: true });
    return el("td", { class: `num trend trend-${judgement}`, dataset: { trend: direction, diff: String(diff) } },
              el("span", { class: "arrow", "aria-hidden": "true" }, arrow), " ", figure,
              el("span", { class: "trend-year" }, ` (${fromYear})`),
              judgement === "neutral" ? null : el("span", { class: "visually-hidden" }, `, ${t(`profile.${judgement}`)}`));
  }

  // -------------------------------------------------------------- map and offers

  /** A small outline map (SVG, prints well and needs no tiles): the unit among its neighbours. */
  _drawMap() {
    const { unit } = this.data;
    const units = [...this.units.values()];
    const context = unit.level === "ortsteil"
      ? units.filter((u) => u.level === "ortsteil" && u.parent === unit.parent)
      : units.filter((u) => u.level === "gemeinde" || (unit.level === "mitgliedsgemeinde" && u.parent === unit.parent));
    const frame = unit.level === "ortsteil" ? [this.units.get(unit.parent) || unit, ...context] : context;
    const points = frame.flatMap((u) => u.polygons.flatMap((polygon) => polygon[0] || []));
    if (unit.level === "landkreis" || !points.length) points.push(...unit.polygons.flatMap((p) => p[0] || []));
    if (!points.length) {
      this.ui.map.replaceChildren();
      return;
    }
    const lat0 = points.reduce((s, p) => s + p[1], 0) / points.length;
    const k = Math.cos((lat0 * Math.PI) / 180);
    const xs = points.map((p) => p[0] * k);
    const ys = points.map((p) => -p[1]);
    const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const scale = 300 / Math.max(maxX - minX, maxY - minY, 1e-9);
    const path = (polygons) => polygons.map((rings) => rings.map((ring) => `M${ring.map(([lng, lat]) =>
      `${((lng * k - minX) * scale + 5).toFixed(1)},${((-lat - minY) * scale + 5).toFixed(1)}`).join("L")}Z`).join(""))
      .join("");
    const width = (maxX - minX) * scale + 10;
    const height = (maxY - minY) * scale + 10;
    const svg = svgNode("svg", { viewBox: `0 0 ${width.toFixed(0)} ${height.toFixed(0)}`, role: "img",
                                 "aria-label": t("profile.mapLabel", { name: unit.name }) });
    for (const u of context) {
      if (u.key !== unit.key) svg.append(svgNode("path", { d: path(u.polygons), class: "profile-map-context" }));
    }
    svg.append(svgNode("path", { d: path(unit.polygons), class: "profile-map-unit", "data-unit": unit.key }));
    this.ui.map.replaceChildren(svg);
  }

  /** The published offers in the unit, per theme, each a link to the offers map filtered so. */
  _drawOffers() {
    const { unit } = this.data;
    const { offers, tops, root } = this.options;
    const municipal = unit.level !== "ortsteil";
    const inside = municipal ? offers.filter((o) => unit.key === root.key || o.places.has(unit.key))
      : offers.filter((o) => polygonsContain(unit.polygons, o.lng, o.lat));
    const counts = new Map();
    for (const offer of inside) counts.set(offer.category, (counts.get(offer.category) || 0) + 1);
    const gem = municipal ? (unit.key === root.key ? "" : unit.key) : unit.parent || "";
    const items = tops.filter((top) => counts.has(top.key)).map((top) => {
      const search = viewSearch({ filters: { query: "", categories: new Set([top.key]), municipality: gem },
                                  lang: language() });
      const swatch = el("span", { class: "swatch", "aria-hidden": "true" });
      swatch.style.backgroundColor = top.color;
      return el("li", { dataset: { category: top.key, count: String(counts.get(top.key)) } }, swatch,
                navLink(search, top.name), ` ${counts.get(top.key)}`);
    });
    this.ui.offers.replaceChildren(
      el("h3", {}, t("profile.offers")),
      items.length ? el("ul", { class: "profile-offer-list" }, items) : el("p", {}, t("profile.noOffers")),
      el("p", { class: "legend-note" }, t("profile.offersTotal", { count: inside.length })));
  }
}

// ------------------------------------------------------------------ small pieces

/** indicator -> year -> entry of one /units/<key>/values answer (null: an empty map). */
function bySeries(answer) {
  const out = new Map();
  for (const entry of answer ? answer.values : []) {
    if (!out.has(entry.indicator)) out.set(entry.indicator, new Map());
    out.get(entry.indicator).set(entry.year, entry);
  }
  return out;
}

function yearEntry(series, indicator, year) {
  const years = series.get(indicator);
  return years ? years.get(year) : undefined;
}

/**
 * A sparkline of a series (numbers or null for withheld and missing years): a line that stops at
 * gaps and at series breaks, the last point marked. Decorative: the figures are in the row.
 */
function sparkline(numbers, breakIndexes) {
  const [width, height, pad] = [96, 24, 3];
  const svg = svgNode("svg", { viewBox: `0 0 ${width} ${height}`, width, height, "aria-hidden": "true",
                               focusable: "false" });
  const known = numbers.filter((n) => n !== null);
  if (!known.length) return svg;
  const [min, max] = [Math.min(...known), Math.max(...known)];
  const x = (i) => pad + (numbers.length > 1 ? (i * (width - 2 * pad)) / (numbers.length - 1) : (width - 2 * pad) / 2);
  const y = (n) => height - pad - (max > min ? ((n - min) * (height - 2 * pad)) / (max - min) : (height - 2 * pad) / 2);
  let segment = [];
  const flush = () => {
    if (segment.length > 1) svg.append(svgNode("polyline", { points: segment.join(" "), class: "spark-line" }));
    segment = [];
  };
  numbers.forEach((n, i) => {
    if (n === null || breakIndexes.includes(i)) flush();
    if (n !== null) segment.push(`${x(i).toFixed(1)},${y(n).toFixed(1)}`);
  });
  flush();
  const last = numbers.length - 1;
  if (numbers[last] !== null) svg.append(svgNode("circle", { cx: x(last).toFixed(1), cy: y(numbers[last]).toFixed(1), r: 2.2,
                                                             class: "spark-dot" }));
  return svg;
}
