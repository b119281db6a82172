"""The handover's side of the ownership transfer: it asks the engine
(hr_client_handover_engine.py) to move or to give back, in the current
transaction or in the background, and the engine calls it back once, when the
transfer or the revert has ended (``_on_transfer_end``). The handover alone
writes its ``transfer_state``.
"""

from datetime import timedelta

from odoo import api, fields, models

from .hr_client_handover_stages import DONE


class HrClientHandoverTransferMixin(models.AbstractModel):
    """The transfer of a handover's customers (inherited by hr.client.handover)."""

    _name = "hr.client.handover.transfer.mixin"
    _description = "Client Handover Transfer"

    def _in_background(self, total):
        threshold = self.company_id.handover_async_threshold or 0
        return bool(
            threshold
            and total > threshold
            and not self.env.context.get("handover_sync")
        )

    def _trigger_transfer_job(self, at=None):
        """Wake the background job; when two or more transfers (or reverts) are
        under way, its second worker too (Odoo runs one job per scheduled
        action at a time: the second action is a second worker)."""
        jobs = self.env.ref("hr_client_handover.ir_cron_handover_transfer")
        second = self.env.ref(
            "hr_client_handover.ir_cron_handover_transfer_2", raise_if_not_found=False
        )
        # As superuser: the transfers under way in the database, whoever approves.
        if second and (
            self.env["hr.client.handover"]
            .sudo()
            .search_count([("transfer_state", "in", ("running", "reverting"))], limit=2)
            > 1
        ):
            jobs |= second
        for job in jobs:
            job._trigger(at)

    def _start_transfer(self):
        """Select what moves, then move it now, or in the background when large."""
        self.ensure_one()
        # As superuser: the engine moves records the caller may not write, and writes
        # the ledger and the queue, which no user writes; the policy checked the caller.
        handover = self.sudo()
        # (sudo: the engine, as above.)
        total = self.env["hr.client.handover.engine"].sudo()._enqueue(handover)
        handover.write({"transfer_state": "running", "transfer_total": total})
        handover._dispatch(
            total,
            self.env._(
                "%(count)s records to move: the transfer runs in the background. "
                "Progress shows on the form.",
                count=total,
            ),
        )

    def _start_revert(self, reason):
        """Give back what the handover moved (reason: 'revert' or 'return'), now
        or in the background when large."""
        self.ensure_one()
        # As superuser: the engine gives back records the caller may not write; the
        # policy checked the caller.
        handover = self.sudo()
        # (sudo: the engine counts records the caller may not read, as above.)
        total = (
            self.env["hr.client.handover.engine"].sudo()._count_to_give_back(handover)
        )
        handover.write({"transfer_state": "reverting", "revert_reason": reason})
        handover._dispatch(
            total,
            self.env._(
                "%(count)s values to give back: the revert runs in the "
                "background. Progress shows on the form.",
                count=total,
            ),
        )

    def _dispatch(self, total, background_message):
        """Run the queued transfer or revert now, or announce it and leave it to
        the background job when it is larger than the company's threshold."""
        if self._in_background(total):
            self.message_post(body=background_message)
            self._trigger_transfer_job()
            return
        self._run_transfer_now()

    def _run_transfer_now(self):
        """Run the transfer or the revert in the current transaction; rows someone
        else is editing are left to the background job, never overwritten."""
        # As superuser: the engine moves records the caller may not write; the policy
        # checked the caller.
        if self.env["hr.client.handover.engine"].sudo()._run(self) == "later":
            self._trigger_transfer_job()

    def _revert_transfer(self):
        self._start_revert("revert")

    def _return_from_leave(self):
        self._start_revert("return")

    @api.model
    def _cron_run_transfers(self):
        """Background transfers and reverts: committed batches, resumable after a
        crash (the queue and the ledger tell what is left), time-boxed by the
        cron framework.

        The handovers share the job in rounds of one batch each, so that when
        many are approved together (a reorganisation) each one's first batch
        is committed early instead of waiting for the others to finish: a
        handover approved meanwhile has the next turn, its first batch cut to
        its share, and the others' turns are shuffled (see the engine's
        ``_turns``). Several workers (the second scheduled action, other
        servers on the same database) run this together: a handover another
        worker holds is skipped for this round, it is that worker's turn; a
        worker stops when a whole round found nothing free."""
        engine = self.env["hr.client.handover.engine"]._for_run()
        Cron = self.env["ir.cron"]
        handovers = self.search([("transfer_state", "in", ("running", "reverting"))])
        Cron._commit_progress(remaining=engine._remaining(handovers))
        later = set()
        served = set()  # the handovers of the current round that had their turn
        progressed = False
        while True:
            # Asked again before every turn: a handover approved meanwhile has
            # the next one (the engine puts the unopened first).
            turns = [
                (handover, size)
                for handover, size in engine._turns(skip=later)
                if handover.id not in served
            ]
            # A fresh snapshot for the batch.
            Cron._commit_progress()
            if not turns:
                if not progressed:
                    break
                served, progressed = set(), False  # the next round
                continue
            handover, size = turns[0]
            served.add(handover.id)
            status = engine.with_context(handover_batch_size=size)._run(
                handover, commit=True, max_batches=1
            )
            if status == "paused":
                # Time is up: let other jobs run, then come back at once (a
                # trigger due now wakes the cron workers at commit).
                self._trigger_transfer_job()
                Cron._commit_progress()
                return
            if status == "later":
                later.add(handover.id)
            progressed = progressed or status in ("more", "done")
        if later:
            # Only rows other transactions hold are left: try again in a minute
            # instead of spinning on them.
            Cron._commit_progress(remaining=0)
            self._trigger_transfer_job(fields.Datetime.now() + timedelta(minutes=1))

    def _on_transfer_end(self, result):
        """The engine's one call back: the transfer (``result``: what moved, see
        the engine's ``_moved``) or the revert (``_given_back``) of this
        handover has ended."""
        self.ensure_one()
        if self.transfer_state == "running":
            self._transfer_done(result["moved"])
        else:
            self._revert_done(result["returned"], result["kept"])

    def _transfer_done(self, moved):
        """Transfer complete: what each successor received in the handover's
        record, and a notice of their own to each (which the others do not
        see); the summary filed with its figures, customer mails."""

        def listed(figures):
            return ", ".join(f"{name}: {count}" for name, count in figures)

        if moved:
            self.message_post(
                body=self.env._(
                    "Transfer complete. Received: %(received)s.",
                    received="; ".join(
                        f"{user.name} ({listed(figures)})"
                        for user, figures in moved.items()
                    ),
                ),
                subtype_xmlid="mail.mt_note",
            )
        for user, figures in moved.items():
            self.message_notify(
                body=self.env._(
                    "%(user)s, you now own what %(departing)s handed over in %(ref)s: "
                    "%(figures)s.",
                    user=user.name,
                    departing=self.departing_user_id.name,
                    ref=self.name,
                    figures=listed(figures),
                ),
                partner_ids=user.partner_id.ids,
                subject=self.name,
            )
        self.write({"transfer_state": "done"})
        if self.state == DONE and not self.summary_attachment_id:
            self.env["hr.client.handover.document"]._file_soon()
        if self.template_id.notify_customers:
            template = self.env.ref(
                "hr_client_handover.mail_template_new_account_manager",
                raise_if_not_found=False,
            )
            lines = self.line_ids.filtered(lambda line: line.partner_id.email)
            if template and lines:
                template.send_mail_batch(lines.ids)

    def _revert_done(self, returned, kept):
        user = self.departing_user_id
        if self.revert_reason == "return":
            self.write(
                {"transfer_state": "reverted", "returned_on": fields.Date.today()}
            )
            self.message_post(
                body=self.env._(
                    "Welcome back, %(user)s: %(returned)s record(s) came back to you; "
                    "%(kept)s stayed with your successors because they changed "
                    "meanwhile (see the Transfers tab).",
                    user=user.name,
                    returned=returned,
                    kept=kept,
                ),
                partner_ids=user.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
            return
        self.write({"transfer_state": "reverted"})
        self.message_post(
            body=self.env._(
                "Transfer reverted: %(returned)s value(s) given back to %(user)s; "
                "%(kept)s kept because they changed since the handover.",
                returned=returned,
                kept=kept,
                user=user.name,
            )
        )
