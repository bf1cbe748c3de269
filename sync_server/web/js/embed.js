// The embed snippet of the expert mode: an iframe of the indicator, level and year on screen in the
// minimal embed view (`&embed=1`: map, legend and table, no header and no controls, a link to the full
// atlas), for a municipality's own website; and that embed view itself.
//
// Which sites may frame the atlas is the server's setting FAMILIENATLAS_FRAME_ANCESTORS (the page's
// Content Security Policy); the snippet itself is plain HTML without script.

import { byId } from "./dom.js";
import { language, t } from "./i18n.js";
import { viewSearch } from "./urlstate.js";

const HEIGHT = 640;

/** Whether the page was opened as an embedded view. */
export function isEmbed(location = window.location) {
  const params = new URLSearchParams(location.search);
  return params.get("embed") === "1" && params.get("mode") === "expert";
}

/** The address of a view in the embed mode (the view without a selected unit, comparison or map position:
 *  the frame fits the units to its own size). */
export function embedUrl(view, lang, origin = window.location.origin, path = window.location.pathname) {
  const search = viewSearch({ expert: { ...view, unit: "", compare: [], map: "" }, lang });
  return `${origin}${path}${search}&embed=1`;
}

function escapeAttribute(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The HTML to paste: an iframe with a title (screen readers name the frame by it). */
export function embedSnippet(view, title, lang) {
  return `<iframe src="${escapeAttribute(embedUrl(view, lang))}" title="${escapeAttribute(title)}" `
    + `width="100%" height="${HEIGHT}" style="border:0" loading="lazy"></iframe>`;
}

export class EmbedBox {
  /** @param {import("./expert.js").ExpertMode} expert */
  constructor(expert) {
    this.expert = expert;
    this.code = byId("embed-code");
    this.copy = byId("embed-copy");
    this.status = byId("embed-status");
    this.copy.addEventListener("click", () => this._copy());
  }

  /** The snippet follows the view (called after every redraw). */
  update() {
    const view = this.expert.urlState();
    if (!view.indicator) return;
    const chosen = this.expert.ui.indicator.selectedOptions[0];
    const name = chosen ? chosen.textContent : view.indicator;
    const shown = `${name}, ${t(`level.${view.level}`)}, ${view.year ?? ""}`;
    byId("embed-title").textContent = shown; // the heading of the embedded view
    const snippet = embedSnippet(view, t("embed.frameTitle", { view: shown }), language());
    if (this.code.value !== snippet) {
      this.code.value = snippet;
      this.status.textContent = "";
    }
  }

  async _copy() {
    try {
      await navigator.clipboard.writeText(this.code.value);
    } catch {
      this.code.select(); // no clipboard access (an old browser, no secure context): the old way
      if (!document.execCommand("copy")) {
        this.status.textContent = t("embed.copyFailed");
        return;
      }
    }
    this.status.textContent = t("embed.copied");
  }
}

/** The embed view: mark the page (the stylesheet hides everything but map, legend and table) and link
 *  the full atlas with the same view. */
export function showEmbedView(view) {
  document.documentElement.classList.add("embed"); // early.js has done so already, before the first paint
  const link = byId("embed-open");
  const search = viewSearch({ expert: view, lang: language() });
  link.href = `${window.location.pathname}${search}`;
  link.hidden = false;
}
