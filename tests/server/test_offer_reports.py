"""Visitors' reports of outdated offers ("Eintrag veraltet? Melden"): the public report with its defences
(published offers only, signed form token with a minimum fill time, honeypot, per-address throttle,
small body), the staff's list and closing by the ownership rule, audited, and the e-mail deleted after
the configured period."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from sync_server import cli
from sync_server.domain import audit, reports
from sync_server.storage.models import OfferReport
from tests.support import BRAMSCHE, MELLE, Api

VISITOR = {"REMOTE_ADDR": "203.0.113.5"}


def _published(api: Api, owner: str) -> str:
    return next(fid for fid, f in sorted(api.public().items()) if f["properties"]["owner"] == owner)


def _token(app: Any, offer_id: str, age_seconds: float = 10) -> str:
    """A form token as the server hands it out, opened ``age_seconds`` ago (the visitor took that long)."""
    issued = int((audit.now() - timedelta(seconds=age_seconds)).timestamp())
    return reports.form_token(app.extensions["familienatlas"].settings.jwt_secret, offer_id, issued)


def _report(api: Api, app: Any, offer_id: str, environ: dict[str, str] | None = None, **fields: Any):  # noqa: ANN202
    body = {"token": _token(app, offer_id), "text": "Die Telefonnummer stimmt nicht mehr.", **fields}
    return api.client.post(f"/api/v1/public/offers/{offer_id}/reports", json=body,
                           environ_base=environ or VISITOR)


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    doc = response.get_json()
    assert doc["code"] == code and doc["detail"]
    return doc


def _stored(app: Any) -> list[OfferReport]:
    with app.extensions["familienatlas"].session_factory() as session:
        return list(session.scalars(select(OfferReport).order_by(OfferReport.id)))


def test_a_visitor_reports_and_the_owners_staff_close_it_cell_by_cell(api: Api, app: Any) -> None:
    melle, bramsche = _published(api, MELLE), _published(api, BRAMSCHE)
    form = api.get(f"/api/v1/public/offers/{melle}/report-form")
    assert form.status_code == 200 and form.headers["Cache-Control"] == "no-store"
    assert form.get_json()["min_seconds"] == reports.MIN_FILL_SECONDS
    received = _report(api, app, melle, email="  eltern@example.org ")
    assert received.status_code == 201, received.get_json()
    assert _report(api, app, bramsche, text="Das Angebot gibt es nicht mehr.").status_code == 201

    def listed(user: str | None, state: str = "open") -> Any:
        return api.get(f"/api/v1/reports?state={state}", user)

    everything = listed("admin").get_json()
    assert [(r["offer_id"], r["owner"], r["owner_name"], r["state"]) for r in everything] == [
        (melle, MELLE, "Melle", "open"), (bramsche, BRAMSCHE, "Bramsche", "open")]
    own = listed("melle.editor").get_json()
    assert [r["offer_id"] for r in own] == [melle]
    assert own[0]["email"] == "eltern@example.org" and own[0]["text"] == "Die Telefonnummer stimmt nicht mehr."
    assert own[0]["offer_name"] == api.public()[melle]["properties"]["name"]
    assert [r["offer_id"] for r in listed("bramsche.editor").get_json()] == [bramsche]
    _problem(listed("melle.reader"), 403, "reports_staff_only")
    _problem(listed(None), 401, "missing_token")
    _problem(listed("admin", "neu"), 422, "invalid_query")

    melle_id = own[0]["id"]
    close = f"/api/v1/reports/{melle_id}/close"
    answer = {"answer": "Danke, die Nummer ist korrigiert."}
    _problem(api.post(close, answer, "bramsche.editor"), 404, "report_not_found")  # another municipality's
    _problem(api.post(close, answer, "melle.reader"), 403, "reports_staff_only")
    _problem(api.post(close, answer, None), 401, "missing_token")
    _problem(api.post(close, {"answer": "  "}, "melle.editor"), 422, "invalid_body")
    _problem(api.post(close, {"answer": "x" * 2001}, "melle.editor"), 422, "invalid_body")
    assert listed("melle.editor").get_json()[0]["state"] == "open"  # nothing of the refusals took effect
    done = api.post(close, answer, "melle.editor")
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["state"] == "closed" and done.get_json()["closed_by"] == "melle.editor"
    _problem(api.post(close, answer, "admin"), 409, "report_closed")
    assert listed("melle.editor").get_json() == []  # no longer open
    closed = listed("melle.editor", "closed").get_json()
    assert [(r["id"], r["answer"]) for r in closed] == [(melle_id, "Danke, die Nummer ist korrigiert.")]

    bramsche_id = listed("bramsche.editor").get_json()[0]["id"]
    assert api.post(f"/api/v1/reports/{bramsche_id}/close", {"answer": "Gelöscht."}, "admin").status_code == 200
    assert listed("admin").get_json() == []
    _problem(api.post("/api/v1/reports/999999/close", answer, "admin"), 404, "report_not_found")

    entries = api.get("/api/v1/admin/audit", "admin").get_json()
    actions = [(e["action"], e["target"]) for e in entries if e["action"].startswith("report_")]
    assert ("report_received", f"report:{melle_id}") in actions and ("report_closed", f"report:{melle_id}") in actions
    assert "eltern@example.org" not in str(entries)  # the e-mail is not kept in the (permanent) audit log


def test_only_published_offers_can_be_reported(api: Api, app: Any) -> None:
    pulled = api.pull_all("institutions", "admin")
    pending = next(fid for fid, f in pulled.items() if f["review"]["published_revision"] is None and not f["deleted"])
    _problem(api.get(f"/api/v1/public/offers/{pending}/report-form"), 404, "offer_not_found")
    _problem(_report(api, app, pending), 404, "offer_not_found")
    _problem(_report(api, app, "kein-angebot"), 404, "offer_not_found")
    assert _stored(app) == []


def test_spam_defences_refuse_with_a_problem_and_store_nothing(api: Api, app: Any) -> None:
    offer = _published(api, MELLE)
    other = _published(api, BRAMSCHE)

    def attempt(n: int, **fields: Any) -> Any:
        return _report(api, app, offer, {"REMOTE_ADDR": f"198.51.100.{n}"}, **fields)

    _problem(attempt(1, website="http://spam.example"), 422, "report_spam")
    _problem(attempt(2, token=_token(app, offer, 0)), 422, "report_too_fast")
    _problem(attempt(3, token=_token(app, other)), 422, "report_form_invalid")
    _problem(attempt(4, token="12345.00000000000000000000000000000000"), 422, "report_form_invalid")
    _problem(attempt(5, token=_token(app, offer, 2 * 86400)), 422, "report_form_expired")
    doc = _problem(attempt(6, text="x" * 2001), 422, "invalid_body")
    assert doc["errors"][0]["field"] == "text"
    doc = _problem(attempt(7, email="keine-adresse"), 422, "invalid_body")
    assert doc["errors"][0]["field"] == "email"
    _problem(attempt(8, text=" "), 422, "invalid_body")
    _problem(attempt(9, colour="rot"), 422, "invalid_body")
    big = api.client.post(f"/api/v1/public/offers/{offer}/reports", environ_base=VISITOR,
                          data='{"text": "' + "x" * reports.MAX_BODY_BYTES + '"}', content_type="application/json")
    _problem(big, 413, "body_too_large")
    english = api.client.post(
        f"/api/v1/public/offers/{offer}/reports", json={"token": _token(app, offer), "text": "t", "website": "x"},
        headers={"Accept-Language": "en"}, environ_base={"REMOTE_ADDR": "198.51.100.11"})
    assert _problem(english, 422, "report_spam")["detail"].startswith("The report was not accepted")
    assert _stored(app) == []


@pytest.mark.parametrize("settings_overrides", [{"report_max_per_address": 3}])
def test_reports_are_rate_limited_per_client_address(api: Api, app: Any) -> None:
    offer = _published(api, MELLE)
    for _ in range(3):
        assert _report(api, app, offer).status_code == 201
    refused = _report(api, app, offer)
    doc = _problem(refused, 429, "report_rate_limited")
    assert int(refused.headers["Retry-After"]) > 0 and str(doc["detail"])
    assert _report(api, app, offer, {"REMOTE_ADDR": "192.0.2.44"}).status_code == 201  # another address
    assert len(_stored(app)) == 4


def test_the_email_is_deleted_after_the_configured_period(api: Api, app: Any, db_url: str, capsys: Any) -> None:
    offer = _published(api, MELLE)
    for n in range(2):
        assert _report(api, app, offer, {"REMOTE_ADDR": f"192.0.2.{n}"}, email=f"person{n}@example.org").status_code \
            == 201
    first = _stored(app)[0].id
    factory = app.extensions["familienatlas"].session_factory
    with factory() as session:  # the first report was made 91 days ago (the default keeps 90)
        session.execute(update(OfferReport).where(OfferReport.id == first)
                        .values(created_at=audit.now() - timedelta(days=91)))
        session.commit()
    assert cli.main(["--database", db_url, "--mode", "test", "prune"]) == 0
    assert "1 report_emails" in capsys.readouterr().out
    listed = {r["id"]: r for r in api.get("/api/v1/reports", "admin").get_json()}
    assert listed[first]["email"] is None and listed[first]["text"]  # the report stays, the personal data goes
    assert [r["email"] for i, r in listed.items() if i != first] == ["person1@example.org"]


@pytest.mark.parametrize("settings_overrides", [{"report_max_per_address": 1, "trusted_proxies": 1}])
def test_behind_a_trusted_proxy_the_forwarded_client_address_is_counted(api: Api, app: Any) -> None:
    offer = _published(api, MELLE)
    proxy = {"REMOTE_ADDR": "10.0.0.1"}

    def from_client(address: str) -> Any:
        return api.client.post(f"/api/v1/public/offers/{offer}/reports", environ_base=proxy,
                               json={"token": _token(app, offer), "text": "Falsche Adresse."},
                               headers={"X-Forwarded-For": address})

    assert from_client("198.51.100.20").status_code == 201
    assert from_client("198.51.100.21").status_code == 201  # another visitor behind the same proxy
    _problem(from_client("198.51.100.20"), 429, "report_rate_limited")
