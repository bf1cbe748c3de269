// The shareable state in the address bar: ?q=search&cat=key,key&gem=municipality&offer=id&lang=de

export function readUrl(location = window.location) {
  const params = new URLSearchParams(location.search);
  const cat = params.get("cat") || "";
  return {
    query: params.get("q") || "",
    categories: new Set(cat.split(",").map((s) => s.trim()).filter(Boolean)),
    municipality: params.get("gem") || "",
    offer: params.get("offer") || "",
    lang: params.get("lang") || "",
  };
}

/** Write the state into the address bar without a new history entry per keystroke. */
export function writeUrl({ filters, offer, lang }) {
  const params = new URLSearchParams();
  if (filters.query.trim()) params.set("q", filters.query.trim());
  if (filters.categories.size) params.set("cat", [...filters.categories].sort().join(","));
  if (filters.municipality) params.set("gem", filters.municipality);
  if (offer) params.set("offer", offer);
  if (lang) params.set("lang", lang);
  const search = params.toString().replace(/%2C/gi, ",");
  const url = `${window.location.pathname}${search ? `?${search}` : ""}${window.location.hash}`;
  if (url !== `${window.location.pathname}${window.location.search}${window.location.hash}`) {
    window.history.replaceState(null, "", url);
  }
}
