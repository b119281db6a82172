"""The handover record cannot be forged: one policy on every path (create,
write, unlink, x2many commands, attachments, wizards), frozen records, and a
hash chain that shows a change made behind the application."""

import base64
import json

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import PNG_SIGNATURE, HandoverCase


@tagged("post_install", "-at_install")
class TestIntegrity(HandoverCase):
    # ------------------------------------------------------------------
    # Header
    # ------------------------------------------------------------------
    def test_employee_cannot_change_after_creation(self):
        handover = self.draft_handover()
        for user in (self.departing, self.supervisor, self.handover_admin):
            with self.assertRaisesRegex(AccessError, "Departing Employee"):
                handover.with_user(user).write(
                    {"employee_id": self.witness_employee.id}
                )
        self.assertEqual(handover.employee_id, self.employee)

    def test_departing_employee_does_not_choose_the_approval_chain(self):
        handover = self.draft_handover()
        with self.assertRaisesRegex(AccessError, "direct supervisor or handover"):
            handover.with_user(self.departing).write(
                {"approver_id": self.other_salesman.id}
            )
        # Nor by starting a handover with a chain of their own.
        other = self.env["hr.client.handover"].with_user(self.departing)
        handover.sudo()._do_cancel("restart")
        with self.assertRaisesRegex(AccessError, "direct supervisor or handover"):
            other.create(
                {
                    "employee_id": self.employee.id,
                    "supervisor_id": self.other_salesman.id,
                }
            )
        self.assertEqual(handover.approver_id, self.approver)

    def test_successor_cannot_hold_a_role(self):
        handover = self.draft_handover()
        with self.assertRaisesRegex(ValidationError, "receives customers"):
            handover.with_user(self.supervisor).write(
                {"witness_id": self.successor_a.id}
            )
        line = handover.line_ids[:1]
        with self.assertRaisesRegex(ValidationError, "receives customers"):
            line.with_user(self.supervisor).successor_id = self.witness

    def test_roles_after_submission_by_an_administrator_with_a_note(self):
        handover = self.draft_handover()
        self.advance(handover, "plan_review")
        with self.assertRaisesRegex(AccessError, "handover administrator"):
            handover.with_user(self.supervisor).witness_id = self.approver
        handover.with_user(self.handover_admin).witness_id = self.approver
        self.assertEqual(handover.witness_id, self.approver)
        self.assertIn("Hana HR replaced", handover.message_ids[:1].body)

    def test_replaced_division_manager_gets_the_pending_approval(self):
        """The administrator replaces the division manager of a plan awaiting
        approval: the approval activity goes to the new one, who approves."""
        handover = self.advance(self.draft_handover(), "plan_approval")
        approve = self.env.ref("hr_client_handover.mail_act_handover_approve_plan")

        def approvals():
            return handover.activity_ids.filtered(
                lambda act: act.activity_type_id == approve
            )

        self.assertEqual(approvals().user_id, self.approver)
        deputy = self.env["res.users"].create(
            {"name": "Dana Deputy", "login": "dana.deputy", "email": False}
        )
        handover.with_user(self.handover_admin).approver_id = deputy
        self.assertEqual(approvals().user_id, deputy)
        handover.with_user(deputy).action_approve_plan()
        self.assertEqual(handover.state, "materials")
        self.assertFalse(approvals())

    def test_officer_starts_handovers_of_their_departments_only(self):
        self.witness.group_ids += self.env.ref(
            "hr_client_handover.group_handover_officer"
        )
        outsider_department = self.env["hr.department"].create({"name": "Finance"})
        outsider = self.env["hr.employee"].create(
            {"name": "Fiona Finance", "department_id": outsider_department.id}
        )
        Handover = self.env["hr.client.handover"].with_user(self.witness)
        with self.assertRaisesRegex(AccessError, "officer of their department"):
            Handover.create({"employee_id": outsider.id})
        colleague = self.env["hr.employee"].create(
            {"name": "Carl Colleague", "department_id": self.sales_department.id}
        )
        self.assertEqual(Handover.create({"employee_id": colleague.id}).state, "draft")

    def test_officer_reads_handovers_of_sub_departments_at_any_depth(self):
        self.witness.group_ids += self.env.ref(
            "hr_client_handover.group_handover_officer"
        )
        Department = self.env["hr.department"]
        region = Department.create(
            {"name": "East Region", "parent_id": self.sales_department.id}
        )
        branch = Department.create({"name": "Hangzhou Branch", "parent_id": region.id})
        other = Department.create({"name": "Logistics"})
        employees = self.env["hr.employee"]
        for name, department in (("Bo Branch", branch), ("Lu Logistics", other)):
            user = self.env["res.users"].create(
                {"name": name, "login": name.lower().replace(" ", "."), "email": False}
            )
            employees += self.env["hr.employee"].create(
                {"name": name, "user_id": user.id, "department_id": department.id}
            )
        in_branch, elsewhere = (
            self.env["hr.client.handover"].create({"employee_id": employee.id})
            for employee in employees
        )
        Handover = self.env["hr.client.handover"].with_user(self.witness)
        found = Handover.search([("id", "in", (in_branch | elsewhere).ids)])
        self.assertEqual(found, in_branch)
        # Moving the branch out of the officer's departments takes effect at
        # once, although Odoo caches record rules per user.
        branch.parent_id = other
        self.assertFalse(Handover.search([("id", "=", in_branch.id)]))
        with self.assertRaises(AccessError):
            in_branch.with_user(self.witness).check_access("read")

    def test_closed_handover_is_frozen_for_administrators_too(self):
        handover = self.draft_handover()
        self.advance(handover, "done")
        for values in ({"reason": "Rewritten"}, {"last_working_date": self.today}):
            with self.assertRaisesRegex(UserError, "Done"):
                handover.with_user(self.handover_admin).write(values)
        with self.assertRaisesRegex(AccessError, "Reference"):
            handover.with_user(self.handover_admin).name = "HO/FAKE"
        # Done still grants the administrator Give Everything Back, so the
        # handover itself may be written to; the checklist item it would
        # create is refused by the item's own row: none is added in Done.
        with self.assertRaisesRegex(
            UserError, r"Adding .* is not possible: .*'Done'. Nothing was changed"
        ):
            handover.with_user(self.handover_admin).write(
                {"item_ids": [Command.create({"name": "Planted"})]}
            )
        self.assertNotIn("Planted", handover.item_ids.mapped("name"))
        with self.assertRaisesRegex(AccessError, "comes from its sequence"):
            self.env["hr.client.handover"].with_user(self.handover_admin).create(
                {"employee_id": self.supervisor_employee.id, "name": "HO/FORGED"}
            )

    # ------------------------------------------------------------------
    # Lines, checklist, signatures: every path
    # ------------------------------------------------------------------
    def test_lines_cannot_be_forged(self):
        handover = self.draft_handover()
        line = handover.line_ids[:1]
        forged = {
            "partner_id": self.other_customer.id,
            "successor_id": self.successor_a.id,
            "materials_confirmed_on": "2026-01-01 00:00:00",
            "visit_successor_confirmed_on": "2026-01-01 00:00:00",
            "visit_departing_confirmed_on": "2026-01-01 00:00:00",
        }
        Line = self.env["hr.client.handover.line"].with_user(self.departing)
        with self.assertRaisesRegex(AccessError, "buttons only"):
            Line.create({"handover_id": handover.id, **forged})
        with self.assertRaisesRegex(AccessError, "buttons only"):
            handover.with_user(self.departing).write(
                {"line_ids": [Command.create(forged)]}
            )
        with self.assertRaisesRegex(AccessError, "departing employee or"):
            handover.with_user(self.successor_a).write(
                {"line_ids": [Command.delete(line.id)]}
            )
        self.advance(handover, "materials")
        for user in (self.departing, self.supervisor, self.handover_admin):
            with self.assertRaisesRegex(UserError, "Materials"):
                handover.with_user(user).write({"line_ids": [Command.delete(line.id)]})
            with self.assertRaisesRegex(AccessError, "buttons only"):
                line.with_user(user).write({"materials_confirmed_on": self.today})
        self.assertTrue(line.exists())
        self.assertFalse(line.materials_confirmed_on)

    def test_confirmed_materials_and_recorded_visits_are_frozen(self):
        handover = self.draft_handover()
        self.advance(handover, "materials")
        line = handover.line_ids.filtered(
            lambda ln: ln.successor_id == self.successor_a
        )[:1]
        line.with_user(self.successor_a).materials_location = "Cabinet 3"
        line.with_user(self.successor_a).action_confirm_materials()
        with self.assertRaisesRegex(UserError, "were confirmed by its successor"):
            line.with_user(self.departing).materials_location = "Elsewhere"
        self.advance(handover, "visits")
        line.with_user(self.successor_a).visit_notes = "Met the buyer"
        self.do_visits(handover, line)
        with self.assertRaisesRegex(UserError, "visit of .* is confirmed or waived"):
            line.with_user(self.successor_a).visit_notes = "Never met"
        self.assertEqual(line.visit_notes, "Met the buyer")

    def test_checklist_cannot_be_forged(self):
        handover = self.draft_handover()
        item = handover.item_ids[:1]
        Item = self.env["hr.client.handover.item"]
        with self.assertRaisesRegex(AccessError, "buttons only"):
            item.with_user(self.departing).write(
                {"done": True, "confirmed_by_id": self.witness.id}
            )
        with self.assertRaisesRegex(AccessError, "departing employee or"):
            Item.with_user(self.successor_a).create(
                {"handover_id": handover.id, "name": "Planted"}
            )
        self.advance(handover, "materials")
        with self.assertRaisesRegex(UserError, "Materials"):
            Item.with_user(self.supervisor).create(
                {"handover_id": handover.id, "name": "Planted"}
            )
        with self.assertRaisesRegex(UserError, "Materials"):
            item.with_user(self.supervisor).unlink()
        self.tick(item)
        item.with_user(self.witness).action_confirm()
        with self.assertRaisesRegex(UserError, "confirmed on receipt"):
            item.with_user(item.responsible_id).action_reset()
        self.advance(handover, "visits")
        with self.assertRaisesRegex(UserError, "closed with the materials stage"):
            handover.item_ids[1:2].with_user(self.departing).action_reset()

    def test_signature_image_is_not_an_attachment(self):
        handover = self.draft_handover()
        self.advance(handover, "materials")
        self.sign(handover, "materials")
        signature = handover.signature_ids.filtered(
            lambda sig: sig.user_id == self.successor_a
        )
        Attachment = self.env["ir.attachment"]
        self.assertFalse(
            Attachment.sudo().search(
                [("res_model", "=", signature._name), ("res_id", "=", signature.id)]
            ),
            "the image is in the signature's own row",
        )
        for user in (self.successor_a, self.handover_admin):
            with self.assertRaisesRegex(AccessError, "sealed record"):
                Attachment.with_user(user).create(
                    {
                        "name": "signature",
                        "datas": PNG_SIGNATURE,
                        "res_model": signature._name,
                        "res_id": signature.id,
                        "res_field": "signature",
                    }
                )
        with self.assertRaisesRegex(UserError, "already signed"):
            signature.with_user(self.successor_a).signature = PNG_SIGNATURE
        with self.assertRaisesRegex(AccessError, "signer"):
            signature.with_user(self.handover_admin).signature = PNG_SIGNATURE
        with self.assertRaises(AccessError):
            handover.with_user(self.successor_a).write(
                {"signature_ids": [Command.update(signature.id, {"role": "witness"})]}
            )

    # ------------------------------------------------------------------
    # Wizards and filed documents
    # ------------------------------------------------------------------
    def test_wizards_are_private(self):
        handover = self.draft_handover()
        self.advance(handover, "plan_review")
        wizard = (
            self.env["hr.client.handover.refuse"]
            .with_user(self.supervisor)
            .create({"handover_id": handover.id, "reason": "Split the accounts"})
        )
        for user in (self.approver, self.handover_admin):
            with self.assertRaises(AccessError):
                wizard.with_user(user).read(["reason"])
            with self.assertRaises(AccessError):
                wizard.with_user(user).reason = "Forged"
        self.assertEqual(wizard.reason, "Split the accounts")

    def test_filed_summary_is_the_systems(self):
        handover = self.draft_handover().with_context(force_report_rendering=True)
        self.advance(handover, "summary")
        Attachment = self.env["ir.attachment"]
        planted = Attachment.with_user(self.departing).create(
            {
                "name": "{}_summary.pdf".format(handover.name.replace("/", "_")),
                "raw": b"%PDF-1.4 forged",
                "res_model": handover._name,
                "res_id": handover.id,
            }
        )
        self.advance(handover, "done")
        filed = handover.summary_attachment_id
        self.assertTrue(filed)
        self.assertNotEqual(filed, planted, "a planted file is never the filed one")
        report = self.env.ref("hr_client_handover.action_report_handover_summary")
        content, _type = (
            self.env["ir.actions.report"]
            .with_user(self.departing)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, handover.ids)
        )
        self.assertEqual(content, filed.raw)
        for user in (self.departing, self.approver, self.handover_admin):
            with self.assertRaisesRegex(AccessError, "sealed record"):
                filed.with_user(user).write({"raw": b"%PDF-1.4 rewritten"})
            with self.assertRaisesRegex(AccessError, "sealed record"):
                filed.with_user(user).unlink()
            with self.assertRaises(AccessError):
                handover.with_user(user).summary_attachment_id = planted
        self.assertEqual(handover.summary_attachment_id, filed)

    # ------------------------------------------------------------------
    # Seals
    # ------------------------------------------------------------------
    def test_seal_chain_shows_a_change_behind_the_application(self):
        handover = self.draft_handover()
        self.advance(handover, "plan_review")
        self.refuse(handover, self.supervisor, "Split the key accounts")
        self.advance(handover, "done")
        seals = handover.seal_ids
        self.assertEqual(seals.mapped("sequence"), list(range(1, len(seals) + 1)))
        kinds = set(seals.mapped("kind"))
        self.assertTrue(
            {"stage", "signature", "materials", "visit", "check", "item"} <= kinds
        )
        refusal = seals.filtered(
            lambda seal: seal.kind == "stage" and "Split the key" in seal.sealed_values
        )
        self.assertTrue(refusal, "the refusal and its reason are sealed")
        action = handover.with_user(self.witness).action_verify_integrity()
        self.assertEqual(action["params"]["type"], "success", action["params"])
        # Only the auditors check the seals: not the person handed over.
        with self.assertRaisesRegex(AccessError, "supervising witness"):
            handover.with_user(self.departing).action_verify_integrity()

        with self.assertRaises(UserError):
            seals[:1].sudo().write({"hash": "0" * 64})
        with self.assertRaises(UserError):
            seals[:1].sudo().unlink()
        with self.assertRaises(AccessError):
            self.env["hr.client.handover.seal"].with_user(self.handover_admin).create(
                {"handover_id": handover.id}
            )

        # A signature image replaced in SQL: the check names that signature.
        signature = handover.signature_ids.filtered(
            lambda sig: sig.user_id == self.successor_b and sig.stage == "materials"
        )
        forged = base64.b64encode(b"forged image").decode()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE hr_client_handover_signature SET signature = %s WHERE id = %s",
            [forged, signature.id],
        )
        action = handover.with_user(self.handover_admin).action_verify_integrity()
        params = action["params"]
        self.assertEqual(params["type"], "danger")
        self.assertIn("Bea Successor", params["message"])
        self.assertIn("Signature", params["message"])

    def test_altered_seal_row_breaks_the_chain(self):
        handover = self.draft_handover()
        self.advance(handover, "materials")
        seal = handover.seal_ids.filtered(lambda seal: seal.kind == "stage")[:1]
        self.assertTrue(
            self.env["hr.client.handover.seal"]._integrity_message(handover)[0]
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE hr_client_handover_seal SET user_id = %s WHERE id = %s",
            [self.handover_admin.id, seal.id],
        )
        intact, message = self.env["hr.client.handover.seal"]._integrity_message(
            handover
        )
        self.assertFalse(intact)
        self.assertIn(f"seal #{seal.sequence} ", message)
        self.assertIn("altered", message)

    def test_seal_written_before_a_rename_reads_the_new_field(self):
        # Seals made before 19.0.1.6.0 keep the names they hashed ("done_by");
        # the check compares them with the field of today ("done_by_id").
        handover = self.draft_handover()
        self.advance(handover, "materials")
        item = handover.item_ids[:1]
        Seal = self.env["hr.client.handover.seal"].sudo()
        last = handover.seal_ids.sorted("sequence")[-1:]
        vals = {
            "handover_id": handover.id,
            "sequence": last.sequence + 1,
            "kind": "item",
            "res_model": item._name,
            "res_id": item.id,
            "user_id": self.supervisor.id,
            "sealed_on": fields.Datetime.now(),
            "sealed_values": json.dumps({"done_by": item.done_by_id.id or False}),
            "previous_hash": last.hash or False,
        }
        vals["hash"] = Seal._chain_hash(vals)
        old_seal = Seal.create(vals)
        self.assertTrue(Seal._integrity_message(handover)[0])
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE hr_client_handover_item SET done_by_id = %s WHERE id = %s",
            [self.handover_admin.id, item.id],
        )
        intact, message = Seal._integrity_message(handover)
        self.assertFalse(intact)
        self.assertIn(f"seal #{old_seal.sequence} ", message)

    def test_summary_report_states_the_integrity(self):
        handover = self.draft_handover()
        self.advance(handover, "summary")
        report = self.env.ref("hr_client_handover.action_report_handover_summary")
        html, _type = (
            self.env["ir.actions.report"]
            .with_user(self.witness)
            ._render_qweb_html(report, handover.ids)
        )
        self.assertIn("Integrity verified", html.decode())
