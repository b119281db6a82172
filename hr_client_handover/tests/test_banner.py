from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import HandoverCase, load_chinese


@tagged("post_install", "-at_install")
class TestHandoverBanner(HandoverCase):
    """The form says what is left in the stage and who acts, to each reader;
    the completing button is the primary one only when it can succeed."""

    def banner(self, handover, user):
        # As the web client reads it: in the user's language.
        record = handover.with_user(user).with_context(lang=user.lang)
        links = [
            record[f"banner_link_{n}"] for n in (1, 2, 3) if record[f"banner_link_{n}"]
        ]
        return record.banner_text, links

    def open_link(self, handover, user, index):
        action = (
            handover.with_user(user)
            .with_context(banner_link=index)
            .action_open_banner_link()
        )
        return (
            self.env[action["res_model"]].with_user(user).search(action["domain"]),
            action["name"],
        )

    def test_banner_through_the_stages(self):
        handover = self.draft_handover()
        lines_a = handover.line_ids.filtered(
            lambda line: line.successor_id == self.successor_a
        )
        lines_b = handover.line_ids - lines_a
        total = len(handover.line_ids)

        # Draft: the planners are told it is their turn; the others wait for them.
        text, links = self.banner(handover, self.departing)
        self.assertIn(f"Customers with a successor {total}/{total}", text)
        self.assertIn("Your turn: Submit Plan", text)
        self.assertEqual(links, [])
        text, _links = self.banner(handover, self.successor_a)
        self.assertIn("Waiting for: Dora Departing and Sam Supervisor", text)
        self.assertNotIn("Your turn", text)
        lines_b[0].with_user(self.departing).successor_id = False
        text, links = self.banner(handover, self.departing)
        self.assertIn("Left to do: give a successor to 1 customer(s)", text)
        self.assertIn("Waiting for: you and Sam Supervisor", text)
        self.assertEqual(links, ["Customers without a successor: 1"])
        self.assertEqual(
            self.open_link(handover, self.departing, 0),
            (lines_b[0], "Customers without a successor"),
        )
        self.assertFalse(handover.can_complete_stage)
        lines_b[0].with_user(self.departing).successor_id = self.successor_b
        self.assertTrue(handover.can_complete_stage)

        # Reviews: whose turn it is.
        self.advance(handover, "plan_review")
        text, _links = self.banner(handover, self.supervisor)
        self.assertEqual(text, "Plan under review · Your turn: Review OK")
        text, _links = self.banner(handover, self.departing)
        self.assertEqual(text, "Plan under review · Waiting for: Sam Supervisor")
        self.advance(handover, "plan_approval")
        text, _links = self.banner(handover, self.departing)
        self.assertEqual(text, "Plan awaiting approval · Waiting for: Dan Division")

        # Materials: each successor sees their own lines to confirm.
        self.advance(handover, "materials")
        text, links = self.banner(handover, self.successor_a)
        self.assertIn(f"Materials 0/{total}", text)
        self.assertIn("Your signature is awaited (Sign-off tab)", text)
        self.assertEqual(links, [f"Materials to confirm by you: {len(lines_a)}"])
        self.assertEqual(self.open_link(handover, self.successor_a, 0)[0], lines_a)
        for line in lines_a:
            line.with_user(self.successor_a).action_confirm_materials()
        text, links = self.banner(handover, self.successor_a)
        self.assertIn(f"Materials {len(lines_a)}/{total}", text)
        self.assertEqual(links, [])
        # Once Alan has signed too, only Bea's materials (and the others'
        # signatures and ticks) are left: Alan is no longer waited for.
        self.sign(handover, "materials", users=self.successor_a)
        text, _links = self.banner(handover, self.supervisor)
        self.assertIn("Bea Successor", text)
        self.assertNotIn("Alan Successor", text)
        self.assertFalse(handover.can_complete_stage)
        self.do_materials(handover)
        # HR (here the administrator) countersigns the items once done.
        self.countersign_done(handover)
        self.assertTrue(handover.can_complete_stage)
        text, _links = self.banner(handover, self.supervisor)
        self.assertIn("Your turn: Materials Complete", text)
        text, _links = self.banner(handover, self.successor_a)
        self.assertIn("Waiting for: Sam Supervisor", text)
        handover.with_user(self.supervisor).action_complete_materials()

        # Visits: a waiver awaits the supervisor, visits await each side.
        first_a = lines_a[0]
        self.record_visit(first_a, self.successor_a)
        first_a.with_user(self.successor_a).action_confirm_visit()
        self.line_reason(
            lines_b[0], self.successor_b, "action_request_waiver", "Closed"
        )
        text, links = self.banner(handover, self.supervisor)
        self.assertIn(f"Visits 0/{total}", text)
        self.assertEqual(links, ["Waivers awaiting you: 1"])
        self.assertEqual(
            self.open_link(handover, self.supervisor, 0),
            (lines_b[0], "Waivers awaiting you"),
        )
        text, links = self.banner(handover, self.successor_a)
        self.assertEqual(links, [f"Visits to confirm by you: {len(lines_a) - 1}"])
        self.assertEqual(
            self.open_link(handover, self.successor_a, 0)[0], lines_a - first_a
        )
        text, links = self.banner(handover, self.departing)
        self.assertEqual(links, [f"Visits to confirm by you: {total - 1}"])
        self.assertIn("Waiting for: you, Alan Successor, Bea Successor", text)
        self.assertIn("Sam Supervisor", text)
        self.assertFalse(handover.can_complete_stage)
        lines_b[0].with_user(self.supervisor).action_approve_waiver()
        self.do_visits(handover, handover.line_ids - lines_b[0] - first_a)
        first_a.with_user(self.departing).action_confirm_visit()
        # Every customer visited or waived: the visit sheet is signed by who
        # visited and the witness, and the witness confirms the stage.
        text, links = self.banner(handover, self.supervisor)
        self.assertEqual(
            text,
            f"Visits {total}/{total} · Signatures 0/4 · Waiting for: Wendy Witness,"
            " Dora Departing, Alan Successor, and Bea Successor",
        )
        self.sign(handover, "visits")
        text, links = self.banner(handover, self.supervisor)
        self.assertEqual(
            text,
            f"Visits {total}/{total} · Signatures 4/4 · Waiting for: Wendy Witness",
        )
        self.assertFalse(handover.can_complete_stage)
        text, links = self.banner(handover, self.witness)
        self.assertEqual(
            text,
            f"Visits {total}/{total} · Your turn: Witness Visits · Signatures 4/4",
        )
        self.witness_visits(handover)
        # Whose turn it is comes before the signatures, for every reader.
        text, links = self.banner(handover, self.supervisor)
        self.assertEqual(
            text,
            f"Visits {total}/{total} · Your turn: Visits Complete · Signatures 4/4",
        )
        self.assertTrue(handover.can_complete_stage)
        handover.with_user(self.supervisor).action_complete_visits()

        # Verification: the witness has calls to make; their signature is not
        # asked for before the calls are done (signing is refused until then).
        sample = handover.line_ids.filtered("spot_check_selected")
        text, links = self.banner(handover, self.witness)
        self.assertEqual(
            text,
            f"Calls confirmed 0/{len(sample)} · Signatures 0/1 · Waiting for: you",
        )
        self.assertEqual(links, [f"Calls to make: {len(sample)}"])
        self.assertEqual(self.open_link(handover, self.witness, 0)[0], sample)
        text, links = self.banner(handover, self.successor_a)
        self.assertEqual(links, [])
        self.assertIn("Waiting for: Wendy Witness", text)
        self.do_calls(handover)
        text, links = self.banner(handover, self.witness)
        self.assertEqual(
            text,
            f"Calls confirmed {len(sample)}/{len(sample)} · Signatures 0/1 · Your "
            "signature is awaited (Sign-off tab) · Waiting for: you",
        )
        self.advance(handover, "summary")

        # Summary: written by the departing employee, signed by everyone.
        text, _links = self.banner(handover, self.departing)
        # The template's outline is not a summary yet.
        self.assertIn("Summary to write", text)
        self.assertIn("Signatures 0/4", text)
        self.assertIn("Your signature is awaited", text)
        self.advance(handover, "summary_approval")
        text, _links = self.banner(handover, self.approver)
        self.assertIn("Summary awaiting approval", text)
        # The checklist's part due after the departure waits for it.
        self.assertIn("Checklist after departure 0/5", text)
        self.work_summary_approval(handover)
        text, _links = self.banner(handover, self.approver)
        self.assertIn("Your turn: Approve Summary", text)
        self.advance(handover, "done")
        text, links = self.banner(handover, self.departing)
        self.assertIn(f"Customers handed over: {total}", text)
        self.assertIn("nothing left to do", text)
        self.assertEqual(links, [])
        self.assertFalse(handover.can_complete_stage)

    def test_banner_in_chinese(self):
        load_chinese(self.env)
        self.successor_a.lang = "zh_CN"
        handover = self.advance(self.draft_handover(), "materials")
        text, links = self.banner(handover, self.successor_a)
        mine = len(
            handover.line_ids.filtered(
                lambda line: line.successor_id == self.successor_a
            )
        )
        self.assertIn("资料", text)
        self.assertIn("等待", text)
        self.assertEqual(links, [f"待您确认的资料：{mine}"])

    def test_cancelled(self):
        handover = self.advance(self.draft_handover(), "materials")
        wizard = (
            self.env["hr.client.handover.cancel"]
            .with_user(self.supervisor)
            .create(
                {
                    "handover_id": handover.id,
                    "reason": "Stays after all",
                    "revert_transfer": False,
                }
            )
        )
        wizard.action_cancel_handover()
        text, links = self.banner(handover, self.supervisor)
        self.assertIn("Cancelled: nothing left to do", text)
        self.assertIn("until Revert Transfer", text)
        self.assertEqual(links, [])

    def test_plan_approval_with_archived_successor(self):
        handover = self.advance(self.draft_handover(), "plan_approval")
        self.assertTrue(handover.can_complete_stage)
        self.successor_b.action_archive()
        self.assertFalse(handover.can_complete_stage)
        text, _links = self.banner(handover, self.approver)
        self.assertIn(
            "Left to do: reassign the customers of the successor(s) who cannot "
            "receive them (Bea Successor is archived)",
            text,
        )
        self.assertNotIn("Your turn", text)
        text, _links = self.banner(handover, self.successor_a)
        self.assertEqual(text, "Plan awaiting approval")

    def test_primary_button_follows_the_gate(self):
        """can_complete_stage is the gate's answer: the button it makes primary
        succeeds, the one it leaves secondary is refused."""
        handover = self.advance(self.draft_handover(), "visits")
        self.assertFalse(handover.can_complete_stage)
        problems = handover._stage_problems()
        self.assertEqual(len(problems), 1)
        with self.assertRaisesRegex(UserError, "are not visited yet"):
            handover.with_user(self.supervisor).action_complete_visits()
        self.do_visits(handover)
        self.sign(handover, "visits")
        self.assertEqual(len(handover._stage_problems()), 1, "the witness is due")
        with self.assertRaisesRegex(UserError, "Witness Visits"):
            handover.with_user(self.supervisor).action_complete_visits()
        self.witness_visits(handover)
        self.assertTrue(handover.can_complete_stage)
        self.assertEqual(handover._stage_problems(), [])
        handover.with_user(self.supervisor).action_complete_visits()
        # The view shows the primary button only when it can succeed.
        arch = handover.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn(
            'class="btn-primary" invisible="not can_complete_stage or not '
            'can_complete_visits"',
            arch,
        )
        self.assertIn(
            'class="btn-secondary" invisible="can_complete_stage or not '
            'can_complete_visits"',
            arch,
        )

    def test_gate_lists_every_problem(self):
        """The refusal names everything that is missing, not the first thing."""
        handover = self.advance(self.draft_handover(), "materials")
        with self.assertRaises(UserError) as catcher:
            handover.with_user(self.supervisor).action_complete_materials()
        message = str(catcher.exception)
        self.assertIn("materials of 6 customer(s) are not confirmed", message)
        self.assertIn("checklist item(s) are not done yet", message)
        self.assertIn("Waiting for 4 signature(s)", message)

    def test_banner_query_count_does_not_grow_with_lines(self):
        """Counted in the database: 10,000 lines cost the banner and the
        header's figures no more queries than 6."""
        small = self.advance(self.draft_handover(), "visits")
        partners = self.env["res.partner"].create(
            [{"name": f"Bulk {n}", "is_company": True} for n in range(10000)]
        )
        employee = self.env["hr.employee"].create(
            {
                "name": self.other_salesman.name,
                "user_id": self.other_salesman.id,
                "department_id": self.sales_department.id,
                "parent_id": self.supervisor_employee.id,
            }
        )
        big = self.create_handover(employee_id=employee.id)
        self.env.cr.execute(
            """
            INSERT INTO hr_client_handover_line
                (handover_id, partner_id, successor_id, company_id, sequence,
                 handover_stage, visit_state, create_uid, write_uid,
                 create_date, write_date)
            SELECT %s, id, %s, %s, 10, 'draft', 'pending', 1, 1, now(), now()
              FROM res_partner WHERE id IN %s
            """,
            [big.id, self.successor_a.id, self.company.id, tuple(partners.ids)],
        )
        big.sudo().state = "visits"
        self.env.cr.execute(
            "UPDATE hr_client_handover_line SET handover_stage = 'visits'"
            " WHERE handover_id = %s",
            [big.id],
        )
        self.env.invalidate_all()
        # Lines written in SQL: who takes part (the record rules) follows them,
        # and the handover's stored counters are counted again.
        self.env.add_to_compute(big._fields["participant_ids"], big)
        self.env.flush_all()
        big._recount_counters()

        def read_banner(handover, user):
            handover = handover.with_user(user)
            handover.invalidate_recordset()
            return handover.read(
                [
                    "banner_text",
                    "banner_link_1",
                    "can_complete_stage",
                    # The header's figures are counted too.
                    "line_count",
                    "visit_done_count",
                    "progress",
                ]
            )

        for user, queries in ((self.successor_a, 15), (self.supervisor, 15)):
            # Warm the caches of the user, the rules and the handovers' headers.
            read_banner(small, user)
            read_banner(big, user)
            for handover in (small, big):
                with self.subTest(user=user.login, lines=len(handover.line_ids)):
                    with self.assertQueryCount(queries):
                        [values] = read_banner(handover, user)
        self.assertIn("Visits 0/10000", values["banner_text"])
        self.assertEqual(values["line_count"], 10000)


@tagged("post_install", "-at_install")
class TestHandoverDigest(HandoverCase):
    """The line events of a stage make one chatter message when the stage is
    left; approvals, refusals, waivers and stage changes keep their own."""

    def test_one_digest_per_stage(self):
        handover = self.advance(self.draft_handover(), "materials")
        messages = handover.sudo().message_ids
        seals = handover.sudo().seal_ids
        self.do_materials(handover)
        self.assertFalse(
            (handover.sudo().message_ids - messages).filtered(
                lambda msg: not msg.mail_activity_type_id
            ),
            "confirmations, ticks and signatures post no message each (the "
            "activities they close are marked done)",
        )
        new_seals = handover.sudo().seal_ids - seals
        lines, signatures = handover.line_ids, handover.signature_ids
        self.assertEqual(
            len(new_seals.filtered(lambda s: s.kind == "materials")), len(lines)
        )
        self.assertEqual(
            len(new_seals.filtered(lambda s: s.kind == "signature")), len(signatures)
        )
        handover.with_user(self.supervisor).action_complete_materials()
        digest = self.digest(handover, "Materials")
        self.assertIn(f"line events recorded in this stage ({len(new_seals)})", digest)
        lines_a = lines.filtered(lambda line: line.successor_id == self.successor_a)
        self.assertIn(
            f"Alan Successor: {', '.join(lines_a.partner_id.mapped('name'))}", digest
        )
        self.assertIn(f"Materials confirmed: {len(lines)}", digest)
        self.assertIn(f"Signatures: {len(signatures)}", digest)
        self.assertIn("Wendy Witness: Witnessed by", digest)
        self.assertIn("(done)", digest)  # the checklist ticks

        # Visits: a waiver is approved in a message of its own, at once.
        first, second, *_others = handover.line_ids
        self.line_reason(second, self.successor_b, "action_request_waiver", "Abroad")
        before = handover.sudo().message_ids
        second.with_user(self.supervisor).action_approve_waiver()
        waiver = (handover.sudo().message_ids - before).filtered(
            lambda msg: not msg.mail_activity_type_id
        )
        self.assertEqual(len(waiver), 1)
        self.assertIn(f"the visit of {second.partner_id.name}: Abroad", waiver.body)
        self.do_visits(handover, handover.line_ids - second)
        self.assertEqual(
            (handover.sudo().message_ids - before).filtered(
                lambda msg: not msg.mail_activity_type_id
            ),
            waiver,
        )
        self.sign(handover, "visits")
        self.witness_visits(handover)
        handover.with_user(self.supervisor).action_complete_visits()
        digest = self.digest(handover, "Customer Visits")
        self.assertIn(f"Visit confirmations: {2 * (len(lines) - 1)}", digest)
        self.assertIn(f"{first.partner_id.name} (visited)", digest)
        self.assertNotIn("waived", digest, "the waiver had its own message")

        # A problem on the phone: its own message, and the calls' digest.
        problem = handover.line_ids.filtered("spot_check_selected")[0]
        problem.with_user(self.witness).with_context(
            check_result="problem"
        ).action_set_check_result()
        self.assertEqual(handover.state, "visits")
        self.assertIn(
            f"{problem.partner_id.name} (Problem)",
            self.digest(handover, "Phone Verification"),
        )
        self.assertTrue(
            handover.sudo().message_ids.filtered(
                lambda msg: "reported a problem" in (msg.body or "")
            )
        )

    def test_cancel_posts_the_digest(self):
        handover = self.advance(self.draft_handover(), "materials")
        line = handover.line_ids[0]
        line.with_user(line.successor_id).action_confirm_materials()
        self.env["hr.client.handover.cancel"].with_user(self.supervisor).create(
            {"handover_id": handover.id, "reason": "Stays", "revert_transfer": False}
        ).action_cancel_handover()
        self.assertIn(
            f"{line.successor_id.name}: {line.partner_id.name}",
            self.digest(handover, "Materials"),
        )

    def test_refusal_stays_individual(self):
        handover = self.advance(self.draft_handover(), "plan_review")
        self.refuse(handover, self.supervisor, "Split Delta differently")
        refusals = handover.sudo().message_ids.filtered(
            lambda msg: "Split Delta differently" in (msg.body or "")
        )
        self.assertEqual(
            len(refusals.filtered(lambda msg: "Refused by" in msg.body)), 1
        )
        self.assertFalse(
            handover.sudo().message_ids.filtered(
                lambda msg: "line events" in (msg.body or "")
            ),
            "no digest for a stage without line events",
        )
