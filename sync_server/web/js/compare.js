// The expert mode's comparison of up to five units (their time series in one chart and a sortable
// table, the county beside them) and the ranking of all units of the level for the year (a bar chart
// in the map's classes; the map's table is its text alternative).
//
// Both draw from what the expert mode holds in memory (all years of the indicator and level), so
// adding a unit or moving the year makes no request. A withheld value has no number: it is a gap in
// the chart, "nicht ausgewiesen (Geheimhaltung)" in the table and named below the ranking.

import { MISSING_COLOR, classOf, entryText, formatValue, numberOf } from "./classify.js";
import { byId, el } from "./dom.js";
import { timeSeriesChart } from "./expert.js";
import { compareNames, language, localName, t } from "./i18n.js";

export const MAX_COMPARE = 5;
// Okabe-Ito: distinguishable for colour-blind readers.
const SERIES_COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00"];
const COUNTY_COLOR = "#4b5a60";
const BAR_HEIGHT = 18;

export class CompareView {
  /** @param {{update: (change: object) => void}} options  update: change the expert mode's view. */
  constructor(options) {
    this.options = options;
    this.ui = {
      toggle: byId("expert-compare-toggle"), hint: byId("expert-compare-hint"), picker: byId("expert-compare-unit"),
      add: byId("expert-compare-add"), list: byId("expert-compare-list"), chartBox: byId("expert-compare-chart-box"),
      chart: byId("expert-compare-chart"), table: byId("expert-compare-table"),
      rankingHeading: byId("expert-ranking-heading"), rankingNote: byId("expert-ranking-note"),
      rankingBox: byId("expert-ranking-box"), ranking: byId("expert-ranking-chart"),
    };
    this.sort = { column: "", direction: "ascending" };
    this.chart = null;
    this.rankingChart = null;
    this.chartKey = "";
    this.ui.toggle.addEventListener("click", () => {
      const unit = this.expert.state.unit;
      if (this._keys().includes(unit)) this._set(this._keys().filter((k) => k !== unit));
      else this._set([...this._keys(), unit]);
    });
    this.ui.add.addEventListener("click", () => {
      const unit = this.ui.picker.value;
      if (unit && !this._keys().includes(unit)) this._set([...this._keys(), unit], { focus: this.ui.picker });
    });
  }

  _keys() {
    return this.expert ? this.expert.state.compare || [] : [];
  }

  _set(keys, { focus = null } = {}) {
    this.options.update({ compare: keys.slice(0, MAX_COMPARE) });
    if (focus && !focus.disabled) focus.focus();
    else if (focus) this.ui.list.querySelector("button")?.focus();
  }

  /** Draw comparison and ranking for the expert mode's current view (called after each of its renders). */
  render(expert) {
    this.expert = expert;
    if (!expert.answer) return;
    this._controls();
    this._comparison();
    this._ranking();
  }

  // -------------------------------------------------------------- the comparison

  _controls() {
    const { state, byUnit } = this.expert;
    const keys = this._keys();
    const full = keys.length >= MAX_COMPARE;
    const selected = byUnit.get(state.unit);
    const listed = keys.includes(state.unit);
    this.ui.toggle.hidden = !selected;
    this.ui.toggle.textContent = selected ? t(listed ? "compare.remove" : "compare.addUnit", { name: selected.name }) : "";
    this.ui.toggle.disabled = Boolean(selected) && !listed && full;
    this.ui.hint.textContent = full ? t("compare.full", { max: MAX_COMPARE })
      : keys.length ? t("compare.count", { count: keys.length, max: MAX_COMPARE }) : t("compare.empty", { max: MAX_COMPARE });
    const options = [...byUnit].filter(([key]) => !keys.includes(key))
      .sort((a, b) => compareNames(a[1].name, b[1].name))
      .map(([key, unit]) => el("option", { value: key }, unit.name));
    const before = this.ui.picker.value;
    this.ui.picker.replaceChildren(...options);
    if ([...byUnit.keys()].includes(before) && !keys.includes(before)) this.ui.picker.value = before;
    this.ui.picker.disabled = full || !options.length;
    this.ui.add.disabled = full || !options.length;
    this.ui.list.replaceChildren(...keys.map((key, i) => {
      const unit = byUnit.get(key);
      const remove = el("button", { type: "button", class: "link-button",
                                    "aria-label": t("compare.removeNamed", { name: unit.name }) }, t("compare.removeShort"));
      remove.addEventListener("click", () => this._set(keys.filter((k) => k !== key), { focus: this.ui.picker }));
      const swatch = el("span", { class: "compare-swatch", "aria-hidden": "true" });
      swatch.style.backgroundColor = SERIES_COLORS[i];
      return el("li", { dataset: { unit: key } }, swatch, el("span", {}, unit.name), remove);
    }));
  }

  _comparison() {
    const { answer, byUnit, county, state, indicators } = this.expert;
    const keys = this._keys();
    const show = keys.length > 0;
    this.ui.chartBox.hidden = !show;
    this.ui.table.hidden = !show;
    const lang = language();
    const indicator = indicators.get(state.indicator);
    const signature = JSON.stringify([keys, state.indicator, state.level, lang, answer.years]);
    if (!show) {
      if (this.chart) this.chart.destroy();
      this.chart = null;
      this.chartKey = "";
      this.ui.table.replaceChildren();
      return;
    }
    const years = answer.years;
    const countyEntries = new Map();
    if (county && state.level !== "landkreis") for (const entry of county.values) countyEntries.set(entry.year, entry);
    const rows = keys.map((key) => ({ key, name: byUnit.get(key).name, years: byUnit.get(key).years }));
    if (countyEntries.size) rows.push({ key: "", name: t("expert.col.county"), years: countyEntries, county: true });
    this._table(rows, years, indicator, lang);
    if (signature === this.chartKey) return;
    this.chartKey = signature;
    const datasets = rows.map((row, i) => ({
      label: row.name, data: years.map((y) => numberOf(row.years.get(y))),
      borderColor: row.county ? COUNTY_COLOR : SERIES_COLORS[i], backgroundColor: row.county ? COUNTY_COLOR : SERIES_COLORS[i],
      borderDash: row.county ? [6, 4] : [], pointRadius: 2.5, spanGaps: false,
    }));
    const breaks = years.filter((y) => rows.some((row) => (row.years.get(y) || {}).series_break));
    this.ui.chart.setAttribute("aria-label", t("compare.chartLabel", { indicator: localName(indicator, lang) }));
    if (this.chart) this.chart.destroy();
    this.chart = timeSeriesChart(this.ui.chart, { years, datasets, breaks, indicator, lang });
  }

  /** Units by rows, years by columns; sortable by name or by a year's value (no numbers last). */
  _table(rows, years, indicator, lang) {
    const { column, direction } = this.sort;
    const sign = direction === "ascending" ? 1 : -1;
    const sorted = [...rows];
    if (column === "name") sorted.sort((a, b) => sign * compareNames(a.name, b.name));
    else if (column) {
      const year = Number(column);
      sorted.sort((a, b) => {
        const [x, y] = [numberOf(a.years.get(year)), numberOf(b.years.get(year))];
        if (x === null || y === null) return (x === null) - (y === null);
        return sign * (x - y);
      });
    }
    const header = (key, label) => {
      const active = this.sort.column === key;
      const button = el("button", { type: "button", "aria-label": t("expert.sortBy", { column: label }) }, label);
      button.addEventListener("click", () => {
        this.sort = { column: key, direction: active && direction === "ascending" ? "descending" : "ascending" };
        this._comparison();
        this.ui.table.querySelector(`th[data-column="${key}"] button`).focus();
      });
      return el("th", { scope: "col", class: key === "name" ? null : "num", "aria-sort": active ? direction : "none",
                        dataset: { column: key } }, button);
    };
    const head = el("tr", {}, header("name", t("expert.col.unit")), years.map((y) => header(String(y), String(y))));
    const body = sorted.map((row) => el("tr", { dataset: { unit: row.key || "county" } },
      el("th", { scope: "row" }, row.name),
      years.map((y) => {
        const entry = row.years.get(y);
        return el("td", { class: `num${entry && entry.suppressed ? " is-suppressed" : ""}` },
                  entryText(entry, indicator, lang, t));
      })));
    this.ui.table.replaceChildren(
      el("caption", { class: "visually-hidden" }, t("compare.caption", { indicator: localName(indicator, lang) })),
      el("thead", {}, head), el("tbody", {}, body));
  }

  // -------------------------------------------------------------- the ranking

  _ranking() {
    const { byUnit, state, indicators, classes } = this.expert;
    const lang = language();
    const indicator = indicators.get(state.indicator);
    const year = state.year;
    const ranked = [];
    const withheld = [];
    const missing = [];
    for (const [key, unit] of byUnit) {
      const entry = unit.years.get(year);
      const number = numberOf(entry);
      if (number !== null) ranked.push({ key, name: unit.name, number });
      else (entry && entry.suppressed ? withheld : missing).push(unit.name);
    }
    ranked.sort((a, b) => b.number - a.number || compareNames(a.name, b.name));
    this.ranked = ranked;
    this.ui.rankingHeading.textContent = t("ranking.heading", { year: String(year ?? "") });
    const notes = [t("ranking.textAlternative")];
    if (withheld.length) notes.push(t("ranking.withheld", { names: withheld.sort(compareNames).join(", ") }));
    if (missing.length) notes.push(t("ranking.missing", { names: missing.sort(compareNames).join(", ") }));
    this.ui.rankingNote.replaceChildren(...notes.map((note) => el("span", {}, note, " ")));
    this.ui.rankingBox.style.height = `${Math.max(120, ranked.length * BAR_HEIGHT + 50)}px`;
    this.ui.ranking.setAttribute("aria-label", t("ranking.chartLabel", { indicator: localName(indicator, lang), year: String(year) }));
    this.ui.ranking.dataset.order = ranked.map((r) => r.key).join(",");
    const colors = ranked.map((r) => (classes && classes.breaks.length ? classes.colors[classOf(r.number, classes.breaks)]
      : MISSING_COLOR));
    const data = { labels: ranked.map((r) => r.name), datasets: [{
      label: localName(indicator, lang), data: ranked.map((r) => r.number), backgroundColor: colors,
      borderColor: "#37474f", borderWidth: ranked.map((r) => (r.key === state.unit ? 2 : 0.5)) }] };
    if (this.rankingChart && this.rankingLang === lang && this.rankingIndicator === state.indicator) {
      this.rankingChart.data = data;
      this.rankingChart.update("none");
      return;
    }
    if (this.rankingChart) this.rankingChart.destroy();
    this.rankingLang = lang;
    this.rankingIndicator = state.indicator;
    this.rankingChart = new window.Chart(this.ui.ranking, {
      type: "bar",
      data,
      options: {
        indexAxis: "y", animation: false, responsive: true, maintainAspectRatio: false, locale: lang,
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (item) => formatValue(item.parsed.x, indicator, lang, t) } },
        },
        scales: {
          x: { ticks: { callback: (value) => formatValue(value, indicator, lang, t, { tick: true }) } },
          y: { ticks: { autoSkip: false, font: { size: 11 } } },
        },
        onClick: (_event, elements) => {
          const hit = elements.length ? this.ranked[elements[0].index] : null;
          if (hit) this.expert.selectUnit(hit.key, { focus: false });
        },
      },
    });
  }
}
