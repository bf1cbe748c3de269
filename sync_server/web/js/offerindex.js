// The page's side of the offers worker (offers-worker.js): each call is a message, answered in order.

export class OfferIndex {
  constructor() {
    this.worker = new Worker("/assets/js/offers-worker.js", { type: "module" });
    this.waiting = new Map();
    this.next = 1;
    this.worker.onmessage = (event) => {
      const { id, result, error } = event.data;
      const call = this.waiting.get(id);
      this.waiting.delete(id);
      if (!call) return;
      if (error) call.reject(new Error(error));
      else call.resolve(result);
    };
    this.worker.onerror = (event) => {
      for (const call of this.waiting.values()) call.reject(new Error(event.message || "worker failed"));
      this.waiting.clear();
    };
  }

  _call(type, args = {}) {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, type, ...args });
    });
  }

  /** Hand over the offers (what filters and clusters need), the category catalogue (names and search
   *  words) and the territories; the worker fetches the search text (prepareSearch) and the parents'
   *  filter data (at their first use) itself. Answers {clusterMaxZoom, homes}. */
  init(offers, categories, territories, searchUrl, facetsUrl) {
    return this._call("init", { offers, categories, searchUrl, facetsUrl, ...territories });
  }

  /** Suggestions for what was typed: [{kind, label, theme?, i?}] (search.js suggestions). */
  suggest(query, lang) {
    return this._call("suggest", { query, lang }).then((r) => r.items);
  }

  /** Load the search text now (the offers map is shown), not only at the first search. */
  prepareSearch() {
    this._call("prepareSearch").catch(() => {});
  }

  /** Apply filters: {mask: Uint8Array over the offers, counts: [[category key, n]]}. */
  filter(filters) {
    return this._call("filter", { filters: { ...filters, categories: [...filters.categories] } });
  }

  /** The `n` offers nearest to a point that pass the filters but the municipality: [{i, km}]. */
  nearest(filters, lng, lat, n) {
    return this._call("nearest", { filters: { ...filters, categories: [...filters.categories] }, lng, lat, n })
      .then((r) => r.offers);
  }

  /** The languages the offers name: [[name, number of offers]], most first. */
  languages() {
    return this._call("languages").then((r) => r.languages);
  }

  /** The offers' indexes ordered by name for a language (an Int32Array). */
  order(lang) {
    return this._call("sort", { lang }).then((r) => r.order);
  }

  clusters(bbox, zoom) {
    return this._call("clusters", { bbox, zoom });
  }

  expansionZoom(clusterId) {
    return this._call("expand", { cluster: clusterId }).then((r) => r.zoom);
  }

  revealZoom(index, from) {
    return this._call("reveal", { i: index, from }).then((r) => r.zoom);
  }
}
