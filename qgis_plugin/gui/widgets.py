"""Small widget builders the plugin's docks and dialogs share.

Each dock used to set up its labels, tables and button rows by hand, with the same half-dozen
calls copied from one to the next (read-only table, wrapped rich-text label, button with tooltip,
filter combo with "alle"). These builders hold those choices once, so every list in the plugin
behaves alike (select whole rows, no editing, alternating colours, no row numbers) and a dock's
layout method says what is where, not how each widget is configured.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QPushButton,
    QTableWidget,
    QWidget,
)

from .text import escape_html, plain_label

#: Colour of secondary text (paths, hints) on a white background.
MUTED_COLOR = "#555555"

#: An element of :func:`hbox`: a widget, a layout, ``None`` for a stretch, or (widget, stretch factor).
RowItem = QWidget | QLayout | None | tuple[QWidget, int]


def text_label(parent: QWidget, text: str = "", *, rich: bool = False, wrap: bool = True, selectable: bool = False,
          muted: bool = False) -> QLabel:
    """A label that wraps: plain text (:func:`.text.plain_label`), or rich text where the caller
    escaped what it puts in (``rich``)."""
    widget = plain_label(text, parent, wrap=wrap)
    if rich:
        widget.setTextFormat(Qt.TextFormat.RichText)
    if selectable:
        widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if muted:
        widget.setStyleSheet(f"color: {MUTED_COLOR}")
    return widget


def legend(parent: QWidget, entries: Sequence[tuple[QColor, str, str]]) -> QLabel:
    """A one-line legend of map markers: ``(colour, symbol, text)`` each, e.g. a red "●" "alte Lage"."""
    html = " &nbsp; ".join(f'<span style="color:{color.name()}">{symbol}</span> {escape_html(text)}'
                           for color, symbol, text in entries)
    return text_label(parent, html, rich=True, wrap=False)


def button(parent: QWidget, text: str, on_click: Callable[..., Any] | None = None,
           tooltip: str | None = None) -> QPushButton:
    """A push button, connected to ``on_click`` (called without the ``checked`` argument)."""
    widget = QPushButton(text, parent)
    if tooltip:
        widget.setToolTip(tooltip)
    if on_click is not None:
        widget.clicked.connect(lambda _checked=False: on_click())
    return widget


def hbox(*items: RowItem, layout: QBoxLayout | None = None) -> QBoxLayout:
    """A horizontal row of widgets and layouts; ``None`` is a stretch that pushes the rest aside."""
    box = layout if layout is not None else QHBoxLayout()
    for item in items:
        if item is None:
            box.addStretch(1)
        elif isinstance(item, tuple):
            box.addWidget(item[0], item[1])
        elif isinstance(item, QLayout):
            box.addLayout(item)
        else:
            box.addWidget(item)
    return box


def filter_combo(parent: QWidget, all_label: str, on_change: Callable[..., Any] | None = None,
                 min_chars: int = 12) -> QComboBox:
    """A filter drop-down whose first entry (data None) means "no filter"."""
    combo = QComboBox(parent)
    combo.addItem(all_label, None)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(min_chars)
    if on_change is not None:
        combo.currentIndexChanged.connect(on_change)
    return combo


def list_table(parent: QWidget | None, headers: Sequence[str], *, multi: bool = False, sortable: bool = True,
               wrap: bool = True) -> QTableWidget:
    """A read-only table of whole rows (one row per entry), as the plugin's lists show them."""
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(list(headers))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi
                           else QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(wrap)
    table.verticalHeader().setVisible(False)
    table.setSortingEnabled(sortable)
    return table


def set_column_widths(table: QTableWidget, widths: dict[int, int], stretch: int | None = None) -> None:
    """Interactive columns of the given pixel widths; ``stretch`` takes the space that is left."""
    header = table.horizontalHeader()
    for column, width in widths.items():
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        table.setColumnWidth(column, width)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
