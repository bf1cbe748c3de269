// The atlas web map: wires the data, the filters, the map, the result list and the details.

import { renderDetails } from "./details.js";
import { categoryLabel, loadAtlas, loadDetails, loadMunicipalities, markerText, rootMunicipality, searchTerms,
         territoriesForWorker, topCategories, withAncestors } from "./data.js";
import { byId, debounce, isNarrow, nextTask } from "./dom.js";
import { emptyFilters, knownCategories, toggleCategory } from "./filters.js";
import { chooseLanguage, compareNames, language, saveLanguage, t, translatePage, useLanguage } from "./i18n.js";
import { CompareView } from "./compare.js";
import { API, getJson } from "./api.js";
import { Downloads } from "./downloads.js";
import { EmbedBox, isEmbed, showEmbedView } from "./embed.js";
import { ExpertMode } from "./expert.js";
import { IndicatorSearch, hitItems, searchIndicators } from "./indsearch.js";
import { AtlasMap, boundsOfMunicipality } from "./mapview.js";
import { Nearby, showNearest } from "./nearby.js";
import { OfferIndex } from "./offerindex.js";
import { ParentFilters } from "./parentfilters.js";
import { CategoryList, fillMunicipalities } from "./panel.js";
import { ProfileView, profileSearch } from "./profile.js";
import { ResultList } from "./results.js";
import { MAX_SUGGESTIONS, placeSuggestions } from "./search.js";
import { SearchSuggestions } from "./suggest.js";
import { mapViewText, readUrl, writeUrl } from "./urlstate.js";
import { SavedViews } from "./views.js";

const MODES = ["offers", "expert", "profile"];

const ui = {
  form: byId("filter-form"),
  search: byId("search"),
  suggestions: byId("search-suggestions"),
  municipality: byId("municipality"),
  themes: byId("themes"),
  themesActive: byId("themes-active"),
  categories: byId("categories"),
  reset: byId("reset"),
  tagline: document.querySelector(".tagline"),
  mapNote: byId("map-note"),
  mapNoteText: byId("map-note-text"),
  mapNoteClose: byId("map-note-close"),
  results: byId("results"),
  resultView: byId("result-view"),
  count: byId("result-count"),
  showAll: byId("show-all"),
  status: byId("status"),
  list: byId("result-list"),
  more: byId("more-results"),
  details: byId("details"),
};

const app = {
  ready: false,
  data: null,
  root: null,
  byId: new Map(),
  sorted: [], // all offers in the language's order of names
  mask: null, // the worker's last answer: mask[offer.index] is 1 for a matching offer
  filtering: 0, // the newest filter request (older answers are dropped)
  filters: emptyFilters(),
  matched: [],
  index: null,
  resultList: null,
  offerId: "",
  map: null,
  categoryList: null,
  returnView: null,
  returnFocus: "",
  mode: "offers",
  expert: null,
  expertInitial: null,
  profile: null,
  profileUnit: "",
  tops: [],
  started: false,
  restoring: false,
  applying: Promise.resolve(),
  indicatorSearch: null,
  offersFitPending: false,
  offersLoaded: null, // a promise: the offers' map, list and filters are built (see startOffers)
  embed: isEmbed(), // ?mode=expert&embed=1: the indicator map alone, in another site's frame
  views: null, // the staff login and the saved views (views.js); not in an embedded view
};

const MAX_INDICATOR_HITS = 4;
const NEAREST_OFFERS = 3; // offered elsewhere when nothing passes in the chosen municipality

function showStatus(message) {
  ui.status.textContent = message;
  ui.status.hidden = !message;
}

function setTitles() {
  const county = app.root ? app.root.name : "";
  ui.tagline.textContent = t("app.tagline", { county });
  const offer = app.byId.get(app.offerId);
  const title = t("app.title", { county });
  const profile = app.mode === "profile" && app.profile ? app.profile.title() : "";
  const prefix = profile || (app.mode === "offers" && offer ? offer.name : "");
  document.title = prefix ? `${prefix} – ${title}` : title;
}

function markLanguageButtons() {
  for (const button of document.querySelectorAll(".lang-button")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === language()));
  }
  // The county's legal pages open in the language chosen here.
  for (const link of document.querySelectorAll("a.legal-link")) {
    link.setAttribute("href", `${new URL(link.href).pathname}?lang=${language()}`);
  }
}

/**
 * Write the view into the address bar: a new history entry per view (see urlstate.js), except while
 * the page starts and while the year slider plays. While a view from the history is being shown the
 * address is left alone (Back may have moved on meanwhile); applyUrl writes it once at the end.
 */
function syncUrl({ replace = false, sameViewOnly = false } = {}) {
  if (app.embed) return; // an embedded view keeps its address
  updateProfileLinks();
  if (app.restoring) return;
  if (!app.ready && app.mode === "offers") return; // the offers' filters are not read from the URL yet
  const expert = app.mode === "expert" && app.expert ? app.expert.urlState() : null;
  const profile = app.mode === "profile" ? app.profileUnit : null;
  const quiet = replace || !app.started || Boolean(expert && app.expert.timer);
  const map = app.mode === "offers" && app.ready ? mapViewText(app.map.urlView()) : "";
  const offers = app.ready ? { facets: app.parents.state, near: app.nearby.linkPoint() } : {};
  writeUrl({ filters: app.filters, ...offers, offer: app.offerId, lang: language(), expert, profile, map },
           { replace: quiet, sameViewOnly });
}

/** The links to the profiles of the chosen municipality (offers) and of the selected unit (indicators). */
function updateProfileLinks() {
  const offersLink = byId("municipality-profile");
  const municipality = app.data ? app.data.municipalities.get(app.filters.municipality) : null;
  offersLink.hidden = !municipality;
  if (municipality) {
    offersLink.textContent = t("profile.linkTo", { name: municipality.name });
    offersLink.setAttribute("href", profileSearch(municipality.key));
  }
  const unit = app.expert && app.expert.byUnit ? app.expert.byUnit.get(app.expert.state.unit) : null;
  if (unit) {
    const expertLink = byId("expert-profile-link");
    expertLink.textContent = t("profile.linkTo", { name: unit.name });
    expertLink.setAttribute("href", profileSearch(app.expert.state.unit));
  }
}

// ------------------------------------------------------------------ modes: offers | indicators

function markModeButtons() {
  for (const button of document.querySelectorAll(".mode-button")) {
    button.setAttribute("aria-pressed", String(button.dataset.mode === app.mode));
  }
}

/** Show the offers map, the expert mode or a profile; the expert mode loads the first time it is shown. */
async function switchMode(mode) {
  if (mode === app.mode && (mode !== "expert" || app.expert)) return;
  app.mode = mode;
  for (const name of MODES) byId(`${name}-mode`).hidden = mode !== name;
  markModeButtons();
  if (mode !== "expert" && app.expert) app.expert.hidden();
  setTitles();
  if (mode === "offers") {
    if (app.index && app.ready) app.index.prepareSearch();
    if (app.map) {
      app.map.map.invalidateSize();
      // Built while the expert mode was shown (a hidden map has no size): fit it now that it has one.
      if (app.offersFitPending) fitSelection({ animate: false });
      app.offersFitPending = false;
    }
    syncUrl();
    return;
  }
  if (mode === "profile") return;
  if (!app.expert) {
    if (!window.ss || !window.Chart) {
      showExpertStatus(t("error.libraries"));
      return;
    }
    const compare = new CompareView({ update: (change) => app.expert.update(change) });
    const shares = [];
    app.expert = new ExpertMode({ initial: app.expertInitial,
                                  onStateChange: () => {
                                    compare.render(app.expert);
                                    for (const share of shares) share.update();
                                    syncUrl();
                                  },
                                  // The map's position is part of the link, not a view of its own.
                                  onMapMove: () => syncUrl({ replace: true, sameViewOnly: true }) });
    shares.push(new Downloads(app.expert), new EmbedBox(app.expert));
    try {
      await app.expert.start();
    } catch (error) {
      console.warn("Familienatlas: loading the indicators failed", error);
      showExpertStatus(t("expert.error"));
      app.expert = null; // choosing the mode again tries again
      return;
    }
    document.body.dataset.expertReady = "true";
  }
  app.expert.shown();
  syncUrl();
}

function showExpertStatus(message) {
  const status = byId("expert-status");
  status.textContent = message;
  status.hidden = !message;
}

// ------------------------------------------------------------------ profiles ("Steckbriefe")

/** Show the profile of a unit (its key; an unknown key shows a message and the unit picker). */
async function openProfile(key) {
  if (!app.profile) {
    app.profile = new ProfileView({ municipalities: app.data.municipalities, offers: app.data.offers,
                                    tops: app.tops, root: app.root, navigate });
  }
  app.profileUnit = key;
  await switchMode("profile");
  try {
    await app.profile.show(key);
  } catch (error) {
    console.warn("Familienatlas: loading the profile failed", error);
    const status = byId("profile-status");
    status.textContent = t("profile.error");
    status.hidden = false;
  }
  setTitles();
  syncUrl();
}

// ------------------------------------------------------------------ history: links, Back and Forward

/** Follow an in-app link: a new history entry, then show its view. */
function navigate(search) {
  window.history.pushState(null, "", `${window.location.pathname}${search}`);
  return showUrl({ focus: true });
}

/** Show the view of the address bar (after Back, Forward or an in-app link), one at a time. */
function showUrl({ focus = false } = {}) {
  app.applying = app.applying.then(() => applyUrl(focus)).catch((error) => {
    console.warn("Familienatlas: showing the view failed", error);
  });
  return app.applying;
}

async function applyUrl(focus) {
  const search = window.location.search;
  const state = readUrl();
  if (state.mode !== "expert") await app.offersLoaded; // a page opened in expert mode builds them later
  app.restoring = true;
  try {
    if (state.lang && state.lang !== language()) await switchLanguage(state.lang);
    if (state.mode === "profile") {
      await openProfile(state.profile);
      if (focus) byId("profile-heading").focus();
    } else if (state.mode === "expert") {
      app.expertInitial = state.expert;
      const fresh = !app.expert;
      await switchMode("expert");
      if (app.expert && !fresh) await app.expert.setView(state.expert);
      if (focus && app.expert && state.expert.unit) byId("expert-unit").focus();
      else if (focus) byId("expert-heading").focus();
    } else {
      await switchMode("offers");
      const municipality = app.data.municipalities.get(state.municipality);
      const gem = municipality && municipality !== app.root ? municipality.key : "";
      const moved = gem !== app.filters.municipality;
      app.filters = { query: state.query, categories: knownCategories(state.categories, app.data.categories),
                      municipality: gem };
      ui.search.value = app.filters.query;
      ui.municipality.value = app.filters.municipality;
      restoreNearFilters(state);
      if (state.offer && app.byId.has(state.offer)) {
        refresh({ fit: moved });
        openOffer(state.offer, { from: "url" });
      } else {
        closeDetails({ restore: !moved }); // Back from the details: the list, the map and the focus as before
        refresh({ fit: moved });
      }
      if (focus) ui.results.focus();
    }
  } finally {
    app.restoring = false;
    // The address of the view, completed (e.g. the year chosen); not when Back moved on meanwhile.
    if (window.location.search === search) syncUrl({ replace: true });
  }
}

/** The parents' filters and the picked place of a link; the visitor's own location stays when the link
 *  names no place (it is never in a link). */
function restoreNearFilters(state) {
  app.parents.set(state.facets);
  const shown = app.nearby.linkPoint();
  if (!shown && !state.near) return;
  if (shown && state.near && shown.lat.toFixed(5) === state.near.lat.toFixed(5)
      && shown.lng.toFixed(5) === state.near.lng.toFixed(5)) return;
  app.nearby.restore(state.near);
  app.nearby.measure(app.data.offers);
}

function wireHistory() {
  window.addEventListener("popstate", () => showUrl());
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-nav]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey
        || event.altKey) return;
    event.preventDefault();
    navigate(link.getAttribute("href"));
  });
}

// ------------------------------------------------------------------ the offline notice

/** Show (or with "" hide) the notice above the map; once closed it stays closed for this visit. */
function showMapNote(message) {
  const hidden = !message || app.noteClosed;
  if (ui.mapNote.hidden === hidden && ui.mapNoteText.textContent === message) return;
  ui.mapNoteText.textContent = message;
  ui.mapNote.hidden = hidden;
  if (app.map) app.map.map.invalidateSize(); // the map got taller or shorter
}

function wireMapNote() {
  ui.mapNoteClose.addEventListener("click", () => {
    app.noteClosed = true;
    showMapNote("");
    byId("map").focus({ preventScroll: true });
  });
}

// ------------------------------------------------------------------ rendering

function renderList() {
  if (!app.ready) return;
  app.resultList.render(app.map.inView(app.matched), app.matched.length);
}

/** Where each offer is (`offer.places`: its home municipality's key and those above it), as the
 *  worker found it; offers of one municipality share one set. */
function setPlaces(offers, homes) {
  const sets = new Map();
  offers.forEach((offer, i) => {
    if (!sets.has(homes[i])) {
      const home = app.data.municipalities.get(homes[i]);
      sets.set(homes[i], new Set(home ? withAncestors(home) : []));
    }
    offer.places = sets.get(homes[i]);
    offer.home = homes[i];
  });
}

/** All offers in the order of their names in the current language (the worker sorts). */
async function sortOffers() {
  const order = await app.index.order(language());
  app.sorted = Array.from(order, (i) => app.data.offers[i]);
}

function applyMask() {
  app.matched = app.nearby.sort(app.mask ? app.sorted.filter((o) => app.mask[o.index]) : []);
}

/** What the worker filters by: the filters of the link, the parents' filters and the page's clock. */
function filterRequest() {
  return { ...app.filters, facets: app.parents.state, now: Date.now() };
}

/** Nothing passes in the chosen municipality: the nearest matching offers elsewhere (nearby.js). */
async function offerNearest(request) {
  const municipality = app.data.municipalities.get(app.filters.municipality);
  if (app.matched.length || !municipality || !municipality.bbox) {
    showNearest(null);
    return;
  }
  const [west, south, east, north] = municipality.bbox;
  const from = app.nearby.point || { lng: (west + east) / 2, lat: (south + north) / 2 };
  const found = await app.index.nearest(filterRequest(), from.lng, from.lat, NEAREST_OFFERS);
  if (request !== app.filtering) return;
  const themes = [...app.filters.categories].map((key) => app.data.categories.get(key)).filter(Boolean);
  const what = themes.length === 1 ? categoryLabel(themes[0])
    : app.filters.query.trim() ? `„${app.filters.query.trim()}“` : t("nearest.matching");
  const items = found.map(({ i, km }) => {
    const offer = app.data.offers[i];
    const home = app.data.municipalities.get(offer.home);
    return { offer, km, town: home ? home.name : offer.city };
  });
  showNearest({ what, place: municipality.name, items, onOpen: (id) => openOffer(id, { from: "list" }) });
}

function fitSelection({ animate = true } = {}) {
  const selected = app.data.municipalities.get(app.filters.municipality);
  const bounds = boundsOfMunicipality(selected || app.root);
  if (bounds) app.map.fitBounds(bounds, { animate });
  else app.map.fitOffers(app.data.offers);
}

function updateThemeBadge() {
  const n = app.filters.categories.size;
  ui.themesActive.hidden = n === 0;
  ui.themesActive.textContent = n ? t("themes.selected", { count: n }) : "";
}

/**
 * Apply the filters to map and list; with `fit`, zoom to the chosen municipality (or the county). The
 * worker filters and clusters; what the page does at once (badge, outlines, zoom, address) needs it not.
 */
async function refresh({ fit = false, filtering = null } = {}) {
  const request = ++app.filtering;
  app.map.highlightMunicipality(app.filters.municipality);
  updateThemeBadge();
  if (fit) fitSelection();
  showIndicatorHits();
  syncUrl();
  document.body.dataset.filtering = "true";
  const { mask, counts } = await (filtering || app.index.filter(filterRequest()));
  if (request !== app.filtering) return; // a newer filter is on its way
  app.mask = mask;
  applyMask();
  const shown = app.map.show(); // the worker clusters while the page builds the list
  app.categoryList.update(app.filters.categories, new Map(counts));
  renderList();
  offerNearest(request).catch((error) => console.warn("Familienatlas: finding the nearest offers failed", error));
  await shown;
  if (request === app.filtering) {
    delete document.body.dataset.filtering;
    performance.mark("familienatlas:filtered"); // for bench/bench_offers_map.py
  }
}

/** The indicators that match the offers' search ("Kita": the childcare rates), as links to their maps. */
async function showIndicatorHits() {
  const box = byId("indicator-hits");
  const query = app.filters.query;
  if (!query.trim()) {
    box.hidden = true;
    return;
  }
  let catalogue;
  try {
    catalogue = await getJson(API.catalogue);
  } catch {
    box.hidden = true; // the offers work without the indicators
    return;
  }
  if (query !== app.filters.query) return;
  const hits = searchIndicators(catalogue, query).slice(0, MAX_INDICATOR_HITS);
  byId("indicator-hit-list").replaceChildren(...hitItems(hits));
  box.hidden = !hits.length;
}

// ------------------------------------------------------------------ details

function focusEntry(id) {
  const button = app.resultList.reach(id);
  if (button) button.focus();
  else ui.results.focus();
}

function showDetails(offer) {
  if (!offer.props) return;
  renderDetails(ui.details, offer, {
    onBack: () => closeDetails(),
    onShowOnMap: () => {
      app.map.select(offer.id, { reveal: true });
      if (isNarrow()) byId("map").scrollIntoView({ behavior: "smooth", block: "start" });
    },
  });
}

/** Open the details of an offer (fetched the first time); `from` is "list", "map" or "url". */
async function openOffer(id, { from }) {
  const offer = app.byId.get(id);
  if (!offer) return;
  try {
    offer.props = await loadDetails(id);
  } catch (error) {
    console.warn("Familienatlas: loading the details failed", error);
    showStatus(t("error.details"));
    return;
  }
  showStatus("");
  if (!app.offerId) {
    app.returnView = from === "map" ? null : app.map.view();
    app.returnFocus = id;
  }
  app.offerId = id;
  showDetails(offer);
  ui.resultView.hidden = true;
  ui.details.hidden = false;
  app.map.select(id, { reveal: from !== "map" });
  if (from !== "url") byId("details-name").focus({ preventScroll: true });
  ui.details.scrollIntoView({ behavior: isNarrow() ? "smooth" : "auto", block: "start" });
  setTitles();
  syncUrl();
}

/** Back to the list; `restore` puts the map view and keyboard focus back where they were. */
function closeDetails({ restore = true } = {}) {
  if (!app.offerId) return;
  app.map.select(null);
  app.offerId = "";
  ui.details.hidden = true;
  ui.resultView.hidden = false;
  if (restore && app.returnView) app.map.setView(app.returnView);
  app.returnView = null;
  renderList();
  if (restore) focusEntry(app.returnFocus);
  setTitles();
  syncUrl();
}

// ------------------------------------------------------------------ language

async function switchLanguage(lang) {
  if (lang === language()) return;
  await useLanguage(lang);
  saveLanguage(lang);
  translatePage();
  markLanguageButtons();
  setTitles();
  if (!ui.mapNote.hidden) ui.mapNoteText.textContent = t("map.tilesOffline");
  if (app.expert) app.expert.translate();
  if (app.views) app.views.translate();
  app.indicatorSearch.translate();
  if (!app.ready) return;
  app.map.setTranslator(t);
  app.categoryList.translate();
  app.parents.translate();
  app.nearby.translate();
  updateThemeBadge();
  await sortOffers();
  applyMask();
  app.resultList.translate();
  renderList();
  const offer = app.byId.get(app.offerId);
  if (offer) showDetails(offer);
  if (app.profile && app.mode === "profile") app.profile.render();
  showIndicatorHits();
  setTitles();
  syncUrl();
}

// ------------------------------------------------------------------ start

function wireControls() {
  const onSearch = debounce(() => {
    if (ui.search.value === app.filters.query) return; // Enter applied it already (and an offer may be open)
    app.filters.query = ui.search.value;
    closeDetails({ restore: false });
    refresh();
  }, 200);
  ui.search.addEventListener("input", onSearch);
  const search = () => {
    app.filters.query = ui.search.value;
    closeDetails({ restore: false });
    refresh();
    if (isNarrow()) ui.results.scrollIntoView({ behavior: "smooth", block: "start" });
  };
  ui.form.addEventListener("submit", (event) => {
    event.preventDefault();
    search();
  });
  // A theme or search word taken from the suggestions is searched for; an offer taken opens; a
  // municipality taken becomes the place filter (its name is no search word of the offers).
  const places = [...app.data.municipalities.values()].filter((m) => m !== app.root)
    .sort((a, b) => compareNames(a.name, b.name));
  const find = async (query) => [...placeSuggestions(query, places), ...await app.index.suggest(query, language())]
    .slice(0, MAX_SUGGESTIONS);
  new SearchSuggestions(ui.search, ui.suggestions, find, (item) => {
    if (item.kind === "offer") {
      // What was typed is searched now, so the search still waiting for a pause in typing does not close
      // the details that open.
      if (ui.search.value !== app.filters.query) {
        app.filters.query = ui.search.value;
        refresh();
      }
      openOffer(app.data.offers[item.i].id, { from: "list" });
      return;
    }
    if (item.kind === "place") {
      ui.search.value = "";
      app.filters.query = "";
      ui.municipality.value = item.key;
      app.filters.municipality = item.key;
      closeDetails({ restore: false });
      refresh({ fit: true });
      return;
    }
    ui.search.value = item.label;
    search();
  });
  ui.municipality.addEventListener("change", () => {
    app.filters.municipality = ui.municipality.value;
    closeDetails({ restore: false });
    refresh({ fit: true });
  });
  ui.reset.addEventListener("click", () => {
    app.filters = emptyFilters();
    app.parents.reset();
    app.nearby.clear();
    ui.search.value = "";
    ui.municipality.value = "";
    closeDetails({ restore: false });
    refresh({ fit: true });
  });
  ui.showAll.addEventListener("click", () => app.map.fitOffers(app.matched));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && app.offerId) closeDetails();
  });
}

function onCategoryToggle(category, checked) {
  app.filters.categories = toggleCategory(app.filters.categories, category, checked);
  closeDetails({ restore: false });
  refresh();
}

async function start() {
  const initial = readUrl();
  for (const button of document.querySelectorAll(".lang-button")) {
    button.addEventListener("click", () => switchLanguage(button.dataset.lang));
  }
  await useLanguage(chooseLanguage(initial.lang));
  translatePage();
  markLanguageButtons();
  wireMapNote();
  app.expertInitial = initial.expert;
  for (const button of document.querySelectorAll(".mode-button")) {
    button.addEventListener("click", () => switchMode(button.dataset.mode));
  }
  // The indicator search needs only the catalogue: usable before the offers have loaded.
  app.indicatorSearch = new IndicatorSearch({
    input: byId("expert-search"), list: byId("expert-search-results"), count: byId("expert-search-count"),
    catalogue: () => getJson(API.catalogue), current: () => (app.expert ? app.expert.urlState() : null),
    navigate,
  });
  if (!app.embed) {
    app.views = new SavedViews({ navigate, current: () => (app.expert ? app.expert.urlState() : null) });
    app.views.start();
  }
  ui.count.textContent = t("results.loading");
  if (!window.L || !window.proj4 || !window.Worker) {
    showStatus(t("error.libraries"));
    return;
  }
  // The expert mode draws from its own requests (early.js started them); the territories (the county's
  // name in the titles) and the offers load after it, and Back and Forward work from the first view on.
  if (initial.mode === "expert") {
    if (!app.embed) wireHistory();
    await switchMode("expert");
    loadMunicipalities().then((municipalities) => {
      app.root = app.root || rootMunicipality(municipalities);
      setTitles();
    }).catch(() => {});
    app.started = true;
    if (app.embed) { // the view alone: no offers, no history
      if (app.expert) showEmbedView(app.expert.urlState());
      return;
    }
  }
  app.offersLoaded = startOffers(initial);
  await app.offersLoaded;
}

/** Load the offers and build their map, list and filters (hidden when the page opened in expert mode). */
async function startOffers(initial) {
  // The data first (early.js asked for it): the rest of the start-up happens while it travels.
  const atlasLoading = loadAtlas();
  app.index = new OfferIndex(); // its modules load while the data does
  // The map and its background tiles start while the data travels.
  app.map = new AtlasMap(byId("map"), {
    t,
    colorOrder: [],
    onSelect: (id) => openOffer(id, { from: "map" }),
    onViewChange: () => {
      renderList();
      // The map's position is part of the link, not a view of its own.
      if (app.mode === "offers") syncUrl({ replace: true, sameViewOnly: true });
    },
    onTiles: (ok) => {
      showMapNote(ok ? "" : t("map.tilesOffline"));
    },
  });
  try {
    app.data = await atlasLoading;
  } catch (error) {
    console.warn("Familienatlas: loading the data failed", error);
    ui.count.textContent = "";
    showStatus(t("error.data"));
    return;
  }
  const { offers, categories, municipalities } = app.data;
  app.root = rootMunicipality(municipalities);
  app.byId = new Map(offers.map((o) => [o.id, o]));
  const municipality = municipalities.get(initial.municipality);
  app.filters = {
    query: initial.query,
    categories: knownCategories(initial.categories, categories),
    municipality: municipality && municipality !== app.root ? municipality.key : "",
  };
  const indexReady = app.index.init(
    offers.map((o) => ({ id: o.id, name: o.name, category: o.category, subcategory: o.subcategory, lng: o.lng,
                         lat: o.lat, color: o.color, owner: o.owner, area: o.area, text: markerText(o) })),
    searchTerms(categories), territoriesForWorker(municipalities), API.offerSearch, API.offerFacets);
  // The first filter (and its clusters) right behind: the worker computes it while this thread builds the
  // outlines, the themes and the list's frame, so the first markers wait for neither (bench_offers_map.py).
  const firstFilter = app.index.filter({ ...app.filters, facets: initial.facets, now: Date.now() });
  setTitles();
  await nextTask();

  // Only the categories that have published offers get a checkbox.
  const used = new Set(offers.flatMap((o) => [o.category, o.subcategory]));
  const tops = topCategories(categories).filter((c) => used.has(c.key));
  for (const top of tops) top.children = top.children.filter((c) => used.has(c.key));
  app.tops = tops;

  ui.search.value = app.filters.query;
  fillMunicipalities(ui.municipality, app.root);
  ui.municipality.value = app.filters.municipality;
  if (isNarrow()) ui.themes.open = false;

  app.map.colorOrder = tops.map((c) => c.color);
  app.map.setMunicipalities(municipalities);
  await nextTask();
  const { clusterMaxZoom, homes } = await indexReady;
  setPlaces(offers, homes);
  await sortOffers();
  app.map.setOffers(offers, {
    clusterMaxZoom,
    clusters: (bbox, zoom) => app.index.clusters(bbox, zoom),
    expansionZoom: (cluster) => app.index.expansionZoom(cluster),
    revealZoom: (index, from) => app.index.revealZoom(index, from),
  });
  app.categoryList = new CategoryList(ui.categories, tops, onCategoryToggle);
  app.resultList = new ResultList(ui, (id) => openOffer(id, { from: "list" }));
  const filtersChanged = () => {
    closeDetails({ restore: false });
    refresh();
  };
  app.parents = new ParentFilters({ onChange: filtersChanged, languages: () => app.index.languages() });
  app.nearby = new Nearby({ map: app.map.map, onChange: () => {
    app.nearby.measure(app.data.offers);
    filtersChanged();
  } });
  wireControls();
  restoreNearFilters(initial);
  app.offersFitPending = app.mode !== "offers" && !initial.map;
  if (initial.map) app.map.setView({ center: [initial.map.lat, initial.map.lng], zoom: initial.map.zoom });
  else fitSelection({ animate: false });
  app.ready = true;
  await refresh({ filtering: firstFilter });
  if (app.mode === "offers") app.index.prepareSearch();
  performance.mark("familienatlas:markers"); // the first markers are on the map (bench_offers_map.py)
  if (initial.offer && app.byId.has(initial.offer)) await openOffer(initial.offer, { from: "url" });
  if (!app.started) wireHistory();
  document.body.dataset.ready = "true";
  if (initial.mode === "profile") await openProfile(initial.profile);
  app.started = true;
  // For the curious (and the tests): the Leaflet map and the current state, read-only.
  window.familienatlas = Object.freeze({
    map: app.map.map,
    filters: () => ({ ...app.filters, categories: [...app.filters.categories] }),
    matched: () => app.matched.map((o) => o.id),
    listed: () => app.resultList.ids(),
  });
}

start().catch((error) => {
  console.warn("Familienatlas: start failed", error);
  showStatus(t("error.data"));
});
