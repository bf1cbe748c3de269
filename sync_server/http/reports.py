"""Visitors' reports of outdated offers: the public form and report, and the staff's list and closing
(rules in :mod:`..domain.reports`). A blueprint of its own, so the OpenAPI document lists these
endpoints under the tag ``reports``."""

from __future__ import annotations

from flask import Blueprint, request

from ..domain import reports
from ..domain.answers import ReportForm, ReportReceipt, ReportView
from .common import answers, body, context, int_arg, login_required, state

bp = Blueprint("reports", __name__, url_prefix="/api/v1")


@bp.get("/public/offers/<offer_id>/report-form")
@answers(ReportForm)
def report_form(offer_id: str) -> ReportForm:
    """A signed token for the report form of a published offer (never cached: it carries the time)."""
    return reports.report_form(context(), offer_id)


@bp.post("/public/offers/<offer_id>/reports")
@answers(ReportReceipt, 201)
def report(offer_id: str) -> ReportReceipt:
    """Report a published offer as wrong or outdated (visitors; rate-limited per client address)."""
    return reports.submit(context(), offer_id, body(reports.MAX_BODY_BYTES),
                          request.remote_addr,  # behind trusted proxies: ProxyFix's client address
                          throttle=state().session_factory)


@bp.get("/reports")
@login_required
@answers(list[ReportView])
def list_reports() -> list[ReportView]:
    """Visitors' reports of the offers the caller handles (editor: its municipality's; admin: all);
    `?state=open` (default), `closed` or `all`."""
    return reports.list_reports(context(), request.args.get("state", "open"),
                                int_arg("limit", 1000, 1, 10000))


@bp.post("/reports/<int:report_id>/close")
@login_required
@answers(ReportView)
def close_report(report_id: int) -> ReportView:
    """Close a report with an answer (editor of the offer's municipality, or admin)."""
    return reports.close(context(), report_id, body())
