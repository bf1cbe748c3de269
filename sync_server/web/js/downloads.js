// Downloads of exactly what the expert mode shows: the indicator, level and year on screen as CSV
// (German Excel), XLSX and GeoJSON from the server's public download (which applies the confidentiality
// rule like every public answer and adds definition, source, licence and stand), and the map with its
// legend as a PNG drawn here from the map's own shapes (no screenshot library, nothing leaves the page).
//
// A withheld value is hatched in the PNG exactly as on the map; its number is not in the page at all.

import { byId } from "./dom.js";
import { language, t } from "./i18n.js";

const FORMATS = ["csv", "xlsx", "geojson"];
const SCALE = 2; // the PNG at twice the screen's pixels, sharp in a report
const LEGEND_WIDTH = 300;
const MARGIN = 16;
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

/** The server's file of a view: /api/v1/indicators/<key>/download?format=&level=&year=&lang= */
export function downloadUrl(state, format, lang) {
  const params = new URLSearchParams({ format, level: state.level, lang });
  if (state.year !== null && state.year !== undefined) params.set("year", String(state.year));
  return `/api/v1/indicators/${encodeURIComponent(state.indicator)}/download?${params}`;
}

export class Downloads {
  /** @param {import("./expert.js").ExpertMode} expert */
  constructor(expert) {
    this.expert = expert;
    this.links = FORMATS.map((format) => byId(`download-${format}`));
    this.button = byId("download-png");
    this.status = byId("download-status");
    this.button.addEventListener("click", () => this.png().catch((error) => {
      console.warn("Familienatlas: the map picture failed", error);
      this.status.textContent = t("downloads.pngFailed");
    }));
  }

  /** The links follow the view (called after every redraw). */
  update() {
    const { state } = this.expert;
    const ready = Boolean(state.indicator && state.level && this.expert.answer && this.expert.answer.values.length);
    for (const link of this.links) {
      if (ready) link.href = downloadUrl(state, link.dataset.format, language());
      else link.removeAttribute("href");
      link.setAttribute("aria-disabled", String(!ready));
    }
    this.button.disabled = !ready;
  }

  /** Draw map, title, legend and notes into a canvas and offer it as a PNG file. */
  async png() {
    this.status.textContent = "";
    const { state } = this.expert;
    // The notes (source, licence, stand, definition) as the server's download gives them.
    const answer = await fetch(downloadUrl(state, "geojson", language()), { headers: { Accept: "application/geo+json" } });
    if (!answer.ok) throw new Error(`notes: HTTP ${answer.status}`);
    const notes = (await answer.json()).notes || [];
    const canvas = drawPicture(this.expert, notes);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
    if (!blob) throw new Error("the browser made no PNG");
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = `familienatlas_${state.indicator}_${state.level}_${state.year}.png`;
    document.body.append(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    this.status.textContent = t("downloads.pngDone");
  }
}

// ------------------------------------------------------------------ the picture

function hatch(ctx) {
  const tile = document.createElement("canvas");
  tile.width = 8;
  tile.height = 8;
  const g = tile.getContext("2d");
  g.fillStyle = "#ffffff";
  g.fillRect(0, 0, 8, 8);
  g.strokeStyle = "#6d4c41";
  g.lineWidth = 3;
  g.beginPath();
  for (const offset of [-8, 0, 8]) {
    g.moveTo(offset, 8);
    g.lineTo(offset + 8, 0);
  }
  g.stroke();
  return ctx.createPattern(tile, "repeat");
}

function fillOf(ctx, color) {
  return String(color).startsWith("url(") ? hatch(ctx) : color;
}

/** Lines of at most `width` pixels (words kept whole). */
function wrap(ctx, text, width) {
  const lines = [];
  let line = "";
  for (const word of String(text).split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (ctx.measureText(next).width > width && line) {
      lines.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function drawUnits(ctx, expert, top) {
  const { map } = expert;
  for (const layer of expert.layers.values()) {
    const options = layer.options;
    ctx.beginPath();
    for (const polygon of normalise(layer.getLatLngs())) {
      for (const ring of polygon) {
        ring.forEach((latLng, i) => {
          const p = map.latLngToContainerPoint(latLng);
          if (i === 0) ctx.moveTo(MARGIN + p.x, top + p.y);
          else ctx.lineTo(MARGIN + p.x, top + p.y);
        });
        ctx.closePath();
      }
    }
    ctx.fillStyle = fillOf(ctx, options.fillColor); // opaque: the legend's colours exactly (no background map)
    ctx.fill("evenodd");
    ctx.strokeStyle = options.color;
    ctx.lineWidth = options.weight;
    ctx.setLineDash(options.dashArray ? String(options.dashArray).split(/[ ,]+/).map(Number) : []);
    ctx.stroke();
    ctx.setLineDash([]);
  }
}

/** Leaflet's nesting of a polygon's latLngs (rings, or polygons of rings) as polygons of rings. */
function normalise(latLngs) {
  if (!Array.isArray(latLngs[0])) return [[latLngs]];
  if (!Array.isArray(latLngs[0][0])) return [latLngs];
  return latLngs;
}

function drawLegend(ctx, left, top) {
  let y = top;
  ctx.font = `bold 15px ${FONT}`;
  ctx.fillStyle = "#1b1b1b";
  ctx.fillText(t("expert.legend"), left, y);
  y += 24;
  ctx.font = `13px ${FONT}`;
  for (const item of document.querySelectorAll("#expert-legend-list li")) {
    const text = item.textContent.trim();
    const swatch = item.querySelector(".legend-swatch");
    if (swatch) {
      const color = item.dataset.color || (item.classList.contains("legend-suppressed") ? "url(#hatch)"
        : item.classList.contains("legend-missing") ? "#bdbdbd" : null);
      ctx.fillStyle = fillOf(ctx, color);
      ctx.fillRect(left, y - 12, 24, 16);
      ctx.strokeStyle = "#5f6b70";
      ctx.lineWidth = 1;
      ctx.strokeRect(left, y - 12, 24, 16);
    }
    ctx.fillStyle = "#1b1b1b";
    for (const line of wrap(ctx, text, LEGEND_WIDTH - (swatch ? 36 : 0) - MARGIN)) {
      ctx.fillText(line, left + (swatch ? 32 : 0), y);
      y += 18;
    }
    y += 4;
  }
  return y;
}

/** The whole picture: title, the map's units as they are drawn now, legend, notes. */
function drawPicture(expert, notes) {
  const mapWidth = expert.ui.map.clientWidth;
  const mapHeight = expert.ui.map.clientHeight;
  const width = MARGIN + mapWidth + MARGIN + LEGEND_WIDTH;
  const measure = document.createElement("canvas").getContext("2d");
  measure.font = `12px ${FONT}`;
  const wanted = ["definition", "source", "licence", "stand"]; // withheld values: in the legend
  const noteLines = notes.filter((n) => wanted.includes(n.key))
    .flatMap((n) => wrap(measure, `${n.label}: ${n.text}`, width - 2 * MARGIN));
  const chosen = expert.ui.indicator.selectedOptions[0];
  const title = chosen ? chosen.textContent : expert.state.indicator;
  const subtitle = `${t(`level.${expert.state.level}`)}, ${expert.state.year}`;
  const top = MARGIN + 52;
  const height = top + mapHeight + MARGIN + noteLines.length * 16 + 32;
  const canvas = document.createElement("canvas");
  canvas.width = width * SCALE;
  canvas.height = height * SCALE;
  const ctx = canvas.getContext("2d");
  ctx.scale(SCALE, SCALE);
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, width, height);
  ctx.textBaseline = "alphabetic";
  ctx.fillStyle = "#1b1b1b";
  ctx.font = `bold 18px ${FONT}`;
  ctx.fillText(title, MARGIN, MARGIN + 18);
  ctx.font = `14px ${FONT}`;
  ctx.fillText(subtitle, MARGIN, MARGIN + 40);
  ctx.save();
  ctx.beginPath();
  ctx.rect(MARGIN, top, mapWidth, mapHeight);
  ctx.clip();
  ctx.fillStyle = "#f4f6f3";
  ctx.fillRect(MARGIN, top, mapWidth, mapHeight);
  drawUnits(ctx, expert, top);
  ctx.restore();
  drawLegend(ctx, MARGIN + mapWidth + MARGIN, top + 14);
  ctx.font = `12px ${FONT}`;
  ctx.fillStyle = "#333333";
  let y = top + mapHeight + MARGIN + 12;
  for (const line of noteLines) {
    ctx.fillText(line, MARGIN, y);
    y += 16;
  }
  ctx.fillText(`${t("downloads.madeWith")} – ${window.location.href}`.slice(0, 240), MARGIN, y + 4);
  return canvas;
}
