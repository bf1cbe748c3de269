"""What every answer says about itself: its encoding, that browsers must not sniff another type,
which sites may frame the web map, and absolute links that do not echo a client's Host header."""

from __future__ import annotations

import pytest

PUBLIC = "https://atlas.landkreis-osnabrueck.de"
ANSWERS = [
    "/", "/assets/js/main.js", "/assets/css/atlas.css", "/assets/i18n/de.json", "/assets/img/favicon.svg",
    "/vendor/leaflet/leaflet.js", "/vendor/leaflet/leaflet.css", "/api/v1/health", "/api/v1/public/institutions",
    "/api/v1/openapi.json", "/ogcapi", "/ogcapi/api", "/ogcapi/collections/institutions/items?limit=1",
    "/api/v1/nothing/here", "/api/v1/admin/users", "/ogcapi/collections/kitas",
]


def test_every_answer_names_its_charset_and_forbids_sniffing(api) -> None:  # noqa: ANN001
    for path in ANSWERS:
        response = api.get(path)
        assert response.status_code in (200, 401, 404), (path, response.status_code)
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["Content-Type"].lower().endswith("charset=utf-8"), (path, response.content_type)
    problem = api.post("/api/v1/auth/login", {"username": "admin", "password": "falsch"})
    assert problem.headers["Content-Type"] == "application/problem+json; charset=utf-8"
    assert problem.headers["X-Content-Type-Options"] == "nosniff"


def test_by_default_any_site_may_embed_the_web_map(api) -> None:  # noqa: ANN001
    policy = api.get("/").headers["Content-Security-Policy"]
    assert policy.endswith("; frame-ancestors *") and "script-src 'self'" in policy
    assert "X-Frame-Options" not in api.get("/").headers


def test_the_web_map_opens_whatever_its_address_repeats(api) -> None:  # noqa: ANN001
    # the API refuses a repeated parameter (test_bad_input); a visitor's link to the page still opens
    assert api.get("/?theme=a&theme=b").status_code == 200
    assert api.get("/api/v1/public/institutions?theme=a&theme=b").status_code == 400


@pytest.mark.parametrize("settings_overrides", [{"frame_ancestors": "'self' https://www.melle.de"}])
def test_the_sites_that_may_embed_the_web_map_are_a_setting(api) -> None:  # noqa: ANN001
    policy = api.get("/").headers["Content-Security-Policy"]
    assert policy.endswith("; frame-ancestors 'self' https://www.melle.de"), policy


@pytest.mark.parametrize("settings_overrides", [{"public_url": PUBLIC + "/"}])
def test_ogc_api_links_use_the_public_address_whatever_host_a_client_sends(api) -> None:  # noqa: ANN001
    hostile = {"Host": "evil.example"}
    for path in ("/ogcapi", "/ogcapi/collections", "/ogcapi/collections/institutions/items?limit=1"):
        doc = api.client.get(path, headers=hostile).get_json()
        hrefs = [link["href"] for link in doc["links"]]
        hrefs += [link["href"] for c in doc.get("collections", []) for link in c["links"]]
        assert hrefs and all(href.startswith(PUBLIC + "/ogcapi") for href in hrefs), hrefs
    assert api.client.get("/ogcapi/api", headers=hostile).get_json()["servers"] == [{"url": PUBLIC + "/ogcapi"}]


def test_without_a_public_address_links_follow_the_request(api) -> None:  # noqa: ANN001
    links = api.client.get("/ogcapi", headers={"Host": "atlas.example"}).get_json()["links"]
    assert all(link["href"].startswith("http://atlas.example/ogcapi") for link in links), links
