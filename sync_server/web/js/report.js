// "Eintrag veraltet? Melden": a visitor reports from an offer's details that it is wrong or out of date.
// The form asks the server for a signed token when it opens (the server refuses a report sent sooner
// than a person fills in a form, or without a valid token); a honeypot field, hidden from people and
// assistive technology, stays empty. Staff read the report in QGIS (domain/reports.py, docs/api.md).

import { el } from "./dom.js";
import { language, t } from "./i18n.js";

const reportUrl = (id) => `/api/v1/public/offers/${encodeURIComponent(id)}/reports`;
const formUrl = (id) => `/api/v1/public/offers/${encodeURIComponent(id)}/report-form`;

async function requestJson(url, options = {}) {
  const response = await fetch(url, {
    ...options,
    headers: { Accept: "application/json", "Accept-Language": language(), ...(options.headers || {}) },
  });
  let doc = null;
  try {
    doc = await response.json();
  } catch {
    doc = null; // no JSON (a proxy's error page): the generic message below
  }
  if (!response.ok) {
    const error = new Error((doc && doc.detail) || t("report.failed"));
    error.fields = ((doc && doc.errors) || []).map((e) => e.field);
    throw error;
  }
  return doc;
}

function field(id, label, control, hint) {
  const hintNode = hint ? el("p", { id: `${id}-hint`, class: "report-hint" }, hint) : null;
  if (hint) control.setAttribute("aria-describedby", `${id}-hint`);
  control.id = id;
  return el("div", { class: "report-field" }, el("label", { for: id }, label), hintNode, control);
}

function buildForm(offer, form, { onDone }) {
  const text = el("textarea", { name: "text", rows: "4", required: true, maxlength: form.max_text_length });
  const email = el("input", { type: "email", name: "email", autocomplete: "email", maxlength: "200" });
  // The honeypot: never shown, so never filled in by a person (nor reached by keyboard or screen reader).
  const trap = el("div", { class: "report-trap", hidden: true },
    el("label", {}, "Website", el("input", { type: "text", name: "website", tabindex: "-1", autocomplete: "off" })));
  const message = el("p", { class: "report-message", role: "alert", tabindex: "-1" });
  const send = el("button", { type: "submit", class: "secondary" }, t("report.send"));
  const cancel = el("button", { type: "button", class: "link-button" }, t("report.cancel"));
  const node = el("form", { class: "report-form", novalidate: true, "aria-labelledby": "report-heading" },
    el("h3", { id: "report-heading" }, t("report.heading", { name: offer.name })),
    field("report-text", t("report.text"), text, t("report.textHint", { max: form.max_text_length })),
    field("report-email", t("report.email"), email, t("report.emailHint", { days: form.email_days })),
    trap, message, el("div", { class: "detail-actions" }, send, cancel));
  cancel.addEventListener("click", () => onDone(null));
  node.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const control of [text, email]) control.removeAttribute("aria-invalid");
    if (!text.value.trim()) {
      text.setAttribute("aria-invalid", "true");
      message.textContent = t("report.textRequired");
      text.focus();
      return;
    }
    send.disabled = true;
    try {
      await requestJson(reportUrl(offer.id), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          token: form.token, text: text.value, email: email.value, website: trap.querySelector("input").value,
        }),
      });
      onDone(t("report.thanks"));
    } catch (error) {
      send.disabled = false;
      message.textContent = error.message;
      const wrong = { text, email }[error.fields && error.fields[0]];
      if (wrong) {
        wrong.setAttribute("aria-invalid", "true");
        wrong.focus();
      } else {
        message.focus();
      }
    }
  });
  return { node, first: text };
}

/** The report section of an offer's details: a button that opens the form in place. */
export function reportSection(offer) {
  const section = el("section", { class: "report", "aria-label": t("report.open") });
  const status = el("p", { class: "report-status", role: "status", tabindex: "-1" });
  const open = el("button", { type: "button", class: "link-button report-open", "aria-expanded": "false" },
    t("report.open"));
  const close = (thanks) => {
    section.replaceChildren(open, status);
    open.setAttribute("aria-expanded", "false");
    status.textContent = thanks || "";
    if (thanks) {
      open.hidden = true;
      status.focus();
    } else {
      open.focus();
    }
  };
  open.addEventListener("click", async () => {
    if (open.getAttribute("aria-expanded") === "true") {
      close(null);
      return;
    }
    open.disabled = true;
    try {
      const form = await requestJson(formUrl(offer.id));
      const { node, first } = buildForm(offer, form, { onDone: close });
      open.setAttribute("aria-expanded", "true");
      section.replaceChildren(open, node, status);
      status.textContent = "";
      first.focus();
    } catch (error) {
      status.textContent = error.message;
      status.focus();
    } finally {
      open.disabled = false;
    }
  });
  section.append(open, status);
  return section;
}
