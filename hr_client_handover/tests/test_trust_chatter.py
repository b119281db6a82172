"""The chatter, files and activities of a handover cannot forge or rewrite its
record: what the system posts is never edited nor deleted and is sealed, a
message shows who posted it, files come from participants of an open
handover and go only with their author, activities move only with their
assignee, whoever scheduled them by hand, or a handover administrator."""

import base64

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import HandoverCase


@tagged("post_install", "-at_install")
class TestTrustChatter(HandoverCase):
    def visits_with_waiver(self):
        """A handover in the visits stage where successor A asked to waive
        the visit of one of his customers."""
        handover = self.advance(self.draft_handover(), "visits")
        line = handover.line_ids.filtered(
            lambda line: line.successor_id == self.successor_a
        )[:1]
        self.line_reason(line, self.successor_a, "action_request_waiver", "Moved")
        return handover, line

    def message(self, handover, text):
        messages = handover.sudo().message_ids.filtered(
            lambda msg: text in str(msg.body or "")
        )
        self.assertEqual(len(messages), 1, text)
        return messages

    def note(self, handover, user, text):
        return handover.with_user(user).message_post(
            body=text, message_type="comment", subtype_xmlid="mail.mt_note"
        )

    def assertCannotTouch(self, handover, message, users, exception=AccessError):
        body = message.sudo().body
        for user in users:
            as_user = message.with_user(user)
            with self.assertRaises(exception):
                as_user.write({"body": "<p>Rewritten</p>"})
            with self.assertRaises(exception):
                as_user.unlink()
            with self.assertRaises(exception):
                handover.with_user(user)._message_update_content(
                    message.with_user(user), body="<p>Rewritten</p>"
                )
            with self.assertRaises(exception):  # the chatter's delete
                handover.with_user(user)._message_update_content(
                    message.sudo(), body="", attachment_ids=[]
                )
        message.invalidate_recordset()
        self.assertTrue(message.exists())
        self.assertEqual(message.sudo().body, body)

    # ------------------------------------------------------------------
    # Chatter
    # ------------------------------------------------------------------
    def test_decision_messages_are_nobodys_to_change(self):
        handover, line = self.visits_with_waiver()
        line.with_user(self.supervisor).action_approve_waiver()
        decision = self.message(handover, "approved the waiver")
        self.assertEqual(decision.author_id, self.supervisor.partner_id)
        self.assertCannotTouch(
            handover,
            decision,
            (self.successor_a, self.successor_b, self.supervisor, self.handover_admin),
        )
        # A workflow message is sealed with its text, author and date.
        seal = handover.seal_ids.filtered(
            lambda seal: seal.res_model == "mail.message" and seal.res_id == decision.id
        )
        self.assertEqual(seal.kind, "message")
        # What the system logs is no one's either.
        log = handover.sudo()._message_log(body="Stage changed")
        self.assertCannotTouch(handover, log, (self.supervisor, self.handover_admin))

    def test_done_handover_chatter_is_frozen(self):
        handover = self.draft_handover()
        self.advance(handover, "visits")
        note = self.note(handover, self.successor_a, "Customer prefers mornings")
        self.advance(handover, "done")
        confirmed = self.message(handover, "confirmed the customer visits")
        self.assertCannotTouch(
            handover,
            confirmed,
            (self.successor_a, self.witness, self.supervisor, self.handover_admin),
        )
        # A participant's own note is part of the record once Done.
        self.assertCannotTouch(handover, note, (self.successor_a,), UserError)

    def test_own_note_changes_while_open_only_by_its_author(self):
        handover = self.draft_handover()
        self.advance(handover, "materials")
        note = self.note(handover, self.successor_a, "Call the buyer first")
        self.assertFalse(
            handover.seal_ids.filtered(
                lambda seal: seal.res_model == "mail.message" and seal.res_id == note.id
            ),
            "a person's note is not a decision",
        )
        self.assertCannotTouch(handover, note, (self.successor_b, self.supervisor))
        handover.with_user(self.successor_a)._message_update_content(
            note.with_user(self.successor_a), body="Call the buyer after ten"
        )
        self.assertIn("after ten", str(note.body))
        note.with_user(self.successor_a).write({"body": "<p>Call at noon</p>"})
        self.assertIn("noon", str(note.body))
        with self.assertRaises(AccessError):  # only its text is the author's
            note.with_user(self.successor_a).write({"date": fields.Datetime.now()})
        note.with_user(self.successor_a).unlink()
        self.assertFalse(note.exists())

    def test_a_message_shows_who_posted_it(self):
        handover = self.draft_handover()
        self.advance(handover, "visits")
        as_successor = handover.with_user(self.successor_a)
        before = handover.sudo().message_ids
        attempts = (
            {"author_id": self.supervisor.partner_id.id},
            {"email_from": "Sam Supervisor <sam@example.com>"},
            {"email_from": self.alpha_buyer.email_formatted},
        )
        for extra in attempts:
            with self.assertRaises(AccessError, msg=str(extra)):
                as_successor.message_post(
                    body="I waive every visit.",
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                    **extra,
                )
        Message = self.env["mail.message"].with_user(self.successor_a)
        for values in (
            {"author_id": self.supervisor.partner_id.id},
            {"message_type": "notification"},
        ):
            with self.assertRaises(AccessError):
                Message.create(
                    {
                        "model": handover._name,
                        "res_id": handover.id,
                        "body": "Approved by the supervisor.",
                        **values,
                    }
                )
        handover.invalidate_recordset()
        self.assertEqual(handover.sudo().message_ids, before)
        mine = self.note(handover, self.successor_a, "Visited Alpha")
        self.assertEqual(mine.author_id, self.successor_a.partner_id)
        own = self.note(handover, self.successor_a, "Visited Beta")
        with self.assertRaises(AccessError):
            own.with_user(self.successor_a).write(
                {"author_id": self.supervisor.partner_id.id}
            )
        self.assertEqual(own.author_id, self.successor_a.partner_id)

    def test_decision_changed_behind_the_application_breaks_integrity(self):
        handover, line = self.visits_with_waiver()
        line.with_user(self.supervisor).action_approve_waiver()
        decision = self.message(handover, "approved the waiver")
        self.assertTrue(
            self.env["hr.client.handover.seal"]._integrity_message(handover)[0]
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mail_message SET body = %s WHERE id = %s",
            ["<p>The supervisor refused every waiver.</p>", decision.id],
        )
        self.env["mail.message"].invalidate_model()
        intact, message = self.env["hr.client.handover.seal"]._integrity_message(
            handover
        )
        self.assertFalse(intact)
        self.assertIn("Message of the system", message)
        self.assertIn("changed since", message)
        # Its author replaced is seen too.
        self.env.cr.execute(
            "UPDATE mail_message SET body = %s, author_id = %s WHERE id = %s",
            [decision.body, self.successor_a.partner_id.id, decision.id],
        )
        self.assertFalse(
            self.env["hr.client.handover.seal"]._integrity_message(handover)[0]
        )

    # ------------------------------------------------------------------
    # Files
    # ------------------------------------------------------------------
    def test_no_file_is_added_to_a_done_handover(self):
        handover = self.advance(self.draft_handover(), "done")
        Attachment = self.env["ir.attachment"]
        files = Attachment.sudo().search(
            [("res_model", "=", handover._name), ("res_id", "=", handover.id)]
        )
        pdf = base64.b64encode(b"%PDF-1.4 forged").decode()
        upload = Attachment.with_user(self.successor_a).create(
            {
                "name": f"{handover.name.replace('/', '_')}_summary.pdf",
                "datas": pdf,
                "res_model": "mail.compose.message",
                "res_id": 0,
            }
        )
        as_successor = handover.with_user(self.successor_a)
        with self.assertRaises(UserError):
            as_successor.message_post(body="Summary", attachment_ids=upload.ids)
        with self.assertRaises(UserError):
            as_successor.message_post(
                body="Summary", attachments=[("x_summary.pdf", b"%PDF-1.4 forged")]
            )
        with self.assertRaises(UserError):
            Attachment.with_user(self.successor_a).create(
                {
                    "name": "x_summary.pdf",
                    "datas": pdf,
                    "res_model": handover._name,
                    "res_id": handover.id,
                }
            )
        with self.assertRaises(UserError):
            upload.with_user(self.successor_a).write(
                {"res_model": handover._name, "res_id": handover.id}
            )
        # The chatter's upload route creates as superuser for the user: the
        # file is refused and removed.
        staged = (
            Attachment.with_user(self.successor_a)
            .sudo()
            .create(
                {
                    "name": "x_summary.pdf",
                    "raw": b"%PDF-1.4 forged",
                    "res_model": handover._name,
                    "res_id": handover.id,
                }
            )
        )
        refused = None
        try:
            staged.with_user(self.successor_a).sudo()._post_add_create()
        except AccessError as error:
            refused = error
        self.assertTrue(refused)
        self.assertFalse(staged.exists())
        self.assertEqual(upload.res_model, "mail.compose.message")
        self.assertEqual(
            Attachment.sudo().search(
                [("res_model", "=", handover._name), ("res_id", "=", handover.id)]
            ),
            files,
        )

    def test_files_of_an_open_handover_go_only_with_their_author(self):
        handover = self.advance(self.draft_handover(), "visits")
        line = handover.line_ids.filtered(
            lambda line: line.successor_id == self.successor_a
        )[:1]
        Attachment = self.env["ir.attachment"]
        report = Attachment.with_user(self.successor_a).create(
            {
                "name": "visit-report.txt",
                "raw": b"Met the buyer",
                "res_model": line._name,
                "res_id": line.id,
            }
        )
        posted = handover.with_user(self.successor_b).message_post(
            body="Photos of the visit",
            message_type="comment",
            attachments=[("photo.txt", b"a photo")],
        )
        photo = posted.attachment_ids
        self.assertEqual((photo.res_model, photo.res_id), (handover._name, handover.id))
        for other, file in ((self.successor_b, report), (self.successor_a, photo)):
            with self.assertRaises(AccessError):
                file.with_user(other).unlink()
            with self.assertRaises(AccessError):
                file.with_user(other).write({"raw": b"forged"})
            with self.assertRaises(AccessError):
                file.with_user(other).write({"res_id": handover.id})
        with self.assertRaises(AccessError):
            report.with_user(self.handover_admin).unlink()
        with self.assertRaises(AccessError):
            Attachment.with_user(self.other_salesman).create(
                {
                    "name": "spam.txt",
                    "raw": b"x",
                    "res_model": handover._name,
                    "res_id": handover.id,
                }
            )
        # The chatter's routes delete and upload as superuser for the user.
        with self.assertRaises(AccessError):
            report.with_user(self.successor_b).sudo()._delete_and_notify()
        self.assertEqual(report.raw, b"Met the buyer")
        report.with_user(self.successor_a).unlink()
        self.assertFalse(report.exists())

    # ------------------------------------------------------------------
    # Activities
    # ------------------------------------------------------------------
    def test_decision_activity_is_its_assignees(self):
        handover, line = self.visits_with_waiver()
        activity = self.open_activities(handover, "waiver")
        self.assertEqual(activity.user_id, self.supervisor)
        deadline = activity.date_deadline
        as_successor = activity.with_user(self.successor_a)
        for call in (
            lambda act: act.write({"user_id": self.successor_a.id}),
            lambda act: act.write({"date_deadline": fields.Date.today()}),
            lambda act: act.write({"summary": "Never mind"}),
            lambda act: act.action_feedback(feedback="done"),
            lambda act: act.action_done(),
            lambda act: act.action_feedback_schedule_next(),
            lambda act: act.action_cancel(),
            lambda act: act.unlink(),
        ):
            with self.assertRaises(AccessError):
                call(as_successor)
        self.assertTrue(activity.active)
        self.assertEqual(activity.user_id, self.supervisor)
        self.assertEqual(activity.date_deadline, deadline)
        self.assertFalse(
            handover.sudo().message_ids.filtered(
                lambda msg: msg.mail_activity_type_id == activity.activity_type_id
            )
        )
        # A handover administrator may reschedule it; its assignee closes it by
        # deciding the waiver (marking it done is refused: test_activity_done).
        activity.with_user(self.handover_admin).date_deadline = deadline
        with self.assertRaises(UserError):
            activity.with_user(self.supervisor).action_feedback(feedback="Seen")
        self.assertTrue(activity.active)
        line.with_user(self.supervisor).action_approve_waiver()
        self.assertFalse(activity.active)

    def test_todo_is_marked_done_by_its_assignee(self):
        handover = self.advance(self.draft_handover(), "visits")
        todo = handover.with_user(self.departing).activity_schedule(
            "mail.mail_activity_data_todo",
            summary="Bring the contract",
            user_id=self.successor_b.id,
        )
        # activity_schedule marks it automated: scheduled by hand, it is not.
        todo.sudo().automated = False
        with self.assertRaises(AccessError):
            todo.with_user(self.successor_a).action_feedback(feedback="Done")
        with self.assertRaises(AccessError):
            todo.with_user(self.successor_a).write({"user_id": self.successor_a.id})
        self.assertTrue(todo.active)
        # Whoever scheduled it may reschedule it.
        todo.with_user(self.departing).date_deadline = fields.Date.today()
        todo.with_user(self.successor_b).action_feedback(feedback="Brought")
        self.assertFalse(todo.active)

    def test_a_draft_never_submitted_is_still_deleted(self):
        """Its system messages are nobody's to change, but it has no record
        yet: no seal keeps it from being deleted."""
        handover = self.create_handover()
        handover.with_user(self.supervisor).message_post(body="Left out: Alpha")
        self.assertFalse(handover.sudo().seal_ids)
        handover.with_user(self.supervisor).unlink()
        self.assertFalse(handover.exists())
