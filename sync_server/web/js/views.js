// Saved views of the expert mode ("Ansichten"): the staff login dialog, "Ansicht speichern", the list
// of the views the user may see (open, rename, delete, share, propose; the admin publishes, declines,
// unpublishes), and the featured views of the public atlas for every visitor. A view is the expert
// mode's permalink state; which views a user sees and may change is decided by the server alone.

import { byId, el } from "./dom.js";
import { language, t } from "./i18n.js";
import { ApiError, currentUser, login, logout, onSessionChange, resume, staffFetch } from "./session.js";
import { viewSearch } from "./urlstate.js";

const VIEWS = "/api/v1/views";
const FEATURED = "/api/v1/public/views";

/** The address of a saved view's state (its permalink). */
export function viewLink(state) {
  return viewSearch({ expert: state, lang: language() });
}

function message(error) {
  return error instanceof ApiError ? error.message : t("views.error");
}

export class SavedViews {
  /**
   * @param {{navigate: (search: string) => Promise<void>, current: () => object | null}} options
   *   `navigate` opens an in-app address, `current` is the expert mode's state now (null before it loads).
   */
  constructor({ navigate, current }) {
    this.navigate = navigate;
    this.current = current;
    this.featured = [];
    this.views = [];
    this.ui = {
      account: byId("account-button"), dialog: byId("login-dialog"), form: byId("login-form"),
      username: byId("login-username"), password: byId("login-password"), loginStatus: byId("login-status"),
      cancel: byId("login-cancel"), section: byId("expert-views"), featuredBox: byId("featured-views"),
      featuredList: byId("featured-list"), staff: byId("staff-views"), saveForm: byId("view-save-form"),
      name: byId("view-name"), list: byId("my-views"), status: byId("views-status"),
    };
    this.ui.account.addEventListener("click", () => (currentUser() ? this._logout() : this._openLogin()));
    this.ui.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this._login();
    });
    this.ui.cancel.addEventListener("click", () => this._closeLogin());
    this.ui.dialog.addEventListener("close", () => this.ui.account.focus());
    this.ui.saveForm.addEventListener("submit", (event) => {
      event.preventDefault();
      this._save();
    });
    onSessionChange(() => this._sessionChanged());
  }

  /** Resume a login of this browser and load the featured views (both small requests). */
  async start() {
    await Promise.all([resume().catch(() => null), this._loadFeatured()]);
  }

  translate() {
    this._renderAccount();
    this._renderFeatured();
    this._renderViews();
  }

  // ---------------------------------------------------------------- login

  _openLogin() {
    this.ui.loginStatus.textContent = "";
    this.ui.loginStatus.hidden = true;
    this.ui.dialog.showModal();
    this.ui.username.focus();
  }

  _closeLogin() {
    this.ui.password.value = "";
    this.ui.dialog.close();
  }

  async _login() {
    try {
      await login(this.ui.username.value.trim(), this.ui.password.value);
      this._closeLogin();
      this._say(t("views.loggedIn", { name: currentUser().display_name || currentUser().username }));
    } catch (error) {
      this.ui.loginStatus.textContent = message(error);
      this.ui.loginStatus.hidden = false;
      this.ui.password.select();
    }
  }

  async _logout() {
    try {
      await logout();
      this._say(t("views.loggedOut"));
    } catch (error) {
      this._say(message(error));
    }
  }

  async _sessionChanged() {
    this._renderAccount();
    this.views = [];
    if (currentUser()) await this._loadViews();
    this._renderViews();
  }

  _renderAccount() {
    const user = currentUser();
    this.ui.account.textContent = user ? t("account.logout", { name: user.display_name || user.username })
      : t("account.login");
    this.ui.staff.hidden = !user;
    this._showSection();
  }

  _showSection() {
    this.ui.featuredBox.hidden = this.featured.length === 0;
    this.ui.section.hidden = !currentUser() && this.featured.length === 0;
  }

  _say(text) {
    this.ui.status.textContent = text;
  }

  // ---------------------------------------------------------------- featured views (everyone)

  async _loadFeatured() {
    try {
      const response = await fetch(FEATURED, { headers: { Accept: "application/json" } });
      this.featured = response.ok ? await response.json() : [];
    } catch {
      this.featured = [];
    }
    this._renderFeatured();
  }

  _renderFeatured() {
    this.ui.featuredList.replaceChildren(...this.featured.map((view) => el("li", {},
      el("a", { href: viewLink(view.state), "data-nav": true }, view.name),
      el("span", { class: "view-meta" }, ` (${view.municipality})`))));
    this._showSection();
  }

  // ---------------------------------------------------------------- the staff's views

  async _loadViews() {
    try {
      this.views = await staffFetch(VIEWS);
    } catch (error) {
      this.views = [];
      this._say(message(error));
    }
  }

  async _save() {
    const state = this.current();
    const name = this.ui.name.value.trim();
    if (!state || !state.indicator || !name) {
      this._say(t(name ? "views.noView" : "views.nameMissing"));
      this.ui.name.focus();
      return;
    }
    const body = { name, state: { ...state, unit: state.unit || null, year: state.year ?? null,
                                  method: state.method || null, classes: state.classes ?? null } };
    await this._act(() => staffFetch(VIEWS, { method: "POST", body }), t("views.saved", { name }));
    this.ui.name.value = "";
  }

  /** Run one change of a view, then show the list as the server has it now. */
  async _act(change, done) {
    try {
      await change();
      this._say(done);
    } catch (error) {
      this._say(message(error));
    }
    await this._loadViews();
    await this._loadFeatured();
    this._renderViews();
  }

  _renderViews() {
    const user = currentUser();
    this.ui.list.replaceChildren(...this.views.map((view) => this._item(view, user)));
    if (user && this.views.length === 0) this.ui.list.append(el("li", { class: "view-meta" }, t("views.none")));
  }

  _item(view, user) {
    const linkId = `saved-view-${view.id}`;
    const path = `${VIEWS}/${view.id}`;
    const facts = [view.municipality.name, t(`views.visibility.${view.visibility}`)];
    if (view.featured !== "none") facts.push(t(`views.featured.${view.featured}`));
    const item = el("li", { "data-view": view.id },
      el("a", { id: linkId, href: viewLink(view.state), "data-nav": true }, view.name),
      el("span", { class: "view-meta" }, ` (${facts.join(", ")})`));
    if (view.reason) item.append(el("span", { class: "view-meta view-reason" }, t("views.reason", { reason: view.reason })));
    const buttons = el("span", { class: "view-actions" });
    const button = (key, action, attrs = {}) => {
      const node = el("button", { type: "button", class: "link-button", "aria-describedby": linkId,
                                  "data-action": key, ...attrs }, t(`views.action.${key}`));
      node.addEventListener("click", action);
      buttons.append(node);
    };
    if (view.may_edit) {
      button("rename", () => this._rename(item, view));
      if (view.featured !== "published") {
        const shared = view.visibility === "shared";
        button("share", () => this._act(() => staffFetch(path, { method: "PATCH",
          body: { visibility: shared ? "private" : "shared" } }), t(shared ? "views.unshared" : "views.shared")),
        { "aria-pressed": String(shared) });
      }
      if (view.featured === "none" || view.featured === "declined") {
        button("propose", () => this._act(() => staffFetch(`${path}/propose`, { method: "POST" }),
          t("views.proposed", { name: view.name })));
      }
      button("delete", () => {
        if (window.confirm(t("views.confirmDelete", { name: view.name }))) {
          this._act(() => staffFetch(path, { method: "DELETE" }), t("views.deleted", { name: view.name }));
        }
      });
    }
    if (user && user.role === "admin") {
      const own = view.municipality.id === user.municipality.id;
      if (view.featured === "proposed" || (own && view.featured !== "published")) {
        button("publish", () => this._act(() => staffFetch(`${path}/publish`, { method: "POST" }),
          t("views.published", { name: view.name })));
      }
      if (view.featured === "proposed") {
        button("decline", () => this._act(() => staffFetch(`${path}/decline`, { method: "POST", body: {} }),
          t("views.declined", { name: view.name })));
      }
      if (view.featured === "published") {
        button("unpublish", () => this._act(() => staffFetch(`${path}/unpublish`, { method: "POST" }),
          t("views.unpublished", { name: view.name })));
      }
    }
    if (buttons.childElementCount) item.append(buttons);
    return item;
  }

  /** Rename in place: the name becomes a field with Save and Cancel (Escape cancels). */
  _rename(item, view) {
    const inputId = `rename-${view.id}`;
    const input = el("input", { id: inputId, value: view.name, maxlength: 120 });
    const form = el("form", { class: "view-rename" },
      el("label", { for: inputId }, t("views.newName")), input,
      el("button", { type: "submit", class: "secondary" }, t("views.action.save")),
      el("button", { type: "button", class: "link-button", "data-action": "cancel" }, t("views.action.cancel")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const name = input.value.trim();
      this._act(() => staffFetch(`${VIEWS}/${view.id}`, { method: "PATCH", body: { name } }),
        t("views.renamed", { name }));
    });
    const cancel = () => {
      this._renderViews();
      const link = byId(`saved-view-${view.id}`);
      if (link) link.focus();
    };
    form.querySelector("[data-action='cancel']").addEventListener("click", cancel);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") cancel();
    });
    item.replaceChildren(form);
    input.focus();
    input.select();
  }
}
