// The shareable state in the address bar.
// Offers: ?q=search&cat=key,key&gem=municipality&offer=id&lang=de
// Indicators: ?mode=expert&ind=indicator&level=gemeinde&year=2023&unit=key&cls=quantile&k=5&lang=de

export function readUrl(location = window.location) {
  const params = new URLSearchParams(location.search);
  const cat = params.get("cat") || "";
  const year = Number.parseInt(params.get("year") || "", 10);
  const k = Number.parseInt(params.get("k") || "", 10);
  return {
    query: params.get("q") || "",
    categories: new Set(cat.split(",").map((s) => s.trim()).filter(Boolean)),
    municipality: params.get("gem") || "",
    offer: params.get("offer") || "",
    lang: params.get("lang") || "",
    mode: params.get("mode") === "expert" ? "expert" : "offers",
    expert: {
      indicator: params.get("ind") || "",
      level: params.get("level") || "",
      year: Number.isFinite(year) ? year : null,
      unit: params.get("unit") || "",
      method: params.get("cls") || "",
      classes: Number.isFinite(k) ? k : null,
    },
  };
}

/**
 * Write the state into the address bar without a new history entry per keystroke: the offers'
 * filters, or with `expert` the indicator view instead.
 */
export function writeUrl({ filters, offer, lang, expert = null }) {
  const params = new URLSearchParams();
  if (expert) {
    params.set("mode", "expert");
    for (const [name, value] of [["ind", expert.indicator], ["level", expert.level], ["year", expert.year],
                                 ["unit", expert.unit], ["cls", expert.method], ["k", expert.classes]]) {
      if (value !== null && value !== undefined && value !== "") params.set(name, String(value));
    }
  } else {
    if (filters.query.trim()) params.set("q", filters.query.trim());
    if (filters.categories.size) params.set("cat", [...filters.categories].sort().join(","));
    if (filters.municipality) params.set("gem", filters.municipality);
    if (offer) params.set("offer", offer);
  }
  if (lang) params.set("lang", lang);
  const search = params.toString().replace(/%2C/gi, ",");
  const url = `${window.location.pathname}${search ? `?${search}` : ""}${window.location.hash}`;
  if (url !== `${window.location.pathname}${window.location.search}${window.location.hash}`) {
    window.history.replaceState(null, "", url);
  }
}
