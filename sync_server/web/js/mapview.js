// The Leaflet map: OpenStreetMap background, municipality outlines as a base layer (readable
// without tiles), the offers as category-coloured markers in clusters. The clusters are made by the
// offers worker; the map draws only what its view holds (a few hundred markers at most) and keeps the
// markers it can reuse when the view moves.

const TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
const HEX_COLOR = /^#[0-9a-f]{6}$/i;

const OUTLINE = {
  leaf: { color: "#6b7a80", weight: 1, fillColor: "#ffffff", fillOpacity: 0.12 },
  group: { color: "#4d5b61", weight: 2, fill: false },
  root: { color: "#2f3b40", weight: 3, fill: false },
  outside: { fillColor: "#5f6b70", fillOpacity: 0.28 },
  selected: { color: "#0b4f8a", weight: 3.5, fill: false, dashArray: null },
};

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function latLngs(polygons) {
  return polygons.map((rings) => rings.map((ring) => ring.map(([lng, lat]) => [lat, lng])));
}

export function boundsOfMunicipality(municipality) {
  const b = municipality && municipality.bbox;
  return b ? window.L.latLngBounds([b[1], b[0]], [b[3], b[2]]) : null;
}

export class AtlasMap {
  /**
   * @param {HTMLElement} container
   * @param {{onSelect: (id: string) => void, onViewChange: () => void, onTiles: (ok: boolean) => void,
   *          t: (key: string, params?: object) => string, colorOrder: string[]}} options
   */
  constructor(container, options) {
    const L = window.L;
    this.options = options;
    this.t = options.t;
    this.colorOrder = options.colorOrder;
    this.icons = new Map();
    this.outlines = [];
    this.selectedId = null;

    this.map = L.map(container, { zoomControl: false, zoomSnap: 0.5, minZoom: 7, maxZoom: 19,
                                  attributionControl: true });
    this.map.attributionControl.setPrefix(
      '<a href="https://leafletjs.com" hreflang="en">Leaflet</a>');
    this.map.createPane("outlines").style.zIndex = "350";
    this.map.setView([52.35, 8.0], 9); // the demo county; replaced by fitting the territory

    this.attribution = this.t("map.attribution");
    this.tiles = L.tileLayer(TILE_URL, { maxZoom: 19, attribution: this.attribution });
    this._watchTiles();
    this.tiles.addTo(this.map);

    this.layer = L.layerGroup().addTo(this.map);
    this.shown = new Map(); // key -> marker on the map ("o<id>" for an offer, "c<gen>:<id>" for a cluster)
    this.offers = [];
    this.generation = 0;
    this.drawn = 0; // the newest view request drawn (older answers are dropped)
    this.requested = 0;
    this.clusterMaxZoom = 17;
    this.scale = L.control.scale({ imperial: false, position: "bottomleft" }).addTo(this.map);
    this._addZoomControl();
    this.map.on("zoomend", () => this._labelsForZoom());
    this._labelsForZoom();
    this.map.on("moveend", () => {
      this.target = null;
      options.onViewChange();
      this.redraw();
    });
  }

  // ---------------------------------------------------------------- background and outlines

  _watchTiles() {
    let loaded = 0;
    let failed = 0;
    this.tilesOk = true;
    const report = (ok) => {
      if (ok !== this.tilesOk) {
        this.tilesOk = ok;
        this.map.getContainer().classList.toggle("tiles-offline", !ok);
        this.options.onTiles(ok);
      }
    };
    this.tiles.on("loading", () => { loaded = 0; failed = 0; });
    this.tiles.on("tileload", () => { loaded += 1; report(true); });
    this.tiles.on("tileerror", () => { failed += 1; if (loaded === 0) report(false); });
    this.tiles.on("load", () => report(!(failed > 0 && loaded === 0)));
  }

  /** Municipality names (shown only without background tiles) from zoom 10.5 on, where they fit. */
  _labelsForZoom() {
    this.map.getContainer().classList.toggle("labels-fit", this.map.getZoom() >= 10.5);
  }

  /** Outlines of all municipalities, the lowest level thin and filled, groups and county bolder. */
  setMunicipalities(municipalities) {
    const L = window.L;
    const all = [...municipalities.values()].filter((m) => m.polygons.length);
    const rank = (m) => (m.parent === null ? 2 : m.children.length ? 1 : 0);
    all.sort((a, b) => rank(a) - rank(b));
    for (const m of all) {
      const kind = rank(m) === 0 ? "leaf" : rank(m) === 1 ? "group" : "root";
      const layer = L.polygon(latLngs(m.polygons), { ...OUTLINE[kind], pane: "outlines", interactive: false });
      if (kind === "leaf") {
        const label = document.createElement("span");
        label.textContent = m.name;
        layer.bindTooltip(label, { permanent: true, direction: "center", className: "muni-label",
                                   pane: "outlines", interactive: false });
      }
      layer.addTo(this.map);
      this.outlines.push({ municipality: m, kind, layer });
    }
  }

  /** Emphasise one municipality (key) and grey out the rest; "" for none. */
  highlightMunicipality(key) {
    for (const { municipality, kind, layer } of this.outlines) {
      let ancestors = false;
      for (let m = municipality; m; m = m.parent) if (m.key === key) ancestors = true;
      const style = { ...OUTLINE[kind] };
      if (kind === "leaf" && key && !ancestors) Object.assign(style, OUTLINE.outside);
      if (key && municipality.key === key) Object.assign(style, OUTLINE.selected);
      layer.setStyle(style);
      if (key && municipality.key === key) layer.bringToFront();
    }
  }

  // ---------------------------------------------------------------- markers

  _icon(color) {
    const fill = HEX_COLOR.test(color) ? color : "#8c8c8c";
    if (!this.icons.has(fill)) {
      this.icons.set(fill, window.L.divIcon({
        className: "offer-marker",
        iconSize: [22, 22],
        iconAnchor: [11, 11],
        html: `<svg viewBox="0 0 22 22" width="22" height="22" aria-hidden="true" focusable="false">`
          + `<circle cx="11" cy="11" r="8.5" fill="${fill}" stroke="#ffffff" stroke-width="2.5"/>`
          + `<circle cx="11" cy="11" r="10" fill="none" stroke="#1f2a30" stroke-opacity="0.55" stroke-width="1"/>`
          + `</svg>`,
      }));
    }
    return this.icons.get(fill);
  }

  _clusterIcon(cluster) {
    const n = cluster.n;
    const counts = new Map(cluster.colors);
    const order = (color) => {
      const i = this.colorOrder.indexOf(color);
      return i < 0 ? this.colorOrder.length : i;
    };
    const colors = [...counts.keys()].sort((a, b) => order(a) - order(b));
    let offset = 0;
    const segments = colors.map((color) => {
      const share = (counts.get(color) / n) * 100;
      const fill = HEX_COLOR.test(color) ? color : "#8c8c8c";
      const circle = `<circle cx="21" cy="21" r="15.9155" fill="none" stroke="${fill}" stroke-width="7" `
        + `stroke-dasharray="${share.toFixed(3)} ${(100 - share).toFixed(3)}" stroke-dashoffset="${(25 - offset).toFixed(3)}"/>`;
      offset += share;
      return circle;
    }).join("");
    const size = n < 10 ? 36 : n < 50 ? 42 : 50;
    return window.L.divIcon({
      className: "offer-cluster",
      iconSize: [size, size],
      html: `<svg viewBox="0 0 42 42" width="${size}" height="${size}" aria-hidden="true" focusable="false">`
        + `<circle cx="21" cy="21" r="19.5" fill="#ffffff" stroke="#1f2a30" stroke-opacity="0.45" stroke-width="1"/>`
        + `${segments}</svg><span class="cluster-count" aria-hidden="true">${n}</span>`
        + `<span class="visually-hidden">${escapeHtml(this.t("map.cluster", { count: n }))}</span>`,
    });
  }

  /** The offers (their `index` is their place here); `clusters(bbox, zoom)` asks the worker. */
  setOffers(offers, { clusters, expansionZoom, revealZoom, clusterMaxZoom }) {
    this.offers = offers;
    this.source = { clusters, expansionZoom, revealZoom };
    this.clusterMaxZoom = clusterMaxZoom;
  }

  /** The filters changed: the worker has a new index, draw it. */
  async show() {
    this.generation += 1;
    this.spread = null;
    await this.redraw();
  }

  /** Ask the worker for the view (with half a view of margin, so a short pan needs nothing new). */
  async redraw() {
    if (!this.source) return;
    const request = ++this.requested;
    const bounds = this.map.getBounds().pad(0.5);
    const zoom = this.map.getZoom();
    const bbox = [Math.max(-180, bounds.getWest()), Math.max(-85, bounds.getSouth()),
                  Math.min(180, bounds.getEast()), Math.min(85, bounds.getNorth())];
    const { items } = await this.source.clusters(bbox, zoom);
    if (request < this.drawn) return;
    this.drawn = request;
    this._draw(items, zoom);
  }

  _draw(items, zoom) {
    const L = window.L;
    const wanted = new Map();
    const singles = [];
    for (const item of items) {
      if (item.i === undefined) {
        wanted.set(`c${this.generation}:${item.id}`, item);
      } else {
        const offer = this.offers[item.i];
        wanted.set(`o${offer.id}`, { offer, latlng: L.latLng(offer.lat, offer.lng) });
        singles.push(wanted.get(`o${offer.id}`));
      }
    }
    if (zoom > this.clusterMaxZoom) this._spreadOverlapping(singles, zoom);
    for (const [key, marker] of this.shown) {
      if (!wanted.has(key)) {
        this.layer.removeLayer(marker);
        this.shown.delete(key);
      }
    }
    for (const [key, item] of wanted) {
      let marker = this.shown.get(key);
      if (item.offer) {
        if (!marker) marker = this._offerMarker(item.offer, item.latlng);
        else marker.setLatLng(item.latlng);
      } else if (!marker) {
        marker = this._clusterMarker(item);
      }
      if (!this.shown.has(key)) {
        this.shown.set(key, marker);
        this.layer.addLayer(marker);
      }
    }
    this.map.getContainer().dataset.markers = String(this.shown.size);
  }

  /**
   * Offers in one building stay apart above the cluster zoom: markers closer than a marker's size are
   * set on a small circle around their middle (what leaflet.markercluster called spiderfying).
   */
  _spreadOverlapping(singles, zoom) {
    const groups = [];
    for (const single of singles) {
      const point = this.map.project(single.latlng, zoom);
      const group = groups.find((g) => g.point.distanceTo(point) < 18);
      if (group) group.members.push(single);
      else groups.push({ point, members: [single] });
    }
    for (const { point, members } of groups) {
      if (members.length < 2) continue;
      const radius = Math.max(22, (members.length * 26) / (2 * Math.PI));
      members.forEach((member, k) => {
        const angle = (2 * Math.PI * k) / members.length - Math.PI / 2;
        const at = point.add(window.L.point(radius * Math.cos(angle), radius * Math.sin(angle)));
        member.latlng = this.map.unproject(at, zoom);
      });
    }
  }

  _offerMarker(offer, latlng) {
    const marker = window.L.marker(latlng, { icon: this._icon(offer.color), title: offer.name, keyboard: true,
                                             riseOnHover: true });
    marker.offer = offer;
    marker.on("click", () => this.options.onSelect(offer.id));
    marker.on("keypress", (e) => {
      const key = e.originalEvent.key;
      if (key === "Enter" || key === " ") {
        e.originalEvent.preventDefault();
        this.options.onSelect(offer.id);
      }
    });
    marker.on("add", () => this._decorate(marker));
    if (offer.id === this.selectedId) marker.setZIndexOffset(1000);
    return marker;
  }

  _clusterMarker(item) {
    const marker = window.L.marker([item.lat, item.lng], { icon: this._clusterIcon(item), keyboard: true });
    marker.cluster = item;
    const open = async () => {
      const zoom = Math.min(await this.source.expansionZoom(item.id), this.map.getMaxZoom());
      const focusMap = marker.getElement() === document.activeElement;
      this.map.setView([item.lat, item.lng], Math.max(zoom, this.map.getZoom() + 1));
      if (focusMap) this.map.getContainer().focus({ preventScroll: true }); // the cluster is gone
    };
    marker.on("click", open);
    marker.on("keypress", (e) => {
      const key = e.originalEvent.key;
      if (key === "Enter" || key === " ") {
        e.originalEvent.preventDefault();
        open();
      }
    });
    return marker;
  }

  _decorate(marker) {
    const element = marker.getElement();
    if (!element || !marker.offer) return;
    element.dataset.id = marker.offer.id;
    element.setAttribute("aria-label", marker.offer.name);
    element.classList.toggle("is-selected", marker.offer.id === this.selectedId);
  }

  /** The marker of an offer, when it is drawn. */
  markerOf(id) {
    return this.shown.get(`o${id}`) || null;
  }

  /** The offers in the view, or in the view the map is moving to (in their order). */
  inView(offers) {
    const b = this.target || this.map.getBounds();
    const [south, west, north, east] = [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()];
    return offers.filter((o) => o.lat >= south && o.lat <= north && o.lng >= west && o.lng <= east);
  }

  /** Mark an offer as selected; with `reveal`, zoom until its marker stands on its own. */
  async select(id, { reveal = false } = {}) {
    const previous = this.markerOf(this.selectedId);
    this.selectedId = id;
    if (previous) {
      previous.setZIndexOffset(0);
      this._decorate(previous);
    }
    const marker = this.markerOf(id);
    if (marker) {
      marker.setZIndexOffset(1000);
      this._decorate(marker);
    }
    const offer = this.offers.find((o) => o.id === id);
    if (!reveal || !offer) return;
    const zoom = await this.source.revealZoom(offer.index, this.map.getZoom());
    const target = zoom === null ? Math.max(this.map.getZoom(), 15) : Math.max(this.map.getZoom(), zoom);
    this.map.setView([offer.lat, offer.lng], Math.min(target, this.map.getMaxZoom()));
  }

  // ---------------------------------------------------------------- view

  fitBounds(bounds, { animate = true } = {}) {
    if (!bounds || !bounds.isValid()) return;
    const options = { padding: [16, 16], maxZoom: 16, animate };
    // The list shows the target view at once instead of the views passed while zooming
    // (_getBoundsCenterZoom is what fitBounds itself uses; Leaflet is pinned in package.json).
    const { center, zoom } = this.map._getBoundsCenterZoom(bounds, options);
    const pixels = this.map.getPixelBounds(center, zoom);
    this.target = window.L.latLngBounds(this.map.unproject(pixels.getBottomLeft(), zoom),
                                        this.map.unproject(pixels.getTopRight(), zoom));
    this.map.fitBounds(bounds, options);
  }

  fitOffers(offers) {
    if (!offers.length) return;
    this.fitBounds(window.L.latLngBounds(offers.map((o) => [o.lat, o.lng])));
  }

  /** The view for a link: zoom and centre, rounded to what the zoom can show. */
  urlView() {
    const { lat, lng } = this.map.getCenter();
    return { zoom: this.map.getZoom(), lat, lng };
  }

  view() {
    return { center: this.map.getCenter(), zoom: this.map.getZoom() };
  }

  setView(view) {
    this.map.setView(view.center, view.zoom);
  }

  // ---------------------------------------------------------------- language

  _addZoomControl() {
    this.zoom = window.L.control.zoom({ position: "topright", zoomInTitle: this.t("map.zoomIn"),
                                        zoomOutTitle: this.t("map.zoomOut") }).addTo(this.map);
  }

  setTranslator(t) {
    this.t = t;
    this.map.attributionControl.removeAttribution(this.attribution);
    this.attribution = t("map.attribution");
    this.tiles.options.attribution = this.attribution;
    this.map.attributionControl.addAttribution(this.attribution);
    this.zoom.remove();
    this._addZoomControl();
    for (const marker of this.shown.values()) {
      if (marker.cluster) marker.setIcon(this._clusterIcon(marker.cluster));
      else this._decorate(marker);
    }
  }
}
