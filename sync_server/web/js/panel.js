// The filter controls: the theme checkboxes (with counts and subcategories) and the municipality
// drop-down. Built once, then updated in place so keyboard focus stays where it is.

import { nameLang } from "./data.js";
import { el } from "./dom.js";
import { compareNames, t } from "./i18n.js";

function domId(prefix, key) {
  return `${prefix}-${String(key).replace(/[^\w-]/g, "_")}`;
}

export class CategoryList {
  /**
   * @param {HTMLUListElement} root
   * @param {object[]} tops top categories that have published offers, each with `children`
   * @param {(category: object, checked: boolean) => void} onToggle
   */
  constructor(root, tops, onToggle) {
    this.root = root;
    this.rows = new Map(); // key -> {category, input, count, item}
    this.expanders = [];
    root.replaceChildren(...tops.map((top) => this._top(top, onToggle)));
  }

  _row(category, onToggle) {
    const id = domId("cat", category.key);
    const input = el("input", { type: "checkbox", id, value: category.key });
    input.addEventListener("change", () => onToggle(category, input.checked));
    const count = el("span", { class: "count" });
    const swatch = el("span", { class: "swatch", "aria-hidden": "true" });
    swatch.style.backgroundColor = category.color;
    const name = el("span", { class: "name", lang: nameLang(category) }, category.name);
    const label = el("label", { for: id }, swatch, name, " ", count);
    const item = el("div", { class: "category-row" }, input, label);
    this.rows.set(category.key, { category, input, count, item, name });
    return item;
  }

  _top(top, onToggle) {
    const row = this._row(top, onToggle);
    const li = el("li", { class: "category", dataset: { key: top.key } }, row);
    if (top.children.length) {
      const listId = domId("subs", top.key);
      const button = el("button", { type: "button", class: "expand", "aria-expanded": "false",
                                    "aria-controls": listId });
      button.append(el("span", { "aria-hidden": "true" }, "▸"));
      const subs = el("ul", { class: "subcategories", id: listId, hidden: true },
        top.children.map((sub) => el("li", {}, this._row(sub, onToggle))));
      button.addEventListener("click", () => this._expand(top.key, button.getAttribute("aria-expanded") !== "true"));
      row.append(button);
      li.append(subs);
      this.expanders.push({ top, button, subs });
    }
    return li;
  }

  _expand(key, open) {
    for (const { top, button, subs } of this.expanders) {
      if (top.key !== key) continue;
      button.setAttribute("aria-expanded", String(open));
      subs.hidden = !open;
      button.classList.toggle("is-open", open);
    }
  }

  /** Checked states and counts for a selection (top keys and subcategory keys). */
  update(selected, counts) {
    for (const { category, input, count, item } of this.rows.values()) {
      const top = category.parent;
      const checked = selected.has(category.key) || Boolean(top && selected.has(top.key));
      const someSubs = !top && category.children.some((c) => selected.has(c.key));
      input.checked = checked;
      input.indeterminate = !checked && someSubs;
      const n = counts.get(category.key) || 0;
      count.textContent = n.toLocaleString();
      item.classList.toggle("is-empty", n === 0 && !checked);
      if (someSubs) this._expand(category.key, true);
    }
    this.translate();
  }

  /** Names and labels in the page's language. */
  translate() {
    for (const { category, name } of this.rows.values()) {
      name.textContent = category.name;
      if (nameLang(category)) name.setAttribute("lang", nameLang(category));
      else name.removeAttribute("lang");
    }
    for (const { top, button } of this.expanders) {
      button.setAttribute("aria-label", t("themes.subcategories", { name: top.name }));
      button.title = button.getAttribute("aria-label");
    }
  }
}

/**
 * Fill the municipality drop-down: the county's direct members by name, each Samtgemeinde
 * followed by its member municipalities (indented).
 */
export function fillMunicipalities(select, root) {
  const options = [];
  const add = (m, depth) => {
    const indent = "\u00a0\u00a0\u00a0".repeat(depth);
    options.push(el("option", { value: m.key, dataset: { depth } }, indent + m.name));
    [...m.children].sort((a, b) => compareNames(a.name, b.name)).forEach((c) => add(c, depth + 1));
  };
  if (root) [...root.children].sort((a, b) => compareNames(a.name, b.name)).forEach((m) => add(m, 0));
  select.append(...options);
}
