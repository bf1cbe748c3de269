// Classes, colours and number formats of the expert mode's choropleth.
//
// The class breaks come from simple-statistics (window.ss, served from its npm package): quantiles,
// natural breaks (ckmeans) or equal intervals. The colours are ColorBrewer's sequential YlGnBu, which
// is safe for colour-blind readers and in greyscale print; the indicator's polarity orients it, so
// the dark end is always the end that deserves attention ("higher_better": dark = low).

export const METHODS = ["quantile", "ckmeans", "equal"];
export const DEFAULT_METHOD = "quantile";
export const DEFAULT_CLASSES = 5;
export const CLASS_COUNTS = [3, 4, 5, 6, 7];

// ColorBrewer YlGnBu (Cynthia Brewer, Mark Harrower, Pennsylvania State University), light to dark.
const YLGNBU = {
  3: ["#edf8b1", "#7fcdbb", "#2c7fb8"],
  4: ["#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"],
  5: ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"],
  6: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"],
  7: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"],
};
export const MISSING_COLOR = "#bdbdbd";
export const HATCH_ID = "expert-hatch";

/**
 * Break points [min, b1, ..., max] of `values` (numbers, no nulls) in up to `k` classes. Fewer
 * distinct values than classes give fewer classes (natural breaks cannot split equal numbers).
 */
export function classBreaks(values, method, k) {
  const ss = window.ss;
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return [];
  const distinct = new Set(sorted).size;
  const n = Math.max(1, Math.min(k, distinct));
  const min = sorted[0];
  const max = sorted[sorted.length - 1];
  if (n === 1) return [min, max];
  let inner;
  if (method === "ckmeans") {
    inner = ss.ckmeans(sorted, n).slice(1).map((cluster) => cluster[0]);
  } else if (method === "equal") {
    inner = ss.equalIntervalBreaks(sorted, n).slice(1, n);
  } else {
    inner = Array.from({ length: n - 1 }, (_, i) => ss.quantileSorted(sorted, (i + 1) / n));
  }
  return [min, ...inner, max];
}

/** The class (0-based) of a value: the number of inner breaks it reaches. */
export function classOf(value, breaks) {
  let index = 0;
  for (let i = 1; i < breaks.length - 1; i += 1) if (value >= breaks[i]) index = i;
  return index;
}

/** Colours light to dark for `n` classes; reversed for "higher_better" (dark = low). */
export function classColors(n, polarity) {
  const scheme = YLGNBU[Math.min(7, Math.max(3, n))].slice();
  const colors = n < 3 ? [scheme[0], scheme[2]].slice(0, n) : scheme;
  return polarity === "higher_better" ? colors.reverse() : colors;
}

const UNIT_SUFFIX = { percent: "unit.percent", per_1000: "unit.per1000", years: "unit.years" };

/**
 * A number in the indicator's unit and decimals, formatted for the language ("12,5 %"); `tick` for
 * chart axes, whose steps may be finer than the indicator's decimals (no "7,9 %" twice); `signed` for
 * a change, with its sign, and a change of a percentage in percentage points ("+1,2 Pp.").
 */
export function formatValue(value, indicator, lang, t, { tick = false, signed = false } = {}) {
  const decimals = Number.isInteger(indicator.decimals) ? indicator.decimals : 1;
  const digits = tick ? { minimumFractionDigits: 0, maximumFractionDigits: decimals + 2 }
    : { minimumFractionDigits: decimals, maximumFractionDigits: decimals };
  if (signed) digits.signDisplay = "exceptZero";
  const number = new Intl.NumberFormat(lang, digits).format(value);
  const suffix = signed && indicator.unit === "percent" ? "unit.points" : UNIT_SUFFIX[indicator.unit];
  return suffix ? t(suffix, { value: number }) : number;
}

/** The number of a value entry of the public API, or null (withheld, missing or no entry). */
export function numberOf(entry) {
  return entry && !entry.suppressed && typeof entry.value === "number" ? entry.value : null;
}

/**
 * The text of a value entry: its formatted value ("(vorläufig)" when provisional), "nicht ausgewiesen
 * (Geheimhaltung)" when withheld, "kein Wert" without one. A withheld entry has no number to show.
 */
export function entryText(entry, indicator, lang, t) {
  if (!entry || entry.suppressed) return entry ? t("expert.suppressed") : t("expert.missing");
  if (entry.value === null || entry.value === undefined) return t("expert.missing");
  const text = formatValue(entry.value, indicator, lang, t);
  return entry.provisional ? `${text} (${t("expert.provisional")})` : text;
}
