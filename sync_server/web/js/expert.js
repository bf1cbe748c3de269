// The expert mode ("Indikatoren"): a choropleth of one indicator per spatial level and year, its legend,
// its description, a sortable table of the map, and a clicked unit's time series beside its parent's
// (the Samtgemeinde of a member municipality, the town of an Ortsteil) and the county's.
//
// The units' shapes come from /api/v1/units?level=...: simplified for the web by the server, so that
// neighbours keep their shared boundary, with each unit's parent in the unit tree.
//
// All years of an indicator and level come in one answer of /api/v1/indicators/<key>/values, so the
// year slider and the play button redraw from memory and never ask the server. A value withheld for
// confidentiality arrives as null with "suppressed": true and is never shown as a number: hatched on
// the map, "nicht ausgewiesen (Geheimhaltung)" in legend, tooltip, table and chart table.

import {
  CLASS_COUNTS, DEFAULT_CLASSES, DEFAULT_METHOD, HATCH_ID, METHODS, MISSING_COLOR,
  classBreaks, classColors, classOf, entryText, formatValue,
} from "./classify.js";
import { API, COUNTY_LEVEL, LEVEL_ORDER, getJson } from "./api.js";
import { byId, el } from "./dom.js";
import { compareNames, formatDate, language, localName, t } from "./i18n.js";
import { mapViewText } from "./urlstate.js";

const PLAY_MS = 1200;
const STROKE = { color: "#37474f", weight: 1, opacity: 1, fillOpacity: 0.85 };
const SELECTED = { color: "#0b4f8a", weight: 4 };
const PARENT_COLOR = "#009E73";

function latLngs(polygons) {
  return polygons.map((rings) => rings.map((ring) => ring.map(([lng, lat]) => [lat, lng])));
}

function geojsonPolygons(geometry) {
  if (!geometry) return [];
  if (geometry.type === "Polygon") return [geometry.coordinates];
  return geometry.type === "MultiPolygon" ? geometry.coordinates : [];
}

export class ExpertMode {
  /**
   * @param {{initial: object, onStateChange: () => void, onMapMove: () => void}} options
   *   initial: the view from the permalink; onStateChange: the URL should be written again (a new view);
   *   onMapMove: the map's position changed (a detail of the view shown).
   */
  constructor(options) {
    this.options = options;
    this.ui = {
      theme: byId("expert-theme"), indicator: byId("expert-indicator"), level: byId("expert-level"),
      method: byId("expert-method"), classes: byId("expert-classes"), year: byId("expert-year"),
      yearValue: byId("expert-year-value"), play: byId("expert-play"), status: byId("expert-status"),
      legend: byId("expert-legend-list"), about: byId("expert-about-list"), unitBox: byId("expert-unit"),
      unitHeading: byId("expert-unit-heading"), chart: byId("expert-chart"), series: byId("expert-series"),
      table: byId("expert-table"), map: byId("expert-map"),
    };
    const initial = options.initial || {};
    this.state = {
      indicator: initial.indicator || "", level: initial.level || "", year: initial.year,
      unit: initial.unit || "", compare: (initial.compare || []).slice(0, 5),
      method: METHODS.includes(initial.method) ? initial.method : DEFAULT_METHOD,
      classes: CLASS_COUNTS.includes(initial.classes) ? initial.classes : DEFAULT_CLASSES,
    };
    this.sort = { column: "name", direction: "ascending" };
    this.layers = new Map(); // unit key -> Leaflet polygon
    this.chart = null;
    this.timer = null;
    this.units = new Map(); // level -> Map(unit key -> {polygons, parent, parentLevel})
    this.parentAnswers = new Map(); // values URL -> the answer (null while loading or after a failure)
    this.pendingMap = initial.map || null; // a map position to show instead of fitting the units
    this.ready = false;
  }

  /** Load the catalogue and draw the view of the permalink (or the first indicator). */
  async start() {
    this.catalogue = await getJson(API.catalogue);
    this.indicators = new Map(this.catalogue.indicators.map((i) => [i.key, i]));
    this._makeMap();
    this._wire();
    for (const k of CLASS_COUNTS) this.ui.classes.append(el("option", { value: k }, String(k)));
    this.ui.method.value = this.state.method;
    this.ui.classes.value = String(this.state.classes);
    const missing = this._missing(this.state.indicator);
    if (!this.indicators.has(this.state.indicator)) {
      const first = this.catalogue.indicators.find((i) => this._levels(i).length);
      this.state.indicator = first ? first.key : "";
    }
    this._fillThemes();
    await this._load({ keepUnit: true });
    this._noteMissing(missing);
    this.ready = true;
  }

  /** The indicator a link or saved view names if the catalogue no longer has it (deleted, renamed), else "". */
  _missing(key) {
    return key && !this.indicators.has(key) ? key : "";
  }

  /** Tell the user that the view's indicator is gone and which one the map shows instead. */
  _noteMissing(key) {
    if (!key) return;
    const shown = this.indicators.get(this.state.indicator);
    this._showStatus(t("expert.unknownIndicator", { key: key.slice(0, 60),
                                                    shown: shown ? localName(shown, language()) : "–" }));
  }

  /** The URL parameters of the current view (with the map's position once it has one). */
  urlState() {
    return { indicator: this.state.indicator, level: this.state.level, year: this.state.year,
             unit: this.state.unit, compare: this.state.compare, method: this.state.method,
             classes: this.state.classes, map: this.fitted ? this._mapText() : "" };
  }

  /** The map's position as a link writes it ("zoom/lat/lng"). */
  _mapText() {
    const { lat, lng } = this.map.getCenter();
    return mapViewText({ zoom: this.map.getZoom(), lat, lng });
  }

  /** Show the view of a URL (Back and Forward, links): load only when indicator or level change. */
  async setView(view) {
    this._stop();
    const missing = this._missing(view.indicator);
    const reload = (view.indicator || this.state.indicator) !== this.state.indicator
      || (view.level || this.state.level) !== this.state.level;
    Object.assign(this.state, {
      indicator: this.indicators.has(view.indicator) ? view.indicator : this.state.indicator,
      level: view.level || this.state.level, year: view.year ?? this.state.year, unit: view.unit || "",
      compare: (view.compare || []).slice(0, 5),
      method: METHODS.includes(view.method) ? view.method : DEFAULT_METHOD,
      classes: CLASS_COUNTS.includes(view.classes) ? view.classes : DEFAULT_CLASSES,
    });
    this.ui.method.value = this.state.method;
    this.ui.classes.value = String(this.state.classes);
    this.pendingMap = view.map || null;
    this._fillThemes();
    if (reload) await this._load({ keepUnit: true });
    else this._render();
    this._noteMissing(missing);
    if (this.pendingMap) this._place();
  }

  /** Change parts of the view that need no request (the compared units) and draw it again. */
  update(change) {
    Object.assign(this.state, change);
    this._render();
  }

  /** The mode became visible: Leaflet has to measure its container again. */
  shown() {
    if (!this.map) return;
    // Measuring again makes Leaflet forget the exact centre of a link (it rounds it to a pixel): only
    // when the size changed.
    const { x, y } = this.map.getSize();
    if (x !== this.ui.map.clientWidth || y !== this.ui.map.clientHeight) this.map.invalidateSize();
    if (!this.fitted || this.pendingMap) this._place();
  }

  hidden() {
    this._stop();
  }

  /** Redraw every text in the new language (names, formats, legend, table, chart). */
  translate() {
    if (!this.ready) return;
    this._fillThemes();
    this._render();
    this._describe();
    this._updatePlay();
  }

  // ---------------------------------------------------------------- map

  _makeMap() {
    const L = window.L;
    this.map = L.map(this.ui.map, { zoomSnap: 0.5, minZoom: 7, maxZoom: 16 });
    this.map.attributionControl.setPrefix('<a href="https://leafletjs.com" hreflang="en">Leaflet</a>');
    this.map.setView([52.35, 8.0], 9);
    this.renderer = L.svg({ padding: 0.2 });
    this.renderer.addTo(this.map);
    this._addHatch(this.renderer._container);
    this.unitLayers = L.layerGroup().addTo(this.map);
    this.map.on("moveend", () => {
      this.ui.map.dataset.view = this._mapText(); // what a link would say, for tests and the curious
      if (this.ready) this.options.onMapMove();
    });
  }

  /** The hatching of withheld values: an SVG pattern in the map's own SVG (no image, CSP-safe). */
  _addHatch(svg) {
    const ns = "http://www.w3.org/2000/svg";
    const defs = document.createElementNS(ns, "defs");
    defs.append(hatchPattern(HATCH_ID));
    svg.prepend(defs);
  }

  /** The permalink's map position if there is one, else the units fitted; a hidden map (no size yet)
   *  waits for shown(). */
  _place() {
    const view = this.pendingMap;
    if (!view) {
      this._fit();
      return;
    }
    if (!this.ui.map.clientWidth) return;
    this.map.invalidateSize();
    this.map.setView([view.lat, view.lng], view.zoom, { animate: false });
    this.pendingMap = null;
    this.fitted = true;
  }

  _fit() {
    const group = window.L.featureGroup([...this.layers.values()]);
    const bounds = group.getBounds();
    if (bounds.isValid() && this.ui.map.clientWidth) {
      this.map.invalidateSize();
      this.map.fitBounds(bounds, { padding: [12, 12], animate: false });
      this.fitted = true;
    }
  }

  // ---------------------------------------------------------------- choosing

  _levels(indicator) {
    return LEVEL_ORDER.filter((level) => indicator.levels.includes(level));
  }

  _wire() {
    this.ui.theme.addEventListener("change", () => {
      const first = this.catalogue.indicators.find((i) => i.theme === this.ui.theme.value);
      if (first) this._choose({ indicator: first.key });
    });
    this.ui.indicator.addEventListener("change", () => this._choose({ indicator: this.ui.indicator.value }));
    this.ui.level.addEventListener("change", () => this._choose({ level: this.ui.level.value }));
    this.ui.method.addEventListener("change", () => { this.state.method = this.ui.method.value; this._render(); });
    this.ui.classes.addEventListener("change", () => {
      this.state.classes = Number(this.ui.classes.value);
      this._render();
    });
    // The slider steps through the years that have values (a biennial statistic skips the others).
    this.ui.year.addEventListener("input", () => {
      const years = this.answer ? this.answer.years : [];
      const year = years[Number(this.ui.year.value)];
      if (year !== undefined) this._setYear(year);
    });
    this.ui.play.addEventListener("click", () => (this.timer ? this._stop() : this._play()));
  }

  async _choose(change) {
    this._stop();
    if (change.indicator && change.indicator !== this.state.indicator) {
      this.state.indicator = change.indicator;
      this.state.unit = "";
    }
    if (change.level && change.level !== this.state.level) {
      this.state.level = change.level;
      this.state.unit = "";
      this.state.compare = [];
    }
    this._fillThemes();
    await this._load({ keepUnit: false });
  }

  _fillThemes() {
    const lang = language();
    const indicator = this.indicators.get(this.state.indicator);
    const themes = [...this.catalogue.themes].sort((a, b) => a.position - b.position)
      .filter((theme) => this.catalogue.indicators.some((i) => i.theme === theme.key && this._levels(i).length));
    this.ui.theme.replaceChildren(...themes.map((theme) => el("option", { value: theme.key }, localName(theme, lang))));
    if (!indicator) return;
    this.ui.theme.value = indicator.theme;
    const inTheme = this.catalogue.indicators.filter((i) => i.theme === indicator.theme && this._levels(i).length);
    this.ui.indicator.replaceChildren(...inTheme.map((i) => el("option", { value: i.key }, localName(i, lang))));
    this.ui.indicator.value = indicator.key;
    const levels = this._levels(indicator);
    if (!levels.includes(this.state.level)) this.state.level = levels[0];
    this.ui.level.replaceChildren(...levels.map((level) => el("option", { value: level }, t(`level.${level}`))));
    this.ui.level.value = this.state.level;
  }

  _values(indicator, level) {
    return getJson(API.values(indicator, level));
  }

  /** The units of a level: key -> {polygons, parent, parentLevel} (their shapes simplified for the web). */
  async _geometries(level) {
    if (!this.units.has(level)) {
      const collection = await getJson(API.units(level));
      this.units.set(level, new Map(collection.features.map((f) => [f.id, {
        polygons: geojsonPolygons(f.geometry), parent: f.properties.parent, parentLevel: f.properties.parent_level,
      }])));
    }
    return this.units.get(level);
  }

  /** Fetch what the chosen indicator and level need (values of all years, the county's series). */
  async _load({ keepUnit }) {
    const indicator = this.indicators.get(this.state.indicator);
    this._showStatus("");
    if (!indicator) {
      this._showStatus(t("expert.noValues"));
      return;
    }
    const { level } = this.state;
    const [answer, county, units] = await Promise.all([
      this._values(indicator.key, level),
      indicator.levels.includes(COUNTY_LEVEL) ? this._values(indicator.key, COUNTY_LEVEL) : null,
      this._geometries(level),
    ]);
    this.answer = answer;
    this.county = county;
    this.byUnit = new Map();
    for (const entry of answer.values) {
      if (!this.byUnit.has(entry.unit)) this.byUnit.set(entry.unit, { name: entry.name, years: new Map() });
      this.byUnit.get(entry.unit).years.set(entry.year, entry);
    }
    const years = answer.years.length ? answer.years : [];
    if (!years.includes(this.state.year)) this.state.year = years.length ? years[years.length - 1] : null;
    if (!keepUnit || !this.byUnit.has(this.state.unit)) this.state.unit = "";
    this.state.compare = this.state.compare.filter((key) => this.byUnit.has(key));
    this.ui.year.min = "0";
    this.ui.year.max = String(Math.max(0, years.length - 1));
    this.ui.year.disabled = years.length < 2;
    this.ui.play.disabled = years.length < 2;
    this._drawUnits(units);
    this._describe();
    this._render();
    this._place(); // after the legend and tables took their room (a scroll bar would shift the map)
    if (!answer.values.length) this._showStatus(t("expert.noValues"));
  }

  _drawUnits(units) {
    const L = window.L;
    this.unitLayers.clearLayers();
    this.layers.clear();
    for (const [key, unit] of this.byUnit) {
      const polygons = (units.get(key) || {}).polygons || [];
      if (!polygons.length) continue;
      const layer = L.polygon(latLngs(polygons), { ...STROKE, renderer: this.renderer, fillColor: MISSING_COLOR });
      layer.unitKey = key;
      layer.bindTooltip("", { sticky: true, direction: "top" });
      layer.on("click", () => this.selectUnit(key, { focus: false }));
      layer.on("add", () => { layer.getElement().dataset.unit = key; });
      layer.addTo(this.unitLayers);
      layer.getElement().dataset.unit = key;
      unit.layer = layer;
      this.layers.set(key, layer);
    }
  }

  // ---------------------------------------------------------------- year and play

  _play() {
    const years = this.answer ? this.answer.years : [];
    if (years.length < 2) return;
    if (this.state.year === years[years.length - 1]) this._setYear(years[0]);
    this.timer = window.setInterval(() => {
      const i = years.indexOf(this.state.year);
      if (i < 0 || i >= years.length - 1) this._stop();
      else this._setYear(years[i + 1]);
    }, PLAY_MS);
    this._updatePlay();
  }

  _stop() {
    if (this.timer) window.clearInterval(this.timer);
    this.timer = null;
    this._updatePlay();
  }

  _updatePlay() {
    // A toggle keeps its name (screen readers announce "pressed"); the pressed look shows it playing.
    this.ui.play.setAttribute("aria-pressed", String(Boolean(this.timer)));
    this.ui.play.textContent = t("expert.play");
  }

  _setYear(year) {
    this.state.year = year;
    this._render();
  }

  // ---------------------------------------------------------------- drawing

  _showStatus(message) {
    this.ui.status.textContent = message;
    this.ui.status.hidden = !message;
  }

  _format(value) {
    return formatValue(value, this.indicators.get(this.state.indicator), language(), t);
  }

  /** The text of one entry: formatted value, "withheld", or "no value"; never a withheld number. */
  _entryText(entry) {
    return entryText(entry, this.indicators.get(this.state.indicator), language(), t);
  }

  /** Classes from every published value of all years of the level, so colours compare across years. */
  _classes() {
    const indicator = this.indicators.get(this.state.indicator);
    const numbers = this.answer.values.filter((v) => !v.suppressed && typeof v.value === "number").map((v) => v.value);
    const breaks = classBreaks(numbers, this.state.method, this.state.classes);
    const n = Math.max(0, breaks.length - 1);
    return { breaks, colors: classColors(n, indicator.polarity) };
  }

  /** Map, legend, table and chart for the current year: no request, everything is in memory. */
  _render() {
    if (!this.answer) return;
    const { year } = this.state;
    this.ui.year.value = String(Math.max(0, this.answer.years.indexOf(year)));
    this.ui.year.setAttribute("aria-valuetext", year === null ? "" : String(year));
    this.ui.yearValue.textContent = year === null ? "" : String(year);
    this.classes = this._classes();
    const { breaks, colors } = this.classes;
    for (const [key, unit] of this.byUnit) {
      const layer = this.layers.get(key);
      if (!layer) continue;
      const entry = unit.years.get(year);
      let fillColor = MISSING_COLOR;
      let state = "missing";
      if (entry && entry.suppressed) {
        fillColor = `url(#${HATCH_ID})`;
        state = "suppressed";
      } else if (entry && typeof entry.value === "number") {
        const index = classOf(entry.value, breaks);
        fillColor = colors[index];
        state = `class-${index}`;
      }
      const provisional = Boolean(entry && entry.provisional && !entry.suppressed);
      layer.setStyle({ ...STROKE, fillColor, dashArray: provisional ? "6 4" : null,
                       ...(key === this.state.unit ? SELECTED : {}) });
      const element = layer.getElement();
      if (element) {
        element.dataset.state = state;
        element.dataset.provisional = String(provisional);
      }
      layer.setTooltipContent(`${escapeText(unit.name)}: ${escapeText(this._entryText(entry))}`);
    }
    const selected = this.layers.get(this.state.unit);
    if (selected) selected.bringToFront();
    this._legend();
    this._table();
    this._unitView();
    this.options.onStateChange();
    document.body.dataset.expertYear = String(year);
  }

  _legend() {
    const { breaks, colors } = this.classes;
    const items = colors.map((color, i) => el("li", { dataset: { color } },
      el("span", { class: "legend-swatch", style: null }, swatch(color)),
      t("expert.classRange", { from: this._format(breaks[i]), to: this._format(breaks[i + 1]) })));
    const entries = this.answer.values;
    if (entries.some((v) => v.suppressed)) {
      items.push(el("li", { class: "legend-suppressed" }, el("span", { class: "legend-swatch" }, swatch(null)),
                    t("expert.suppressed")));
    }
    items.push(el("li", { class: "legend-missing" }, el("span", { class: "legend-swatch" }, swatch(MISSING_COLOR)),
                  t("expert.missing")));
    if (entries.some((v) => v.provisional)) {
      items.push(el("li", { class: "legend-provisional" }, t("expert.provisionalLegend")));
    }
    const method = t(`expert.method.${this.state.method}`);
    items.push(el("li", { class: "legend-note" }, t("expert.classBasis", { method })));
    this.ui.legend.replaceChildren(...items);
  }

  // ---------------------------------------------------------------- the table of the map

  _table() {
    const { year } = this.state;
    const rows = [...this.byUnit].map(([key, unit]) => ({ key, name: unit.name, entry: unit.years.get(year) }));
    const number = (row) => (row.entry && !row.entry.suppressed && typeof row.entry.value === "number"
      ? row.entry.value : null);
    const { column, direction } = this.sort;
    const sign = direction === "ascending" ? 1 : -1;
    rows.sort((a, b) => {
      if (column === "value") {
        const [x, y] = [number(a), number(b)];
        if (x === null || y === null) return (x === null) - (y === null); // no numbers last either way
        if (x !== y) return sign * (x - y);
      }
      return sign * compareNames(a.name, b.name);
    });
    const header = (key, label, numeric) => {
      const sorted = this.sort.column === key;
      const button = el("button", { type: "button", "aria-label": t("expert.sortBy", { column: label }) }, label);
      button.addEventListener("click", () => {
        this.sort = { column: key, direction: sorted && direction === "ascending" ? "descending" : "ascending" };
        this._table();
        this.ui.table.querySelector(`th[data-column="${key}"] button`).focus();
      });
      return el("th", { scope: "col", class: numeric ? "num" : null, "aria-sort": sorted ? direction : "none",
                        dataset: { column: key } }, button);
    };
    const indicator = this.indicators.get(this.state.indicator);
    const caption = el("caption", { class: "visually-hidden" },
                       `${localName(indicator, language())}, ${t(`level.${this.state.level}`)}, ${year}`);
    const head = el("thead", {}, el("tr", {}, header("name", t("expert.col.unit"), false),
                                    header("value", t("expert.col.value"), true)));
    const body = el("tbody", {}, rows.map((row) => {
      const link = el("button", { type: "button", class: "unit-link",
                                  "aria-label": t("expert.selectUnit", { name: row.name }) }, row.name);
      link.addEventListener("click", () => this.selectUnit(row.key, { focus: true }));
      return el("tr", { class: row.key === this.state.unit ? "is-selected" : null, dataset: { unit: row.key } },
                el("th", { scope: "row" }, link), el("td", { class: "num" }, this._entryText(row.entry)));
    }));
    this.ui.table.replaceChildren(caption, head, body);
  }

  // ---------------------------------------------------------------- one unit

  /** Select a unit (map click or table): its time series beside its parent's and the county's. */
  selectUnit(key, { focus }) {
    this.state.unit = this.state.unit === key && !focus ? "" : key;
    this._render();
    if (this.state.unit && focus) this.ui.unitBox.focus({ preventScroll: false });
  }

  _unitView() {
    const unit = this.byUnit.get(this.state.unit);
    this.ui.unitBox.hidden = !unit;
    if (!unit) {
      if (this.chart) this.chart.destroy();
      this.chart = null;
      return;
    }
    const indicator = this.indicators.get(this.state.indicator);
    const lang = language();
    const years = this.answer.years;
    const countyEntries = new Map();
    if (this.county) for (const entry of this.county.values) countyEntries.set(entry.year, entry);
    const showCounty = this.county && this.state.level !== COUNTY_LEVEL && countyEntries.size > 0;
    const parent = this._parent(this.state.unit);
    const parentEntries = parent ? parent.years : new Map();
    this.ui.unitHeading.textContent = `${unit.name}: ${localName(indicator, lang)}`;

    // The table alternative of the chart (and its only place for words such as "withheld").
    const breaks = years.filter((y) => [unit.years, parentEntries, countyEntries]
      .some((entries) => (entries.get(y) || {}).series_break));
    const head = el("tr", {}, el("th", { scope: "col" }, t("expert.col.year")),
                    el("th", { scope: "col", class: "num" }, unit.name),
                    parent ? el("th", { scope: "col", class: "num", dataset: { unit: parent.key } }, parent.name) : null,
                    showCounty ? el("th", { scope: "col", class: "num" }, t("expert.col.county")) : null);
    const rows = years.map((year) => el("tr", { dataset: { year } },
      el("th", { scope: "row" }, breaks.includes(year) ? `${year} (${t("expert.seriesBreak")})` : String(year)),
      el("td", { class: "num" }, this._entryText(unit.years.get(year))),
      parent ? el("td", { class: "num", dataset: { unit: parent.key } }, this._entryText(parentEntries.get(year))) : null,
      showCounty ? el("td", { class: "num" }, this._entryText(countyEntries.get(year))) : null));
    this.ui.series.replaceChildren(el("thead", {}, head), el("tbody", {}, rows));
    this.ui.chart.setAttribute("aria-label", t("expert.chartLabel", { indicator: localName(indicator, lang),
                                                                        unit: unit.name }));
    const number = (entry) => (entry && !entry.suppressed && typeof entry.value === "number" ? entry.value : null);
    const datasets = [{ label: unit.name, data: years.map((y) => number(unit.years.get(y))), borderColor: "#0b4f8a",
                        backgroundColor: "#0b4f8a", pointRadius: 3, spanGaps: false }];
    if (parent) {
      datasets.push({ label: parent.name, data: years.map((y) => number(parentEntries.get(y))), borderColor: PARENT_COLOR,
                      backgroundColor: PARENT_COLOR, borderDash: [2, 3], pointRadius: 2, spanGaps: false });
    }
    if (showCounty) {
      datasets.push({ label: t("expert.col.county"), data: years.map((y) => number(countyEntries.get(y))),
                      borderColor: "#b35806", backgroundColor: "#b35806", borderDash: [6, 4], pointRadius: 2 });
    }
    if (this.chart) this.chart.destroy();
    this.chart = timeSeriesChart(this.ui.chart, { years, datasets, breaks, indicator, lang });
  }

  /**
   * The selected unit's parent with its values (withheld ones as the public answer has them), when the
   * parent is not the county (shown anyway) and has values; loaded the first time, then the unit's
   * view is drawn again.
   */
  _parent(key) {
    const info = (this.units.get(this.state.level) || new Map()).get(key);
    if (!info || !info.parent || !info.parentLevel || info.parentLevel === COUNTY_LEVEL) return null;
    const url = API.values(this.state.indicator, info.parentLevel);
    if (!this.parentAnswers.has(url)) {
      this.parentAnswers.set(url, null);
      getJson(url).then((answer) => {
        this.parentAnswers.set(url, answer);
        if (this.state.unit === key && this.answer) this._unitView();
      }).catch((error) => console.warn("Familienatlas: the parent's values failed", error)); // unit and county stay
    }
    const answer = this.parentAnswers.get(url);
    const entries = answer ? answer.values.filter((v) => v.unit === info.parent) : [];
    if (!entries.length) return null;
    return { key: info.parent, name: entries[0].name, years: new Map(entries.map((v) => [v.year, v])) };
  }

  // ---------------------------------------------------------------- description

  _describe() {
    const indicator = this.indicators.get(this.state.indicator);
    if (!indicator) return;
    const lang = language();
    const name = (key) => {
      const other = this.indicators.get(key);
      return other ? localName(other, lang) : key;
    };
    const rows = [
      ["expert.def.definition", (lang === "en" ? indicator.definition_en : indicator.definition_de)
        || indicator.definition_de],
      ["expert.def.unit", t(`unitName.${indicator.unit}`) === `unitName.${indicator.unit}` ? indicator.unit
        : t(`unitName.${indicator.unit}`)],
      ["expert.def.formula", indicator.numerator && indicator.denominator
        ? t("expert.def.formulaText", { numerator: name(indicator.numerator), denominator: name(indicator.denominator) })
        : null],
      ["expert.def.polarity", t(`polarity.${indicator.polarity}`)],
      ["expert.def.source", indicator.source],
      ["expert.def.copyright", indicator.copyright],
      ["expert.def.lastUpdate", this.answer && this.answer.last_update ? formatDate(this.answer.last_update) : null],
      ["expert.def.confidentiality", t("expert.def.confidentialityText", {
        min_count: indicator.min_count ?? 0, min_denominator: indicator.min_denominator ?? 0 })],
    ];
    const breakNotes = this.answer ? this.answer.values.filter((v) => v.series_break && v.note) : [];
    const notes = [...new Set(breakNotes.map((v) => v.note))];
    this.ui.about.replaceChildren(...rows.filter(([, value]) => value).flatMap(([key, value]) => [
      el("dt", {}, t(key)), el("dd", {}, value)]),
    ...notes.flatMap((note) => [el("dt", {}, t("expert.seriesBreak")), el("dd", {}, note)]));
  }
}

// ------------------------------------------------------------------ small pieces

function escapeText(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function hatchPattern(id) {
  const ns = "http://www.w3.org/2000/svg";
  const pattern = document.createElementNS(ns, "pattern");
  for (const [name, value] of [["id", id], ["width", "8"], ["height", "8"], ["patternUnits", "userSpaceOnUse"],
                               ["patternTransform", "rotate(45)"]]) pattern.setAttribute(name, value);
  const ground = document.createElementNS(ns, "rect");
  for (const [name, value] of [["width", "8"], ["height", "8"], ["fill", "#ffffff"]]) ground.setAttribute(name, value);
  const line = document.createElementNS(ns, "rect");
  for (const [name, value] of [["width", "3"], ["height", "8"], ["fill", "#6d4c41"]]) line.setAttribute(name, value);
  pattern.append(ground, line);
  return pattern;
}

/** A legend swatch: a colour, or (null) the hatching of withheld values. */
function swatch(color) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 16");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const rect = document.createElementNS(ns, "rect");
  rect.setAttribute("width", "24");
  rect.setAttribute("height", "16");
  if (color) {
    rect.setAttribute("fill", color);
  } else {
    const defs = document.createElementNS(ns, "defs");
    defs.append(hatchPattern("legend-hatch"));
    svg.append(defs);
    rect.setAttribute("fill", "url(#legend-hatch)");
  }
  svg.append(rect);
  return svg;
}

/**
 * A Chart.js line chart of time series (one dataset per unit, null for a withheld or missing year) in
 * the indicator's unit, with the breaks in the series marked: the unit's chart and the comparison.
 */
export function timeSeriesChart(canvas, { years, datasets, breaks, indicator, lang }) {
  return new window.Chart(canvas, {
    type: "line",
    data: { labels: years.map(String), datasets },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false, locale: lang,
      plugins: {
        legend: { position: "bottom" },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${formatValue(item.parsed.y, indicator, lang, t)}` } },
      },
      scales: { y: { ticks: { callback: (value) => formatValue(value, indicator, lang, t, { tick: true }) } } },
    },
    plugins: [seriesBreakPlugin(years, breaks, t("expert.seriesBreak"))],
  });
}

/** Chart.js plugin: a dashed vertical line and a label at every year where a series breaks. */
export function seriesBreakPlugin(years, breakYears, label) {
  return {
    id: "seriesBreaks",
    afterDatasetsDraw(chart) {
      const { ctx, chartArea, scales } = chart;
      for (const year of breakYears) {
        const x = scales.x.getPixelForValue(years.indexOf(year));
        ctx.save();
        ctx.strokeStyle = "#6d4c41";
        ctx.setLineDash([4, 3]);
        ctx.beginPath();
        ctx.moveTo(x, chartArea.top);
        ctx.lineTo(x, chartArea.bottom);
        ctx.stroke();
        ctx.fillStyle = "#6d4c41";
        ctx.font = "11px system-ui, sans-serif";
        ctx.fillText(label, x + 3, chartArea.top + 11);
        ctx.restore();
      }
    },
  };
}
