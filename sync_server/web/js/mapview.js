// The Leaflet map: OpenStreetMap background, municipality outlines as a base layer (readable
// without tiles), the offers as category-coloured markers in clusters.

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
    this.markers = new Map();
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

    this.cluster = L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 48,
      spiderfyOnMaxZoom: true,
      iconCreateFunction: (cluster) => this._clusterIcon(cluster),
    });
    this.cluster.addTo(this.map);
    this.scale = L.control.scale({ imperial: false, position: "bottomleft" }).addTo(this.map);
    this._addZoomControl();
    this.map.on("zoomend", () => this._labelsForZoom());
    this._labelsForZoom();
    this.map.on("moveend", () => {
      this.target = null;
      options.onViewChange();
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
    const children = cluster.getAllChildMarkers();
    const n = children.length;
    const counts = new Map();
    for (const marker of children) counts.set(marker.offer.color, (counts.get(marker.offer.color) || 0) + 1);
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

  /** Create one marker per offer (once). */
  setOffers(offers) {
    const L = window.L;
    for (const offer of offers) {
      const marker = L.marker([offer.lat, offer.lng], { icon: this._icon(offer.color), title: offer.name,
                                                         keyboard: true, riseOnHover: true });
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
      this.markers.set(offer.id, marker);
    }
  }

  _decorate(marker) {
    const element = marker.getElement();
    if (!element) return;
    element.dataset.id = marker.offer.id;
    element.setAttribute("aria-label", marker.offer.name);
    element.classList.toggle("is-selected", marker.offer.id === this.selectedId);
  }

  /** Show exactly these offers. */
  show(offers) {
    this.cluster.clearLayers();
    this.cluster.addLayers(offers.map((o) => this.markers.get(o.id)).filter(Boolean));
  }

  isShown(id) {
    const marker = this.markers.get(id);
    return Boolean(marker && this.cluster.hasLayer(marker));
  }

  /** Whether an offer is in the view, or in the view the map is moving to. */
  inView(offer) {
    return (this.target || this.map.getBounds()).contains([offer.lat, offer.lng]);
  }

  /** Mark an offer as selected; with `reveal`, zoom until its marker stands on its own. */
  select(id, { reveal = false } = {}) {
    const previous = this.markers.get(this.selectedId);
    this.selectedId = id;
    if (previous) {
      previous.setZIndexOffset(0);
      this._decorate(previous);
    }
    const marker = this.markers.get(id);
    if (!marker) return;
    marker.setZIndexOffset(1000);
    this._decorate(marker);
    if (!reveal) return;
    if (this.cluster.hasLayer(marker)) {
      this.cluster.zoomToShowLayer(marker, () => this._decorate(marker));
    } else {
      this.map.setView(marker.getLatLng(), Math.max(this.map.getZoom(), 15));
    }
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
    this.cluster.refreshClusters();
  }
}
