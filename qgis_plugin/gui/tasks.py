"""Checkout and sync in QGIS's task manager, so QGIS never freezes while the network works.

:class:`SyncTask` runs ``Synchronizer.checkout`` or ``Synchronizer.sync`` in ``run()`` (a worker
thread), reports the core's progress with ``setProgress`` (QGIS shows it with a cancel button in
its status bar) and passes ``isCanceled`` to the core as ``is_cancelled``: the core stops between
two pages or pushes, leaving a consistent working copy. Result or exception are kept and handed
to ``on_done`` in ``finished()``, which QGIS calls in the main thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from qgis.core import QgsApplication, QgsTask
from qgis.PyQt.QtCore import pyqtSignal

from ..core.api import AtlasClient
from ..core.errors import Cancelled
from ..core.reference import refresh_reference_data
from ..core.sync import Resolver, Synchronizer, SyncReport
from ..core.workcopy import WorkingCopy

CHECKOUT, SYNC = "checkout", "sync"


@dataclass
class TaskOutcome:
    """What a finished task hands to the main thread (plain Python: the task object is deleted soon)."""

    kind: str
    report: SyncReport | None = None
    error: BaseException | None = None
    messages: list[str] = field(default_factory=list)
    #: A sync that worked but could not refresh territories and catalogue (the old ones stay).
    reference_error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.report is not None

    @property
    def cancelled(self) -> bool:
        return isinstance(self.error, Cancelled)


class SyncTask(QgsTask):
    """One checkout or sync of a working copy; ``on_done(outcome)`` runs in the main thread."""

    #: The core's progress text ("Ebene „institutions“: 3 Änderungen werden gesendet …").
    progressMessage = pyqtSignal(str)  # noqa: N815 (Qt naming)

    def __init__(self, description: str, kind: str, client: AtlasClient, workcopy: WorkingCopy,
                 on_done: Callable[[TaskOutcome], None] | None = None, *, force: bool = False,
                 resolve: Resolver | None = None, hold_back: Mapping[str, Iterable[str]] | None = None) -> None:
        super().__init__(description, QgsTask.Flag.CanCancel)
        if kind not in (CHECKOUT, SYNC):
            raise ValueError(f"unknown task kind {kind!r}")
        self.kind = kind
        self.client = client
        self.workcopy = workcopy
        self.force = force
        self.resolve = resolve
        self.hold_back = {layer: set(uuids) for layer, uuids in (hold_back or {}).items()}
        self._on_done = on_done
        self.outcome = TaskOutcome(kind)

    # ------------------------------------------------------------------ worker thread

    def _progress(self, percent: float, message: str) -> None:
        self.setProgress(percent)
        self.outcome.messages.append(message)
        self.progressMessage.emit(message)

    def run(self) -> bool:
        synchronizer = Synchronizer(self.client, self.workcopy, progress=self._progress,
                                    is_cancelled=self.isCanceled)
        try:
            if self.kind == CHECKOUT:
                report = synchronizer.checkout(force=self.force)
            else:
                report = synchronizer.sync(resolve=self.resolve, hold_back=self.hold_back)
            if self.isCanceled():
                raise Cancelled(code="cancelled")
        except Exception as exc:  # kept for the main thread, which shows it; never lost in a thread
            self.outcome.error = exc
            return False
        self.outcome.report = report
        # Territories, catalogue colours and the user's role: for the map, the forms and the checks.
        # A checkout needs them; after a sync the stored ones serve until the next sync.
        try:
            refresh_reference_data(self.client, self.workcopy)
        except Exception as exc:
            if self.kind == CHECKOUT:
                self.outcome.error = exc
                return False
            self.outcome.reference_error = exc
        return True

    # ------------------------------------------------------------------ main thread

    def finished(self, result: bool) -> None:
        if not result and self.outcome.error is None:
            self.outcome.error = Cancelled(code="cancelled")
        if self._on_done is not None:
            self._on_done(self.outcome)


def show_progress_messages(task: SyncTask, iface: Any) -> None:
    """Show the core's progress texts in QGIS's status bar (the task manager shows the percentage)."""
    status_bar = iface.statusBarIface() if hasattr(iface, "statusBarIface") else None
    if status_bar is not None:
        task.progressMessage.connect(lambda message: status_bar.showMessage(message, 5000))


def start(task: SyncTask) -> SyncTask:
    """Hand the task to QGIS's task manager (the caller keeps a reference until ``on_done``)."""
    QgsApplication.taskManager().addTask(task)
    return task
