"""The offers' search finds what visitors mean (web/js/search.js): the catalogue's search words
("Tagesmutter", "Jugendamt"), a typo ("Schuldnerberatng"), the languages an offer is given in
("Arabisch", on the English page "Arabic"); suggestions while typing, taken by keyboard; the catalogue
and fixed values in English, free text marked as German; axe-core finds nothing serious meanwhile.

Expectations come from the public API (web_support.PublicData), in real Chromium against the real
server; each test also fails on any console error.
"""

from __future__ import annotations

import pytest
import requests

from .test_web_offers_a11y import AXE, axe_violations
from .web_support import PublicData, fold, list_ids, login, wait_matched

pytestmark = pytest.mark.timeout(240)


@pytest.fixture
def public(live_server) -> PublicData:  # noqa: ANN001
    return PublicData(live_server.url)


def wait_texts(page, selector: str, texts: list[str]) -> None:  # noqa: ANN001
    """Wait until the elements of ``selector`` read ``texts``. The suggestions follow each key typed, so
    those of a shorter word (for "Mel" those of "Me": Melle, Menslage, Merzen) may still show for a
    moment; a list that stays wrong times out here and fails the test."""
    page.wait_for_function("([s, t]) => JSON.stringify([...document.querySelectorAll(s)].map((e) => e.textContent))"
                           " === JSON.stringify(t)", arg=[selector, texts])


def wait_first_text(page, selector: str, text: str) -> None:  # noqa: ANN001
    """Wait until the first element of ``selector`` reads ``text`` (see :func:`wait_texts`)."""
    page.wait_for_function("([s, t]) => document.querySelector(s)?.textContent === t", arg=[selector, text])


def search(page, query: str, expected: set[str]) -> None:  # noqa: ANN001
    page.fill("#search", query)
    wait_matched(page, len(expected))
    assert set(list_ids(page)) == expected


@pytest.mark.parametrize(("query", "category"), [("Tagesmutter", "kindertagespflege"),
                                                 ("Jugendamt", "erziehungsberatung")])
def test_search_words_of_the_catalogue_find_their_category(atlas, public, query, category) -> None:  # noqa: ANN001
    assert not any(fold(query) in fold(f["properties"]) for f in public.features), "the word is in no offer"
    expected = public.in_category(category)
    assert expected and public.search(query) == expected
    search(atlas.open(), query, expected)


def test_a_typo_is_forgiven(atlas, public) -> None:  # noqa: ANN001
    expected = public.search("Schuldnerberatung")
    assert expected >= public.in_category("schuldnerberatung") and public.in_category("schuldnerberatung")
    assert not public.search("Schuldnerberatng")
    page = atlas.open()
    search(page, "Schuldnerberatng", expected)
    search(page, "Schuldnerbertaung", expected)  # two letters swapped
    search(page, "Kita", public.search("Kita"))  # a short word: no typos, no look-alikes


def test_languages_are_searched_in_german_and_english(atlas, public) -> None:  # noqa: ANN001
    arabic = {f["id"] for f in public.features if "Arabisch" in (f["properties"].get("languages") or "")}
    assert arabic and len(arabic) < len(public.features)
    assert public.search("Arabisch") == arabic
    page = atlas.open()
    search(page, "Arabisch", arabic)
    page = atlas.open("?lang=en")
    search(page, "Arabic", arabic)
    wheelchair = {f["id"] for f in public.features
                  if "rollstuhlgerecht" in (f["properties"].get("accessibility") or "")}
    search(page, "rollstuhlgerecht", wheelchair)


def test_suggestions_by_keyboard(atlas, public) -> None:  # noqa: ANN001
    page = atlas.open()
    field = page.locator("#search")
    field.focus()
    page.keyboard.type("Tagesm")
    # the list follows the typing: wait for the answer to the whole word
    page.wait_for_function("""() => { const o = document.querySelector('#search-suggestions [role=option]');
                                      return o && o.textContent.startsWith('Tagesmutter'); }""")
    assert field.get_attribute("aria-expanded") == "true"
    options = page.locator("#search-suggestions [role='option']")
    texts = options.all_text_contents()
    assert texts[0].startswith("Tagesmutter") and "Kindertagespflege" in texts[0], texts
    page.keyboard.press("ArrowDown")
    assert field.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    assert options.first.get_attribute("aria-selected") == "true"
    page.keyboard.press("Enter")
    assert field.input_value() == "Tagesmutter"
    assert field.get_attribute("aria-expanded") == "false"
    wait_matched(page, len(public.in_category("kindertagespflege")))
    assert page.evaluate("() => document.activeElement.id") == "search"

    # An offer's name: the last option opens its details; Escape closes only the list first.
    name = public.by_id[list_ids(page)[0]]["properties"]["name"]
    field.fill("")
    page.keyboard.type(name[:12])
    page.wait_for_function("""n => [...document.querySelectorAll('#search-suggestions [data-kind=offer]')]
                                 .some(o => o.textContent.startsWith(n))""", arg=name[:12])
    page.keyboard.press("Escape")
    assert page.locator("#search-suggestions").is_hidden() and field.input_value() == name[:12]
    page.keyboard.press("ArrowDown")
    page.locator("#search-suggestions").wait_for(state="visible")
    offers = page.locator("#search-suggestions [role='option']")
    n = offers.count()
    for _ in range(n):
        page.keyboard.press("ArrowDown")
    target = offers.nth(n - 1)
    assert target.get_attribute("data-kind") == "offer"
    chosen = target.locator(".suggestion-label").text_content()
    page.keyboard.press("Enter")
    page.locator("#details").wait_for(state="visible")
    assert page.locator("#details-name").text_content() == chosen


def test_the_catalogue_and_fixed_values_in_english(atlas, public) -> None:  # noqa: ANN001
    page = atlas.open("?lang=en")
    assert page.locator("#cat-kinderbetreuung + label .name").text_content() == "Child day care"
    assert page.locator("#cat-kindertagespflege + label .name").text_content() == "Childminding"
    search(page, "childminder", public.in_category("kindertagespflege"))
    offer = next(f for f in public.features if f["properties"].get("subcategory") == "schuldnerberatung"
                 and "Arabisch" in (f["properties"].get("languages") or "")
                 and (f["properties"].get("opening_hours") or "").startswith("Mo-"))
    page = atlas.open(f"?lang=en&offer={offer['id']}")
    details = page.locator("#details")
    assert "Counselling & support · Debt counselling" in details.locator(".kind").text_content()
    assert details.locator("#details-name").get_attribute("lang") == "de"
    assert details.locator(".description").get_attribute("lang") == "de"
    facts = dict(zip(details.locator("dt").all_text_contents(), details.locator("dd").all_text_contents(),
                     strict=True))
    assert "Arabic" in facts["Languages"] and "Arabisch" not in facts["Languages"]
    assert facts["Opening hours"].startswith("Mon-"), facts
    page.click(".lang-button[data-lang='de']")
    # The details are drawn again once the offers are sorted in the new language.
    page.wait_for_function("() => document.querySelector('#details .kind').textContent.includes('Beratung')")
    assert "Beratung & Unterstützung · Schuldnerberatung" in details.locator(".kind").text_content()
    assert page.locator("#cat-kinderbetreuung + label .name").text_content() == "Kindertagesbetreuung"


def test_axe_finds_nothing_serious_with_suggestions_open(make_atlas) -> None:  # noqa: ANN001
    atlas = make_atlas()
    atlas.context.add_init_script(path=str(AXE))
    problems = {}
    for lang in ("de", "en"):
        page = atlas.open(f"?lang={lang}")
        page.locator("#search").focus()
        page.keyboard.type("Kind")
        page.locator("#search-suggestions").wait_for(state="visible")
        page.keyboard.press("ArrowDown")
        problems[f"suggestions ({lang})"] = axe_violations(page)
    assert not any(problems.values()), problems


def test_a_theme_without_english_name_is_marked_german(make_atlas, public) -> None:  # noqa: ANN001
    theme = public.categories["schuldnerberatung"]
    changed = requests.patch(f"{public.base_url}/api/v1/categories/{theme['id']}", json={"name_en": ""},
                             headers=login(public.base_url, "admin"), timeout=30)
    assert changed.status_code == 200 and changed.json()["name_en"] is None, changed.text
    atlas = make_atlas()
    atlas.context.add_init_script(path=str(AXE))
    page = atlas.open("?lang=en&cat=schuldnerberatung")
    wait_matched(page, len(public.in_category("schuldnerberatung")))
    german = page.locator("#result-list .result-meta span[lang='de']").first
    assert german.text_content() == theme["name"]
    assert page.locator("#cat-schuldnerberatung + label .name").get_attribute("lang") == "de"
    page.locator("#result-list button.result").first.click()
    kind = page.locator("#details .kind")
    kind.wait_for(state="visible")
    # The top category has its English name (no mark); the subcategory falls back to German (marked).
    assert kind.locator("span[lang]").all_text_contents() == [theme["name"]]
    assert kind.text_content().strip() == f"Counselling & support · {theme['name']}"
    problems = {"details": axe_violations(page)}
    page.locator("#search").focus()
    page.keyboard.type(theme["name"][:7])
    option = page.locator("#search-suggestions [data-kind='category'] .suggestion-label").first
    wait_first_text(page, "#search-suggestions [data-kind='category'] .suggestion-label", theme["name"])
    assert option.text_content() == theme["name"] and option.get_attribute("lang") == "de"
    problems["suggestions"] = axe_violations(page)
    page.fill("#search", "")
    page.keyboard.type("insolv")  # an English search word of the theme: its hint names the theme in German
    hint = page.locator("#search-suggestions [data-kind='keyword'] .suggestion-kind").first
    wait_first_text(page, "#search-suggestions [data-kind='keyword'] .suggestion-kind",
                    f"search word for {theme['name']}")
    assert hint.text_content() == f"search word for {theme['name']}"
    assert hint.locator("span[lang='de']").text_content() == theme["name"]
    assert not any(problems.values()), problems
    page.click(".lang-button[data-lang='de']")  # on the German page nothing is marked as a language of its own
    page.wait_for_function("() => document.documentElement.lang === 'de' && document.querySelector("
                           "'#result-list .result-meta span') && !document.querySelector('#result-list span[lang=en]')"
                           " && !document.querySelector('#result-list .result-meta span[lang]')")
    # "No Schuldnerberatung in <place>. The nearest:" names the theme in German, marked so.
    parents = {m["parent_id"] for m in public.municipalities}
    empty = next(m for m in public.municipalities if m["id"] not in parents and m["parent_id"] is not None
                 and not public.in_category("schuldnerberatung") & public.located_in(m["name"]))
    page = atlas.open(f"?lang=en&cat=schuldnerberatung&gem={empty['key']}")
    page.locator("#nearest").wait_for(state="visible")
    assert page.locator("#nearest-text span[lang='de']").text_content() == theme["name"]
    assert page.inner_text("#nearest-text").startswith(f"No {theme['name']} in {empty['name']}")


def test_a_municipality_is_suggested_as_the_place(atlas, public) -> None:  # noqa: ANN001
    page = atlas.open()
    field = page.locator("#search")
    field.focus()
    page.keyboard.type("Mel")
    place = page.locator("#search-suggestions [data-kind='place']")
    wait_texts(page, "#search-suggestions [data-kind='place'] .suggestion-label", ["Melle"])
    assert place.locator(".suggestion-label").all_text_contents() == ["Melle"]
    assert "Gemeinde" in place.first.text_content()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    melle = public.municipality("Melle")
    wait_matched(page, len(public.listed_in("Melle")))
    assert page.input_value("#municipality") == melle["key"] and field.input_value() == ""
    assert f"gem={melle['key']}" in page.url and "q=" not in page.url
