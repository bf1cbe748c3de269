"""The county's legal pages: written by the admin through the admin API (audited), read by anyone as
JSON and as plain HTML pages in German or English."""

from __future__ import annotations

from tests.support import Api

IMPRESSUM = ("Landkreis Osnabrück\nAm Schölerberg 1\n49082 Osnabrück\n\n"
             "Vertreten durch die Landrätin. <script>alert(1)</script>")


def test_pages_before_and_after_the_admin_writes_them(api: Api) -> None:
    listed = api.get("/api/v1/pages").get_json()
    assert [p["key"] for p in listed] == ["impressum", "datenschutz", "barrierefreiheit"]
    assert not any(p["configured"] for p in listed)
    before = api.get("/impressum")
    assert before.status_code == 200 and before.mimetype == "text/html"
    assert "noch nicht hinterlegt" in before.get_data(as_text=True)
    tag = api.get("/api/v1/pages/impressum").headers["ETag"]

    saved = api.client.put("/api/v1/admin/pages/impressum", json={"body": IMPRESSUM, "body_en": "County of Osnabrück"},
                           headers=api.headers("admin"))
    assert saved.status_code == 200, saved.get_json()
    page = api.get("/api/v1/pages/impressum", headers={"If-None-Match": tag})
    assert page.status_code == 200  # the validator moved with the configuration write
    doc = page.get_json()
    assert doc["configured"] and doc["body"] == IMPRESSUM and doc["title"] == "Impressum"
    assert doc["title_en"] == "Legal notice" and doc["body_en"] == "County of Osnabrück"
    entries = api.get("/api/v1/admin/audit?action=page_saved", "admin").get_json()
    assert entries and entries[0]["target"] == "page:impressum"

    html = api.get("/impressum").get_data(as_text=True)
    assert '<html lang="de">' in html and "<h1>Impressum</h1>" in html
    assert "Am Schölerberg 1<br>49082 Osnabrück" in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # text, never markup
    assert 'href="/datenschutz?lang=de"' in html and 'aria-current="page"' in html
    english = api.get("/impressum?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "<h1>Legal notice</h1>" in english and "County of Osnabrück" in english
    # A page without an English text is shown in German, marked so.
    api.client.put("/api/v1/admin/pages/barrierefreiheit", json={"body": "Diese Website ist teilweise barrierefrei."},
                   headers=api.headers("admin"))
    german_only = api.get("/barrierefreiheit", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<article lang="de">' in german_only and "available in German only" in german_only


def test_only_the_admin_writes_pages_and_bad_input_changes_nothing(api: Api) -> None:
    def put(key: str, body: object, user: str = "admin"):  # noqa: ANN202
        return api.client.put(f"/api/v1/admin/pages/{key}", json=body, headers=api.headers(user))

    refused = put("impressum", {"body": "Fremd"}, "melle.editor")
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    for body, field in (({}, "body"), ({"body": 5}, "body"), ({"body": "x", "colour": "rot"}, "colour")):
        bad = put("impressum", body)
        assert bad.status_code == 422, body
        assert field in str(bad.get_json()["errors"])
    unknown = put("agb", {"body": "x"})
    assert unknown.status_code == 404 and unknown.get_json()["code"] == "page_not_found"
    assert "impressum" in unknown.get_json()["detail"]
    english = api.get("/api/v1/pages/agb", headers={"Accept-Language": "en"})
    assert english.status_code == 404 and english.get_json()["detail"].startswith("There is no page agb")
    assert not api.get("/api/v1/pages/impressum").get_json()["configured"]
    assert api.get("/agb").status_code == 404
