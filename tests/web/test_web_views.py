"""Saved views ("Ansichten") in a real headless Chromium against the real server: an editor logs in on
the web map, saves the expert view, reopens it after a reload, proposes it; the admin publishes it; an
anonymous visitor sees it among the featured views and opens it. No token is ever readable by the
page's script (not in localStorage, sessionStorage or document.cookie), and axe-core finds no serious
or critical violation with the login dialog open, with the list of views, and in the visitor's list."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from sync_server.demo.loader import demo_password
from tests.support import expired

from .test_web_a11y import AXE, check
from .test_web_expert import open_expert
from .web_support import login

pytestmark = pytest.mark.timeout(240)

VIEW = "?mode=expert&ind=bev_u6&level=gemeinde&year=2022&cls=equal&k=4"
NAME = "Kinder unter 6 (gleiche Intervalle)"


def log_in(page, user: str) -> None:  # noqa: ANN001
    """Log in with the keyboard only: the account button, the two fields, Enter."""
    page.focus("#account-button")
    page.keyboard.press("Enter")
    page.wait_for_selector("#login-dialog[open]")
    assert page.evaluate("() => document.activeElement.id") == "login-username"
    page.keyboard.type(user)
    page.keyboard.press("Tab")
    page.keyboard.type(demo_password(user))
    page.keyboard.press("Enter")
    page.wait_for_selector("#staff-views:not([hidden])")
    assert not page.locator("#login-dialog").is_visible()


def no_token_readable(page) -> None:  # noqa: ANN001
    """What the page's script can read holds no token: HttpOnly cookies only, nothing in web storage."""
    readable = page.evaluate("""() => ({cookie: document.cookie,
        storage: [localStorage, sessionStorage].flatMap((s) => Object.keys(s).map((k) => [k, s.getItem(k)]))})""")
    assert readable["cookie"] == ""
    for key, value in readable["storage"]:
        assert "token" not in key.lower() and "eyJ" not in (value or ""), (key, value)
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert set(cookies) == {"fa_access", "fa_refresh"}
    assert all(c["httpOnly"] and c["sameSite"] == "Strict" for c in cookies.values())


def item(page, name: str):  # noqa: ANN001, ANN201
    return page.locator("#my-views li", has_text=name)


def test_save_reopen_propose_publish_and_the_visitor_sees_it(make_atlas) -> None:  # noqa: ANN001
    editor = make_atlas()
    editor.context.add_init_script(path=str(AXE))
    page = open_expert(editor, VIEW)
    assert page.locator("#staff-views").is_hidden()
    page.click("#account-button")
    page.wait_for_selector("#login-dialog[open]")
    check(page, "the login dialog")
    page.keyboard.press("Escape")  # closes the dialog, focus back on the button
    assert page.evaluate("() => document.activeElement.id") == "account-button"
    log_in(page, "melle.editor")
    no_token_readable(page)

    page.fill("#view-name", NAME)
    page.click("#view-save-form button[type=submit]")
    item(page, NAME).wait_for()
    assert "Melle" in item(page, NAME).inner_text() and "privat" in item(page, NAME).inner_text()
    check(page, "the list of saved views")

    # Another view, a reload (the login resumes from its cookie), then the saved view again.
    page = open_expert(editor, "?mode=expert&ind=bev_u6&level=gemeinde&year=2020")
    item(page, NAME).wait_for()
    no_token_readable(page)
    item(page, NAME).locator("a").click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('year') === '2022'")
    query = parse_qs(urlsplit(page.url).query)
    assert query["ind"] == ["bev_u6"] and query["cls"] == ["equal"] and query["k"] == ["4"]
    page.wait_for_function("() => document.querySelector('#expert-year-value').textContent.includes('2022')")
    assert page.locator("#expert-method").input_value() == "equal"

    item(page, NAME).locator("[data-action=share]").click()
    page.wait_for_function(f"() => [...document.querySelectorAll('#my-views li')].some((li) => "
                           f"li.textContent.includes({NAME!r}) && li.textContent.includes('geteilt'))")
    item(page, NAME).locator("[data-action=propose]").click()
    page.wait_for_function(f"() => [...document.querySelectorAll('#my-views li')].some((li) => "
                           f"li.textContent.includes({NAME!r}) && li.textContent.includes('vorgeschlagen'))")

    admin = make_atlas()
    admin_page = open_expert(admin, "?mode=expert&ind=bev_u6&level=gemeinde")
    log_in(admin_page, "admin")
    item(admin_page, NAME).wait_for()
    assert item(admin_page, NAME).locator("[data-action=rename]").count() == 0  # not the admin's view
    item(admin_page, NAME).locator("[data-action=publish]").click()
    admin_page.locator("#featured-list a", has_text=NAME).wait_for()

    visitor = make_atlas()
    visitor.context.add_init_script(path=str(AXE))
    visitor_page = open_expert(visitor, "?mode=expert&ind=bev_u6&level=gemeinde&year=2019")
    featured = visitor_page.locator("#featured-list a", has_text=NAME)
    featured.wait_for()
    assert visitor_page.locator("#staff-views").is_hidden()
    check(visitor_page, "the featured views of a visitor")
    featured.click()
    visitor_page.wait_for_function("() => new URLSearchParams(location.search).get('year') === '2022'")
    assert visitor.context.cookies() == []

    # Logging out revokes the login and removes its cookies; the page shows the login button again.
    page.click("#account-button")
    page.wait_for_selector("#staff-views[hidden]", state="attached")
    assert page.locator("#account-button").inner_text() == "Anmelden"
    assert page.context.cookies() == []


def test_rename_and_delete_with_the_keyboard_in_english(make_atlas) -> None:  # noqa: ANN001
    atlas = make_atlas()
    atlas.context.add_init_script(path=str(AXE))
    page = open_expert(atlas, VIEW + "&lang=en")
    log_in(page, "bramsche.editor")
    assert page.locator("#account-button").inner_text() == "Log out (bramsche.editor)"
    page.fill("#view-name", "Children")
    page.press("#view-name", "Enter")
    item(page, "Children").wait_for()
    assert "private" in item(page, "Children").inner_text()
    check(page, "the list of saved views in English")

    item(page, "Children").locator("[data-action=rename]").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.closest('form').className") == "view-rename"
    page.keyboard.press("Escape")  # cancels: the link has the focus again
    assert page.evaluate("() => document.activeElement.textContent") == "Children"
    item(page, "Children").locator("[data-action=rename]").click()
    page.keyboard.type("Children under 6")
    page.keyboard.press("Enter")
    item(page, "Children under 6").wait_for()
    page.wait_for_function("() => document.querySelector('#views-status').textContent.includes('renamed')")

    page.once("dialog", lambda dialog: dialog.accept())
    item(page, "Children under 6").locator("[data-action=delete]").click()
    page.wait_for_function("() => document.querySelector('#my-views').textContent.includes('No views saved yet')")
    listed = page.evaluate("async () => (await fetch('/api/v1/views')).json()")
    assert listed == []  # the server agrees


def test_a_link_of_an_indicator_that_is_gone_says_so(make_atlas) -> None:  # noqa: ANN001
    atlas = make_atlas()
    admin, editor = login(atlas.url, "admin"), login(atlas.url, "melle.editor")
    new = {"key": "bev_neu", "name_de": "Neue Zählung", "name_en": "New count", "theme": "bevoelkerung",
           "unit": "count", "kind": "count", "levels": ["gemeinde"]}
    assert requests.post(f"{atlas.url}/api/v1/indicators", json=new, headers=admin, timeout=30).status_code == 201
    state = {"indicator": "bev_neu", "level": "gemeinde", "year": None, "unit": None, "compare": [],
             "method": None, "classes": None, "map": None}
    saved = requests.post(f"{atlas.url}/api/v1/views", json={"name": "Neue Zählung", "state": state},
                          headers=editor, timeout=30)
    assert saved.status_code == 201, saved.text
    # An indicator without values may still change its key: the saved view follows, old links do not.
    renamed = requests.patch(f"{atlas.url}/api/v1/indicators/bev_neu", json={"key": "bev_neu_2"}, headers=admin,
                             timeout=30)
    assert renamed.status_code == 200, renamed.text

    # The old permalink opens the first indicator with a note. The page's first module asks for the
    # permalink's values before the catalogue has answered (to be fast for the links that work): the
    # browser logs those two 404s, and nothing else may go wrong.
    atlas.ignore = lambda url: "/api/v1/indicators/bev_neu/values?" in url
    page = open_expert(atlas, "?mode=expert&ind=bev_neu&level=gemeinde")
    status = page.locator("#expert-status")
    assert status.is_visible() and "„bev_neu“" in status.inner_text(), status.inner_text()
    assert "gelöscht oder umbenannt" in status.inner_text()
    first = page.locator("#expert-indicator").input_value()
    assert first not in ("", "bev_neu") and page.locator("#expert-map path[data-unit]").count() > 0

    # The saved view shows the renamed indicator, without the note. A history entry of the old link (Back
    # and Forward show it without loading the page again) notes it again and keeps the indicator on screen.
    log_in(page, "melle.editor")
    item(page, "Neue Zählung").locator("a").click()
    page.wait_for_function("() => document.querySelector('#expert-indicator').value === 'bev_neu_2'")
    assert "umbenannt" not in status.inner_text()
    page.evaluate("""() => { history.pushState(null, '', '?mode=expert&ind=bev_neu&level=gemeinde');
                             dispatchEvent(new PopStateEvent('popstate')); }""")
    page.wait_for_function("() => document.querySelector('#expert-status').textContent.includes('bev_neu“')")
    assert page.locator("#expert-indicator").input_value() == "bev_neu_2"
    assert "„Neue Zählung“" in status.inner_text()


def test_an_expired_login_costs_one_401_not_one_per_page_load(make_atlas) -> None:  # noqa: ANN001
    atlas = make_atlas()
    atlas.ignore = lambda url: url.endswith("/api/v1/auth/session")  # Chromium logs the one expected 401
    page = open_expert(atlas, VIEW)
    log_in(page, "melle.editor")
    app = atlas.server.app
    atlas.context.add_cookies([{**c, "value": expired(c["value"], app)} for c in atlas.context.cookies()])
    answers: list[tuple[str, int]] = []
    page.on("response", lambda response: answers.append((urlsplit(response.url).path, response.status)))

    for _ in range(3):
        page.reload()
        page.wait_for_selector("body[data-expert-ready='true']", timeout=30_000)
        page.wait_for_function("() => document.querySelector('#account-button').textContent === 'Anmelden'")
    assert [status for _, status in answers if status == 401] == [401]
    assert [s for path, s in answers if path == "/api/v1/auth/session"] == [401, 200, 200]
    assert atlas.context.cookies() == []  # the expired login is forgotten
    assert page.locator("#staff-views").is_hidden()
