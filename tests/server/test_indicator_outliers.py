"""The admin's review of an upload flags values that deserve a second look: a jump of more than 50 %
against the unit's previous year, or a value far outside the other units of its level that year."""

from __future__ import annotations

from sync_server.domain.indicators.outliers import flags
from tests.server.test_indicator_values import build_catalogue, insert, publish
from tests.support import Api


def test_flags_name_the_jump_and_the_far_out_value() -> None:
    peers = [8.0, 10.0, 12.0, 14.0, 16.0, 18.0]
    assert flags(12.0, 11.0, peers) == []
    assert flags(18.0, 11.0, peers) == [{"code": "year_change", "previous": 11.0, "change_percent": 64}]
    assert flags(4.0, 11.0, peers)[0]["change_percent"] == -64
    [far] = flags(120.0, None, peers)
    assert far["code"] == "far_from_peers" and far["high"] < 120.0
    assert flags(120.0, None, peers[:4]) == []  # four units say nothing about a distribution
    assert flags(5.0, 0.0, []) == []  # no change rate against zero
    assert flags(None, 11.0, peers) == []


def test_pending_values_carry_their_outlier_flags(api: Api) -> None:
    build_catalogue(api)
    gemeinden = sorted(m["key"] for m in api.get("/api/v1/municipalities").get_json()
                       if m["kind"] in ("Stadt", "Gemeinde") and len(m["key"]) == 12)[:8]
    publish(api, api.push("indicator_values", [insert("t_kinder_u6", key, 2022, 400 + 10 * i)
                                               for i, key in enumerate(gemeinden)], "admin"))
    steady, jump, typo = gemeinden[:3]
    changed = {jump: 700, typo: 42000}  # +71 %, and a lost decimal comma
    answer = api.push("indicator_values", [insert("t_kinder_u6", key, 2023, changed.get(key, 405 + 10 * i))
                                           for i, key in enumerate(gemeinden)], "admin")
    assert answer.status_code == 200, answer.get_json()
    pending = api.get("/api/v1/review/pending?layer=indicator_values&indicator=t_kinder_u6", "admin").get_json()
    by_unit = {e["after"]["properties"]["unit"]: e for e in pending}
    assert by_unit[steady]["outliers"] == []
    assert [f["code"] for f in by_unit[jump]["outliers"]] == ["year_change"]
    assert by_unit[jump]["outliers"][0]["change_percent"] == 71
    assert {f["code"] for f in by_unit[typo]["outliers"]} == {"year_change", "far_from_peers"}
    institutions = api.get("/api/v1/review/pending?layer=institutions", "admin").get_json()
    assert institutions and all("outliers" not in e for e in institutions)
