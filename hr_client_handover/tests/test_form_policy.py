"""The form asks the policy: the Refuse button and the readonly of the lists
of the handover's parts (its customers, its checklist and each item's row,
the omissions, the incidents) are computed fields the policy fills. For every
role of the fixtures and every stage, each field gives what the form's own
role × stage expressions gave before, and what a write or a create actually
does: a list shown editable can be changed, a list shown readonly refuses the
change."""

from datetime import timedelta

from odoo import Command
from odoo.tests import Form, tagged

from ..models.hr_client_handover_stages import (
    CANCEL,
    DONE,
    DRAFT,
    ORDER,
    PLAN_APPROVAL,
    PLAN_REVIEW,
    SUMMARY_APPROVAL,
    SUMMARY_REVIEW,
    VERIFICATION,
)
from .common import HandoverCase

REVIEWS = (PLAN_REVIEW, PLAN_APPROVAL, SUMMARY_REVIEW, SUMMARY_APPROVAL)
PLANNING = {"departing", "supervisor", "admin"}
CURATORS = {"supervisor", "admin"}
FORM_FIELDS = (
    "can_refuse",
    "can_edit_lines",
    "can_edit_items",
    "can_justify_omissions",
    "can_record_incidents",
)


def old_form(state, roles, saved=True):
    """What the form's expressions on ``user_roles`` gave, before it asked the
    policy."""
    lists = state == DRAFT and (not saved or bool(roles & PLANNING))
    return {
        "can_refuse": state in REVIEWS and bool(roles & {"supervisor", "approver"}),
        "can_edit_lines": lists,
        "can_edit_items": lists,
        "can_justify_omissions": state in (DRAFT, PLAN_REVIEW, PLAN_APPROVAL)
        and "supervisor" in roles,
        "can_record_incidents": state not in (DONE, CANCEL) and bool(roles & CURATORS),
    }


def old_item(state, roles, own, saved=True):
    """The cells of an item's row the form let change: the list editable, and
    the column's own expression."""
    lists = old_form(state, roles, saved)["can_edit_items"]
    return {
        "can_edit": lists and (own or bool(roles & CURATORS)),
        "can_assign": lists and bool(roles & CURATORS),
    }


# Where the old expressions showed more than the policy lets do (the policy
# wins): the Refuse button showed to the direct supervisor and to the division
# manager in all four review and approval stages; each refuses only the stage
# their row of the stage table names (the review the supervisor, the approval
# the division manager). {(field, fixture role, stage)}
POLICY_WINS = {
    ("can_refuse", "supervisor", PLAN_APPROVAL),
    ("can_refuse", "supervisor", SUMMARY_APPROVAL),
    ("can_refuse", "approver", PLAN_REVIEW),
    ("can_refuse", "approver", SUMMARY_REVIEW),
}


@tagged("post_install", "-at_install")
class TestFormPolicy(HandoverCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.role_users = {
            "departing": cls.departing,
            "successor": cls.successor_a,
            "supervisor": cls.supervisor,
            "witness": cls.witness,
            "approver": cls.approver,
            "admin": cls.handover_admin,
            "hr": cls.hr_manager,
            "salesperson": cls.other_salesman,
        }
        cls.kappa = cls.env["res.partner"].create(
            {"name": "Kappa Tools", "is_company": True}
        )

    # ------------------------------------------------------------------
    # What a change does
    # ------------------------------------------------------------------
    def changes(self, handover, user, own_item, template_item):
        """{field: whether each change the field opens goes through}, as
        ``user`` through the form's fields."""
        form = handover.with_user(user)
        line = handover.line_ids[:1]

        def parts(field, *commands):
            return lambda: form.write({field: list(commands)})

        def item(record, values):
            return parts("item_ids", Command.update(record.id, values))

        return {
            "can_refuse": [lambda: self.refuse(handover, user, "Not complete")],
            "can_edit_lines": [
                parts("form_line_ids", Command.create({"partner_id": self.kappa.id})),
                parts(
                    "form_line_ids",
                    Command.update(line.id, {"planned_date": self.today}),
                ),
            ],
            "can_edit_items": [
                parts("item_ids", Command.create({"name": "Trade fair contacts"}))
            ],
            "can_justify_omissions": [
                parts(
                    "omission_ids",
                    Command.create(
                        {"partner_id": self.kappa.id, "reason": "Never bought"}
                    ),
                )
            ],
            "can_record_incidents": [
                parts(
                    "incident_ids",
                    Command.create({"kind": "other", "description": "Late files"}),
                )
            ],
            "own.can_edit": [item(own_item, {"location": "Desk"})],
            "template.can_edit": [item(template_item, {"location": "Desk"})],
            "template.can_assign": [
                item(template_item, {"responsible_id": self.successor_b.id})
            ],
        }

    # ------------------------------------------------------------------
    # The table
    # ------------------------------------------------------------------
    def check_stage(self, handover, own_item, template_item):
        state = handover.state
        for label, user in self.role_users.items():
            form = handover.with_user(user)
            if not form.has_access("read"):
                continue  # the form never opens
            roles = form._get_user_roles()
            old = old_form(state, roles)
            new = {name: form[name] for name in FORM_FIELDS}
            for prefix, record in (("own", own_item), ("template", template_item)):
                row = record.with_user(user)
                old_row = old_item(state, roles, row.is_own_item)
                for name in ("can_edit", "can_assign"):
                    # The row's cell is editable when its list is.
                    new[f"{prefix}.{name}"] = new["can_edit_items"] and row[name]
                    old[f"{prefix}.{name}"] = old_row[name]
            changes = self.changes(handover, user, own_item, template_item)
            for name, shown in new.items():
                with self.subTest(stage=state, role=label, field=name):
                    if name == "can_record_incidents" and state == DRAFT:
                        pass  # the Incidents page is hidden in draft
                    elif (name, label, state) in POLICY_WINS:
                        self.assertTrue(old[name])
                        self.assertFalse(shown, "the policy wins")
                    else:
                        self.assertEqual(shown, old[name], "as the form showed")
                    for change in changes.get(name, ()):
                        self.assertEqual(
                            self.goes_through(change),
                            shown,
                            "editable goes through, readonly is refused",
                        )

    def test_every_role_every_stage(self):
        handover = self.draft_handover()
        # An item the departing employee added (theirs to change in draft),
        # given to them to tick by the supervisor, and one of the template's.
        own_item = (
            self.env["hr.client.handover.item"]
            .with_user(self.departing)
            .create({"handover_id": handover.id, "name": "Trade fair contacts"})
        )
        own_item.with_user(self.supervisor).responsible_id = self.departing
        template_item = handover.item_ids.filtered("template_item_id")[:1]
        self.assertTrue(template_item)
        self.assertTrue(own_item.with_user(self.departing).is_own_item)
        for stage in ORDER:
            if stage == CANCEL:
                break
            self.advance(handover, stage)
            self.check_stage(handover, own_item, template_item)

    def test_cancelled(self):
        handover = self.draft_handover()
        own_item = (
            self.env["hr.client.handover.item"]
            .with_user(self.departing)
            .create({"handover_id": handover.id, "name": "Trade fair contacts"})
        )
        template_item = handover.item_ids.filtered("template_item_id")[:1]
        self.advance(handover, PLAN_REVIEW)
        wizard = Form(
            self.env["hr.client.handover.cancel"]
            .with_user(self.supervisor)
            .with_context(default_handover_id=handover.id)
        )
        wizard.reason = "The employee stays"
        wizard.save().action_cancel_handover()
        self.assertEqual(handover.state, CANCEL)
        self.check_stage(handover, own_item, template_item)

    # ------------------------------------------------------------------
    # A handover not saved yet
    # ------------------------------------------------------------------
    def test_new_handover(self):
        """The form of a handover being started: the customers and the
        checklist are editable for whoever the saved handover lets add them
        (the roles it gives the starter), as its save then does. The form
        showed them editable to every starter; a manager above the direct
        supervisor (or an officer) who is none of the planners had their
        customers refused on save: the policy wins."""
        starters = {
            "departing": self.departing,
            "supervisor": self.supervisor,
            # above the departing employee in the organisation chart
            "manager": self.witness,
            "admin": self.handover_admin,
        }
        with_lines = {"form_line_ids": [Command.create({"partner_id": self.kappa.id})]}
        for label, user in starters.items():
            with self.subTest(starter=label):
                Handover = self.env["hr.client.handover"].with_user(user)
                form = Form(Handover)
                form.employee_id = self.employee
                shown = form.can_edit_lines
                self.assertEqual(form.can_edit_items, shown)
                self.assertEqual(form.can_edit_lines, label != "manager")

                def start(user=user, **values):
                    self.create_handover(user, **values)

                # Each may start it; its customers are theirs to give only
                # when the form shows them editable.
                self.assertTrue(self.goes_through(start))
                self.assertEqual(self.goes_through(lambda: start(**with_lines)), shown)

    # ------------------------------------------------------------------
    # The customers list, row by row
    # ------------------------------------------------------------------
    def test_customer_rows_as_the_policy_lets_write_them(self):
        """In draft a successor plans nothing, yet writes the notes and the
        visit date of their own customers: the customers list opens for them,
        their own rows' notes and visit editable, the plan's columns and the
        other successors' rows read-only, and nothing to add or remove. The
        departing employee plans every row, as before; the witness changes
        none."""
        handover = self.draft_handover()
        own = handover.line_ids.filtered(
            lambda line: line.successor_id == self.successor_a
        )[:1]
        other = handover.line_ids.filtered(
            lambda line: line.successor_id == self.successor_b
        )[:1]
        self.assertTrue(own and other)
        day = self.today + timedelta(days=3)

        form = Form(handover.with_user(self.successor_a))
        self.assertFalse(form.can_edit_lines, "nothing to add or remove")
        self.assertTrue(form.can_write_lines)
        lines = form.form_line_ids
        with lines.edit(lines.ids.index(own.id)) as row:
            row.customer_notes = "Orders by phone, never by email"
            row.planned_visit_date = day
            with self.assertRaises(AssertionError, msg="the plan is not theirs"):
                row.planned_date = day
            with self.assertRaises(AssertionError):
                row.successor_id = self.successor_b
        with lines.edit(lines.ids.index(other.id)) as row:
            for name, value in (
                ("customer_notes", "Not mine"),
                ("planned_visit_date", day),
            ):
                with self.assertRaises(AssertionError, msg="another's line"):
                    setattr(row, name, value)
        form.save()
        self.assertEqual(own.customer_notes, "Orders by phone, never by email")
        self.assertEqual(own.planned_visit_date, day)
        self.assertFalse(other.customer_notes)

        # The departing employee plans every row and adds customers.
        form = Form(handover.with_user(self.departing))
        self.assertTrue(form.can_edit_lines)
        lines = form.form_line_ids
        for line in own | other:
            with lines.edit(lines.ids.index(line.id)) as row:
                row.planned_date = day
                row.customer_notes = f"Planned for {line.successor_id.name}"
        with lines.new() as row:
            row.partner_id = self.kappa
            row.successor_id = self.successor_a
        form.save()
        self.assertEqual((own | other).mapped("planned_date"), [day, day])
        self.assertEqual(other.customer_notes, f"Planned for {self.successor_b.name}")
        self.assertIn(self.kappa, handover.line_ids.partner_id)

        # The witness reads the list, changes nothing in it.
        form = Form(handover.with_user(self.witness))
        self.assertFalse(form.can_edit_lines or form.can_write_lines)
        with self.assertRaises(AssertionError):
            form.form_line_ids.edit(0)

        # Until the materials are confirmed the notes stay theirs, as in the
        # Materials tab; once the visits are done, nothing of the line is.
        self.advance(handover, PLAN_REVIEW)
        form = Form(handover.with_user(self.successor_a))
        self.assertTrue(form.can_write_lines)
        with form.form_line_ids.edit(form.form_line_ids.ids.index(own.id)) as row:
            row.customer_notes = "Orders by phone"
        form.save()
        self.assertEqual(own.customer_notes, "Orders by phone")
        self.advance(handover, VERIFICATION)
        form = Form(handover.with_user(self.successor_a))
        self.assertFalse(form.can_write_lines)
        with self.assertRaises(AssertionError):
            form.form_line_ids.edit(0)
