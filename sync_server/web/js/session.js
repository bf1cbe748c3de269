// The staff login of the web map (same accounts and rights as the QGIS plugin). The tokens live in
// HttpOnly cookies this script cannot read, never in localStorage or sessionStorage; the page keeps only
// the login's CSRF value, in memory, and sends it with every write (header X-CSRF-TOKEN), so another
// site can make a logged-in browser send nothing that the server accepts (see README.md, "Web map").

import { language } from "./i18n.js";

const SESSION = "/api/v1/auth/session";

let user = null;
let csrf = null;
const listeners = new Set();

/** An answer of the API that is not a success, with its problem document (code, detail). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || `HTTP ${status}`);
    this.status = status;
    this.code = problem.code || "";
  }
}

/** The logged-in account ({username, display_name, role, municipality}) or null. */
export function currentUser() {
  return user;
}

/** Call `listener(user)` whenever someone logs in or out (or the login ends on the server). */
export function onSessionChange(listener) {
  listeners.add(listener);
}

function take(answer) {
  user = answer.user || null;
  csrf = answer.csrf_token || null;
  for (const listener of listeners) listener(user);
  return user;
}

function headers(extra = {}) {
  return { Accept: "application/json", "Accept-Language": language(), ...extra };
}

async function answer(response) {
  const doc = response.status === 204 ? null : await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, doc || {});
  return doc;
}

/** Resume this browser's login, if it has one (at start, and when the access cookie expired). */
export async function resume() {
  const response = await fetch(SESSION, { headers: headers() });
  if (!response.ok) return take({}); // the login was ended elsewhere (logout, deactivated, rights changed)
  return take(await response.json());
}

export async function login(username, password) {
  const response = await fetch(SESSION, {
    method: "POST", headers: headers({ "Content-Type": "application/json" }),
    body: JSON.stringify({ username, password }),
  });
  return take(await answer(response));
}

/** Log out: the server revokes the login's tokens (as a logout in QGIS) and removes the cookies. */
export async function logout() {
  try {
    await answer(await fetch(SESSION, { method: "DELETE", headers: headers({ "X-CSRF-TOKEN": csrf || "" }) }));
  } finally {
    take({});
  }
}

/**
 * A request of the staff API with the login's cookie: writes carry the CSRF value; an expired access
 * cookie is renewed from the login once and the request repeated. Answers the JSON (null for 204).
 */
export async function staffFetch(url, { method = "GET", body } = {}, renewed = false) {
  const extra = method === "GET" ? {} : { "X-CSRF-TOKEN": csrf || "" };
  if (body !== undefined) extra["Content-Type"] = "application/json";
  const response = await fetch(url, {
    method, headers: headers(extra), body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401 && !renewed) {
    await resume();
    if (user) return staffFetch(url, { method, body }, true);
  }
  return answer(response);
}
