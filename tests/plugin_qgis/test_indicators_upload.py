""""Indikatorwerte hochladen" in real QGIS: the dialog's report table (outcomes, old -> new, reasons,
filters, summary) and the menu entries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis_plugin.core.indicators import UploadReport
from qgis_plugin.gui.indicator_upload import IndicatorUploadDialog

REPORT = {"dry_run": True, "rows": [
    {"source": "Zeile 2", "unit": "034590024024", "unit_name": "Melle", "year": 2023, "status": "new", "new": 12.5},
    {"source": "Zeile 3", "unit": "034590014014", "unit_name": "Bramsche", "year": 2023, "status": "changed",
     "old": 1234.5, "new": 1300},
    {"source": "Zeile 4", "unit": "034590019019", "year": 2023, "status": "unchanged", "old": 3, "new": 3},
    {"source": "Zeile 5", "unit": "Atlantis", "year": 2023, "status": "invalid", "code": "unknown_unit",
     "reason": "Unbekannte Raumeinheit „Atlantis“."},
]}


def test_the_report_table_lists_filters_and_sums_up(qgis_app: Any, tmp_path: Path) -> None:
    dialog = IndicatorUploadDialog(client=None)
    report = UploadReport.from_answer(REPORT, dry_run=True)
    dialog.report = report
    dialog.show_report(report)
    table = dialog.table
    assert table.rowCount() == 4
    assert [table.item(r, 4).text() for r in range(4)] == ["neu", "geändert", "unverändert", "ungültig"]
    assert (table.item(1, 1).text(), table.item(1, 5).text(), table.item(1, 6).text()) == (
        "Bramsche (034590014014)", "1.234,5", "1.300")
    assert table.item(3, 7).text() == "Unbekannte Raumeinheit „Atlantis“."
    assert table.item(3, 7).toolTip() == "unknown_unit"
    assert "1 neu, 1 geändert, 1 unverändert, 0 abgelehnt, 1 ungültig" in dialog.summary.text()
    assert "nichts gespeichert" in dialog.summary.text()
    # An invalid row: the server would write nothing, so there is nothing to send.
    dialog._update_buttons()
    assert not dialog.send_button.isEnabled()

    dialog.status_filter.setCurrentIndex(dialog.status_filter.findData("invalid"))
    assert dialog.visible_statuses() == ["invalid"]
    dialog.status_filter.setCurrentIndex(0)
    dialog.text_filter.setText("bramsche")
    assert dialog.visible_statuses() == ["changed"]

    # Another file makes the report stale.
    other = tmp_path / "andere.csv"
    other.write_text("x")
    dialog.set_file(str(other))
    assert table.rowCount() == 0 and dialog.report is None


def test_the_menu_has_the_indicator_actions(plugin: Any) -> None:
    texts = [action.text() for action in plugin.menu.actions() if action.text()]
    assert "Indikatorwerte hochladen…" in texts and "Indikator als Karte…" in texts
    assert plugin.actions["indicator_upload"] in plugin.toolbar.actions()
    assert plugin.actions["indicator_map"] in plugin.toolbar.actions()
