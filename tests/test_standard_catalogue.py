"""The standard German catalogue as data: consistent with itself and with the contract in docs/indicators.md."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from pathlib import Path

from sync_server.demo import geodata
from sync_server.domain.indicators import standard
from sync_server.domain.indicators.standard import (
    BY_KEY,
    CATEGORIES,
    INDICATORS,
    STANDARD,
    THEMES,
    consistency_problems,
)

CONTRACT_FIELDS = {
    "key", "name_de", "name_en", "definition_de", "definition_en", "theme", "unit", "kind", "numerator",
    "denominator", "decimals", "polarity", "source", "copyright", "levels", "aggregation", "min_count",
    "min_denominator", "maintained_by", "keywords", "provision",
}


def test_the_catalogue_is_consistent():
    assert consistency_problems() == []


def test_the_consistency_check_finds_broken_references_and_bad_units():
    rate = BY_KEY["betreuungsquote_u3"]
    broken = (
        dataclasses.replace(rate, denominator="bev_unter_drei"),
        dataclasses.replace(BY_KEY["bev_gesamt"], unit="people"),
        dataclasses.replace(BY_KEY["angebote_pflege"], provision=standard.Provision("altenheim")),
        dataclasses.replace(BY_KEY["anteil_u18"], numerator="anteil_65plus"),
    )
    problems = consistency_problems(dataclasses.replace(STANDARD, indicators=(*INDICATORS, *broken)))
    assert "betreuungsquote_u3: duplicate key" in problems
    assert "betreuungsquote_u3: denominator bev_unter_drei is not in the catalogue" in problems
    assert "bev_gesamt: unknown unit people" in problems
    assert "angebote_pflege: provision category altenheim is not in the catalogue" in problems
    assert "anteil_u18: numerator anteil_65plus is not a count" in problems


def test_the_seven_themes_of_the_family_report():
    assert [t.key for t in THEMES] == ["bevoelkerung", "erwerb", "betreuung", "bildung", "infrastruktur",
                                       "gesundheit", "armut"]
    assert [t.name_de for t in THEMES] == ["Bevölkerung/Demographie", "Erwerbsbeteiligung", "Betreuungssituation",
                                           "Bildungsbeteiligung", "Infrastrukturausstattung", "Gesundheit/Pflege",
                                           "Armutslagen"]
    assert [t.position for t in THEMES] == list(range(1, 8))
    assert all(re.fullmatch(r"#[0-9A-F]{6}", t.color) for t in THEMES)
    assert len({t.color for t in THEMES}) == 7
    assert all(t.name_en and t.name_en != t.name_de for t in THEMES)


def test_at_least_thirty_indicators_across_all_themes():
    uploaded = [i for i in INDICATORS if i.provision is None]
    assert len(uploaded) >= 30
    per_theme = Counter(i.theme for i in INDICATORS)
    assert set(per_theme) == {t.key for t in THEMES}
    assert min(n for theme, n in per_theme.items()) >= 3
    for ind in INDICATORS:
        assert re.fullmatch(r"[a-z0-9_]{2,60}", ind.key), ind.key
        assert ind.name_de and ind.name_en and ind.definition_de.endswith(".") and ind.definition_en.endswith(".")
        assert ind.source and ind.copyright


def test_the_body_carries_exactly_the_contract_fields():
    body = BY_KEY["sgb2_quote_u15"].body()
    assert set(body) == CONTRACT_FIELDS
    assert body["numerator"] == "sgb2_u15" and body["denominator"] == "bev_u15"
    assert body["aggregation"] == "ratio" and body["polarity"] == "higher_worse" and body["unit"] == "percent"
    assert body["levels"] == ["landkreis", "gemeinde", "mitgliedsgemeinde", "ortsteil"]
    # An atlas without Ortsteile gets the indicator on the levels it has.
    assert BY_KEY["sgb2_quote_u15"].body(levels=("landkreis", "gemeinde"))["levels"] == ["landkreis", "gemeinde"]


def test_rates_are_recomputed_from_their_counts_and_counts_are_summed():
    quote = BY_KEY["betreuungsquote_u3"]
    assert (quote.numerator, quote.denominator, quote.unit, quote.kind) == ("kita_u3", "bev_u3", "percent", "share")
    for ind in INDICATORS:
        if ind.kind == "count":
            assert ind.aggregation == "sum", ind.key
        elif ind.kind in ("rate", "share"):
            assert ind.aggregation == "ratio", ind.key
        else:
            assert ind.aggregation == "none", ind.key
    assert BY_KEY["durchschnittsalter"].kind == "mean" and BY_KEY["durchschnittsalter"].unit == "years"


def test_search_keywords_find_what_people_type():
    def found(word: str) -> set[str]:
        return {i.key for i in INDICATORS if any(word.lower() == k.lower() for k in i.keywords)}

    assert "tagespflege_u3" in found("Tagesmutter")
    assert {"betreuungsquote_u3", "kita_u3"} <= found("Kita")
    assert {"sgb2_u15", "sgb2_quote_u15", "grusi_alter"} <= found("Armut")


def test_provision_indicators_per_category_and_per_1000_of_the_target_group():
    provision = {i.key: i for i in INDICATORS if i.provision is not None}
    top = [c.key for c in CATEGORIES if c.parent_key is None]
    for category in top:
        count = provision[f"angebote_{category}"]
        assert count.kind == "count" and count.provision.population is None and count.min_count == 0
        assert count.theme == "infrastruktur" and count.maintained_by == "county"
    kita = provision["angebote_kinderbetreuung_je_1000"]
    assert kita.provision == standard.Provision("kinderbetreuung", "bev_u6", 1000)
    assert (kita.numerator, kita.denominator, kita.unit) == ("angebote_kinderbetreuung", "bev_u6", "per_1000")
    assert kita.body()["provision"] == {"category": "kinderbetreuung", "population": "bev_u6", "per": 1000}
    assert provision["angebote_kindertagespflege_je_1000"].provision.population == "bev_u3"  # a subcategory


def test_confidentiality_thresholds():
    assert BY_KEY["sgb2_u15"].min_count == 3
    assert all(i.min_denominator >= 10 for i in INDICATORS if i.kind in ("rate", "share"))


def test_the_demo_uses_the_standard_categories():
    assert geodata.CATEGORIES is CATEGORIES
    keys = [c.key for c in CATEGORIES]
    assert len(keys) == len(set(keys))
    assert all(c.name_en for c in CATEGORIES)


def test_the_documentation_lists_every_standard_indicator():
    text = (Path(__file__).resolve().parents[1] / "docs" / "indicators.md").read_text(encoding="utf-8")
    missing = [i.key for i in INDICATORS if f"| `{i.key}` |" not in text]
    assert missing == []
