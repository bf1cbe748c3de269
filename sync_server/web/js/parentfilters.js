// The offers map's "Weitere Filter": the child's age, a language, wheelchair access, open now or on a
// weekday. Their state is facets.js's; the worker applies it (it loads the offers' facets at first use).

import { byId, debounce, el } from "./dom.js";
import { emptyFacets, facetsActive, readFacets } from "./facets.js";
import { t } from "./i18n.js";

export class ParentFilters {
  /**
   * @param {{onChange: () => void, languages: () => Promise<[string, number][]>}} options
   *   onChange: the filters changed; languages: the languages the offers name (the worker knows them)
   */
  constructor({ onChange, languages }) {
    this.ui = { box: byId("more-filters"), badge: byId("facets-active"), age: byId("facet-age"),
                language: byId("facet-language"), open: byId("facet-open"), wheelchair: byId("facet-wheelchair") };
    this.state = emptyFacets();
    this.languages = languages;
    this.filled = null;
    const changed = () => {
      this.read();
      onChange();
    };
    this.ui.box.addEventListener("toggle", () => {
      if (this.ui.box.open) this.fillLanguages();
    });
    this.ui.age.addEventListener("input", debounce(changed, 250));
    for (const control of [this.ui.language, this.ui.open, this.ui.wheelchair]) {
      control.addEventListener("change", changed);
    }
  }

  /** The language choices, once: the languages the published offers name, most offered first. */
  fillLanguages() {
    if (!this.filled) {
      this.filled = this.languages().then((names) => {
        const chosen = this.ui.language.value;
        const choices = names.map(([name]) => name);
        if (chosen && !choices.includes(chosen)) choices.push(chosen); // a link's choice no offer names
        this.ui.language.replaceChildren(this.ui.language.options[0],
          ...choices.map((name) => el("option", { value: name }, name)));
        this.ui.language.value = chosen;
      }).catch((error) => {
        this.filled = null; // opening the box again tries again
        console.warn("Familienatlas: the languages could not be loaded", error);
      });
    }
    return this.filled;
  }

  read() {
    this.state = readFacets({ age: this.ui.age.value, language: this.ui.language.value,
                              wheelchair: this.ui.wheelchair.checked, open: this.ui.open.value });
    this.translate();
  }

  /**
   * Show a state (of a link, or emptyFacets() to reset). A language of the link stays chosen before the
   * choices are loaded (its option is added), so the control shows what filters.
   */
  set(state) {
    this.ui.age.value = state.age === null ? "" : String(state.age);
    if (state.language && ![...this.ui.language.options].some((o) => o.value === state.language)) {
      this.ui.language.append(el("option", { value: state.language }, state.language));
    }
    this.ui.language.value = state.language;
    this.ui.open.value = state.open;
    this.ui.wheelchair.checked = state.wheelchair;
    this.read();
    if (facetsActive(this.state)) this.ui.box.open = true; // a link's filters are seen, not hidden
  }

  reset() {
    this.set(emptyFacets());
  }

  /** The badge beside "Weitere Filter": how many are set (in the current language). */
  translate() {
    const n = [this.state.age !== null, this.state.language, this.state.wheelchair, this.state.open]
      .filter(Boolean).length;
    this.ui.badge.hidden = !facetsActive(this.state);
    this.ui.badge.textContent = n ? t("themes.selected", { count: n }) : "";
  }
}
