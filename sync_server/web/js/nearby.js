// "In meiner Nähe": the visitor's place (the browser's location, asked for only when the visitor presses
// the button, or a place picked on the map), the offers sorted by their distance from it, and the answer
// to an empty result: the nearest matching offers elsewhere, with their distance.

import { byId, el } from "./dom.js";
import { language, t, tNodes } from "./i18n.js";
import { distanceKm } from "./places.js";

const NEAR_ZOOM = 12; // the map around the place: a few kilometres each way
const GEOLOCATION_TIMEOUT_MS = 15000;

/** A distance as people read it: "850 m", "1,2 km", "12 km" (the number format of the language). */
export function formatKm(km) {
  if (km < 1) return `${new Intl.NumberFormat(language()).format(Math.max(10, Math.round(km * 100) * 10))} m`;
  const digits = km < 10 ? 1 : 0;
  return `${new Intl.NumberFormat(language(), { maximumFractionDigits: digits, minimumFractionDigits: digits })
    .format(km)} km`;
}

export class Nearby {
  /**
   * @param {{map: object, onChange: () => void}} options map: the Leaflet map; onChange: the place was set
   *   or removed
   */
  constructor({ map, onChange }) {
    this.map = map;
    this.onChange = onChange;
    this.point = null; // {lat, lng, source: "device" | "map"}
    this.marker = null;
    this.picking = false;
    this.ui = { locate: byId("nearby-locate"), pick: byId("nearby-pick"), clear: byId("nearby-clear"),
                status: byId("nearby-status") };
    this.ui.locate.addEventListener("click", () => this.locate());
    this.ui.pick.addEventListener("click", () => this.pick());
    this.ui.clear.addEventListener("click", () => this.clear());
    this.map.on("click", (event) => {
      if (this.picking) this.set(event.latlng.lat, event.latlng.lng, "map");
    });
  }

  /** Ask the browser for the visitor's location (the browser asks the visitor); a refusal is explained. */
  locate() {
    this.stopPicking();
    if (!navigator.geolocation) {
      this.say(t("nearby.unavailable"));
      return;
    }
    this.say(t("nearby.locating"));
    navigator.geolocation.getCurrentPosition(
      (position) => this.set(position.coords.latitude, position.coords.longitude, "device"),
      (error) => this.say(t(error.code === error.PERMISSION_DENIED ? "nearby.denied" : "nearby.unavailable")),
      { enableHighAccuracy: false, timeout: GEOLOCATION_TIMEOUT_MS, maximumAge: 60000 });
  }

  /** First press: the next click on the map picks the place. Second press: the map's centre is the place
   *  (so a keyboard user moves the map with the arrow keys and presses again). */
  pick() {
    if (this.picking) {
      const centre = this.map.getCenter();
      this.set(centre.lat, centre.lng, "map");
      return;
    }
    this.picking = true;
    this.ui.pick.textContent = t("nearby.pickCentre");
    this.ui.pick.setAttribute("aria-pressed", "true");
    this.map.getContainer().classList.add("picking");
    this.say(t("nearby.pickHint"));
  }

  stopPicking() {
    this.picking = false;
    this.ui.pick.textContent = t("nearby.pick");
    this.ui.pick.setAttribute("aria-pressed", "false");
    this.map.getContainer().classList.remove("picking");
  }

  set(lat, lng, source) {
    this.place(lat, lng, source);
    this.map.setView([lat, lng], Math.max(this.map.getZoom(), NEAR_ZOOM));
    this.onChange();
  }

  /** The place of a link (picked on the map by whoever shared it): marked, the map and filters left as they
   *  are (the caller measures and filters); null removes the place. */
  restore(point) {
    if (point) this.place(point.lat, point.lng, "map");
    else this.remove();
  }

  /** The place for a shareable link: one picked on the map; the visitor's own location never leaves the page. */
  linkPoint() {
    return this.point && this.point.source === "map" ? { lat: this.point.lat, lng: this.point.lng } : null;
  }

  place(lat, lng, source) {
    this.stopPicking();
    this.point = { lat, lng, source };
    if (this.marker) this.marker.remove();
    // A pin with its name written beside it ("Ihr Standort" / "Gewählter Ort"): told apart from the offers'
    // markers by shape and text, not by colour alone; not focusable, the status line says the same.
    this.marker = window.L.marker([lat, lng], {
      icon: window.L.divIcon({ className: "nearby-marker", html: "", iconSize: null, iconAnchor: [9, 9] }),
      interactive: false, keyboard: false, zIndexOffset: 1000,
    }).addTo(this.map);
    this.ui.clear.hidden = false;
    this.translate();
  }

  remove() {
    this.point = null;
    if (this.marker) this.marker.remove();
    this.marker = null;
    this.ui.clear.hidden = true;
    this.say("");
  }

  clear() {
    this.stopPicking();
    if (!this.point) {
      this.say("");
      return;
    }
    this.remove();
    this.onChange();
  }

  say(message) {
    this.ui.status.textContent = message;
  }

  translate() {
    this.ui.pick.textContent = t(this.picking ? "nearby.pickCentre" : "nearby.pick");
    if (!this.point) return;
    const device = this.point.source === "device";
    this.say(t(device ? "nearby.sortedDevice" : "nearby.sortedPlace"));
    const element = this.marker && this.marker.getElement();
    const name = t(device ? "nearby.markerDevice" : "nearby.markerPlace");
    if (element) {
      element.replaceChildren(el("span", { class: "nearby-pin", "aria-hidden": "true" }),
                              el("span", { class: "nearby-name" }, name));
    }
  }

  /** Each offer's distance from the place (`offer.distance`, km; undefined without a place). */
  measure(offers) {
    for (const offer of offers) {
      offer.distance = this.point ? distanceKm(this.point.lat, this.point.lng, offer.lat, offer.lng) : undefined;
    }
  }

  /** The offers nearest first (a copy); as they are without a place. */
  sort(offers) {
    return this.point ? [...offers].sort((a, b) => a.distance - b.distance) : offers;
  }
}

/**
 * Show the nearest matching offers elsewhere when none passes in the chosen municipality: "Keine
 * Schuldnerberatung in Melle. Die nächsten: ..." with each offer's place and distance; hidden otherwise.
 * @param {{what: string | Node, place: string, items: {offer: object, km: number, town: string}[],
 *          onOpen: (id: string) => void} | null} answer  what: a text, or an element (a theme's name marked
 *          with its language)
 */
export function showNearest(answer) {
  const box = byId("nearest");
  if (!answer) {
    box.hidden = true;
    return;
  }
  byId("nearest-text").replaceChildren(...tNodes(answer.items.length ? "nearest.none" : "nearest.nothing",
                                                 { what: answer.what, place: answer.place }));
  byId("nearest-list").replaceChildren(...answer.items.map(({ offer, km, town }) => {
    const dot = el("span", { class: "dot", "aria-hidden": "true" });
    dot.style.backgroundColor = offer.color;
    const button = el("button", { type: "button", class: "result", dataset: { id: offer.id } }, dot,
      el("span", { class: "result-text" }, el("span", { class: "result-name" }, offer.name),
        el("span", { class: "result-meta" }, t("nearest.where", { town, distance: formatKm(km) }))));
    button.addEventListener("click", () => answer.onOpen(offer.id));
    return el("li", {}, button);
  }));
  box.hidden = false;
}
