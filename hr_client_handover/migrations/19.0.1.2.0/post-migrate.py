"""19.0.1.2.0: filed documents get their own list (hr.client.handover.document).

The summaries filed before this version are listed there too, as filed.

The transfer engine selects what a transfer moves once, at approval, into a
queue (hr.client.handover.queue) that the background job works through. A
background transfer still running when the database is upgraded from a release
without the queue has nothing queued: what it has left to move is queued now,
else the job would close it with its customers still with the departing user."""

from odoo import SUPERUSER_ID, api


def _list_filed_summaries(env):
    Handover = env["hr.client.handover"].with_context(active_test=False)
    Document = env["hr.client.handover.document"]
    listed = set(Document.search([]).attachment_id.ids)
    Document.create(
        [
            {
                "handover_id": handover.id,
                "kind": "summary",
                "attachment_id": handover.summary_attachment_id.id,
                "filed_on": handover.summary_attachment_id.create_date,
            }
            for handover in Handover.search([("summary_attachment_id", "!=", False)])
            if handover.summary_attachment_id.id not in listed
        ]
    )


def _queue_running_transfers(env):
    Handover = env["hr.client.handover"].with_context(active_test=False)
    Queue = env["hr.client.handover.queue"]
    engine = env["hr.client.handover.engine"]
    for handover in Handover.search([("transfer_state", "=", "running")]):
        if not Queue.search_count([("handover_id", "=", handover.id)], limit=1):
            engine._enqueue(handover)
            handover._trigger_transfer_job()


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    _list_filed_summaries(env)
    _queue_running_transfers(env)
