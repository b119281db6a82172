"""Segregation of duties on the checklist, and the template's type.

Who an item is about (the departing employee) never names its responsible
or its countersigner (会签), and nobody confirms or countersigns an item they
ticked themselves or that is about themselves. A handover only takes a
template made for its type (or for every type), on every path."""

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import HandoverCase


@tagged("post_install", "-at_install")
class TestTrustChecklist(HandoverCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.it_manager = new_test_user(
            cls.env, login="ho_trust_it", name="Ivo IT", groups="base.group_user"
        )
        it = cls.env["hr.department"].create(
            {
                "name": "IT",
                "manager_id": cls.env["hr.employee"]
                .create({"name": "Ivo IT", "user_id": cls.it_manager.id})
                .id,
            }
        )
        cls.company.handover_it_department_id = it
        template = "hr_client_handover.handover_template_%s"
        cls.resignation = cls.env.ref(template % "resignation")
        cls.promotion = cls.env.ref(template % "promotion")

    def setUp(self):
        super().setUp()
        self.handover = self.draft_handover(template_id=self.resignation.id)
        items = self.handover.item_ids
        self.it_item = items.filtered(lambda i: i.countersign_department == "it")
        self.plain = items.filtered(
            lambda i: i.responsible_id == self.departing and not i.countersigner_id
        )[0]

    def people(self, item):
        item.invalidate_recordset()
        return item.responsible_id, item.countersigner_id

    # ------------------------------------------------------------------
    # Who names the responsible and the countersigner
    # ------------------------------------------------------------------
    def test_template_never_lets_anyone_countersign_their_own_work(self):
        """IT revokes the accounts: the supervisor ticks it, IT countersigns."""
        self.assertEqual(self.it_item.countersigner_id, self.it_manager)
        self.assertEqual(self.it_item.responsible_id, self.supervisor)
        # The departing employee manages the department that countersigns:
        # their supervisor countersigns in their place.
        self.company.handover_it_department_id.manager_id = self.employee
        self.handover.sudo().item_ids.unlink()
        self.handover.sudo()._create_items_from_template()
        it_item = self.handover.item_ids.filtered(
            lambda i: i.countersign_department == "it"
        )
        self.assertEqual(it_item.countersigner_id, self.supervisor)
        self.assertEqual(it_item.responsible_id, self.departing)

    def test_departing_cannot_set_or_clear_the_people_of_an_item(self):
        item = self.it_item
        before = self.people(item)
        for field, value in (
            ("countersigner_id", self.departing.id),
            ("countersigner_id", False),
            ("responsible_id", self.departing.id),
            ("responsible_id", False),
        ):
            with self.subTest(path="write", field=field, value=value):
                with self.assertRaisesRegex(AccessError, "Only the"):
                    item.with_user(self.departing).write({field: value})
                self.assertEqual(self.people(item), before, "nothing changed")
            with self.subTest(path="command", field=field, value=value):
                with self.assertRaises(AccessError):
                    self.handover.with_user(self.departing).write(
                        {"item_ids": [Command.update(item.id, {field: value})]}
                    )
                self.assertEqual(self.people(item), before, "nothing changed")
        # The template's item is the supervisor's to change, not theirs.
        with self.assertRaisesRegex(UserError, "comes from the template"):
            item.with_user(self.departing).location = "IT desk"
        item.with_user(self.supervisor).location = "IT desk"
        self.assertEqual(item.location, "IT desk")

    def test_departing_cannot_create_an_item_with_its_people(self):
        Item = self.env["hr.client.handover.item"].with_user(self.departing)
        count = len(self.handover.item_ids)
        for field in ("responsible_id", "countersigner_id"):
            values = {"handover_id": self.handover.id, "name": "Accounts revoked"}
            with self.subTest(path="create", field=field):
                with self.assertRaises(AccessError):
                    Item.create({**values, field: self.witness.id})
                # Naming themselves breaks the rule twice (either refusal).
                with self.assertRaises(UserError):
                    Item.create({**values, field: self.departing.id})
            with self.subTest(path="command", field=field):
                with self.assertRaises(AccessError):
                    self.handover.with_user(self.departing).write(
                        {
                            "item_ids": [
                                Command.create(
                                    {"name": "Accounts revoked", field: self.witness.id}
                                )
                            ]
                        }
                    )
            self.handover.invalidate_recordset()
            self.assertEqual(len(self.handover.item_ids), count, "nothing added")
        # Without them, they still add an item to their checklist: it answers
        # to them (theirs to tick), until the supervisor names someone else.
        keys = Item.create({"handover_id": self.handover.id, "name": "Keys of the car"})
        self.assertEqual(len(self.handover.item_ids), count + 1)
        self.assertEqual(keys.responsible_id, self.departing)
        keys.with_user(self.supervisor).responsible_id = self.witness
        self.assertEqual(keys.responsible_id, self.witness)

    def test_supervisor_and_administrator_name_the_people(self):
        item = self.plain
        item.with_user(self.supervisor).write(
            {"responsible_id": self.supervisor.id, "countersigner_id": self.witness.id}
        )
        self.assertEqual(self.people(item), (self.supervisor, self.witness))
        self.handover.with_user(self.handover_admin).write(
            {"item_ids": [Command.update(item.id, {"countersigner_id": False})]}
        )
        self.assertFalse(item.countersigner_id)
        self.handover.with_user(self.supervisor).write(
            {
                "item_ids": [
                    Command.create(
                        {
                            "name": "Badge returned",
                            "responsible_id": self.departing.id,
                            "countersigner_id": self.it_manager.id,
                        }
                    )
                ]
            }
        )
        added = self.handover.item_ids.filtered(lambda i: i.name == "Badge returned")
        self.assertEqual(self.people(added), (self.departing, self.it_manager))

    def test_countersigner_is_neither_the_departing_nor_the_responsible(self):
        item = self.plain
        with self.assertRaisesRegex(
            ValidationError, "is the departing employee.*Choose the manager"
        ):
            item.with_user(self.supervisor).countersigner_id = self.departing
        with self.assertRaisesRegex(
            ValidationError, "is responsible for .* cannot also countersign"
        ):
            self.it_item.with_user(self.supervisor).countersigner_id = self.supervisor
        with self.assertRaisesRegex(ValidationError, "cannot also countersign"):
            self.it_item.with_user(self.supervisor).responsible_id = self.it_manager
        self.assertEqual(self.people(item), (self.departing, self.env["res.users"]))
        self.assertEqual(self.people(self.it_item), (self.supervisor, self.it_manager))

    # ------------------------------------------------------------------
    # Who confirms and countersigns
    # ------------------------------------------------------------------
    def test_who_ticked_an_item_does_not_countersign_it(self):
        # The administrator countersigns the equipment; the item is about the
        # departing employee, whom nothing lets countersign.
        item = self.plain
        item.with_user(self.supervisor).countersigner_id = self.handover_admin
        self.advance(self.handover, "materials")
        item.with_user(self.handover_admin).action_mark_done()
        self.assertEqual(item.done_by_id, self.handover_admin)
        with self.assertRaisesRegex(UserError, "You marked .* done: another person"):
            item.with_user(self.handover_admin).action_countersign()
        self.assertFalse(item.countersigned_on)
        with self.assertRaises(AccessError):
            item.with_user(self.departing).action_countersign()
        self.assertFalse(item.countersigned_on)
        # Ticked by someone else, the countersigner signs.
        item.with_user(self.supervisor).action_reset()
        item.with_user(self.departing).action_mark_done()
        item.with_user(self.handover_admin).action_countersign()
        self.assertTrue(item.countersigned_on)

    def test_who_ticked_an_item_does_not_confirm_it(self):
        item = self.handover.item_ids.filtered(
            lambda i: i.needs_receipt and i.responsible_id == self.departing
        )[0]
        item.with_user(self.supervisor).responsible_id = self.witness
        self.advance(self.handover, "materials")
        item.with_user(self.witness).action_mark_done()
        with self.assertRaisesRegex(UserError, "You marked .* done: another person"):
            item.with_user(self.witness).action_confirm()
        self.assertFalse(item.confirmed_on)
        item.with_user(self.successor_a).action_confirm()
        self.assertEqual(item.confirmed_by_id, self.successor_a)

    # ------------------------------------------------------------------
    # The template's type
    # ------------------------------------------------------------------
    def test_template_of_another_type_is_refused(self):
        message = (
            "made for handovers of the type 'Promotion', and .* is of the type "
            "'Resignation'. Choose a template of the type 'Resignation'"
        )
        self.handover.sudo().unlink()
        count = self.env["hr.client.handover"].search_count([])
        with self.assertRaisesRegex(ValidationError, message):
            self.create_handover(
                user=self.departing,
                handover_type="resignation",
                template_id=self.promotion.id,
            )
        self.assertEqual(self.env["hr.client.handover"].search_count([]), count)

        handover = self.create_handover(user=self.departing)
        self.assertEqual(handover.template_id, self.resignation)
        with self.assertRaisesRegex(ValidationError, message):
            handover.with_user(self.supervisor).template_id = self.promotion
        with self.assertRaisesRegex(ValidationError, "Choose a template of the type"):
            handover.with_user(self.supervisor).handover_type = "promotion"
        handover.invalidate_recordset()
        self.assertEqual(handover.template_id, self.resignation)
        self.assertEqual(handover.handover_type, "resignation")
        # Both together, or a template for every type, fit.
        handover.with_user(self.supervisor).write(
            {"handover_type": "promotion", "template_id": self.promotion.id}
        )
        general = self.env["hr.client.handover.template"].create({"name": "General"})
        handover.with_user(self.supervisor).template_id = general
        handover.with_user(self.supervisor).handover_type = "transfer"
        self.assertEqual(handover.template_id, general)

    def test_form_keeps_the_template_of_the_type(self):
        with Form(self.handover.with_user(self.supervisor)) as form:
            form.handover_type = "promotion"
            self.assertEqual(form.template_id, self.promotion)
        self.assertEqual(self.handover.template_id, self.promotion)
        # A type without a template of its own: the one of another type goes.
        self.env.ref("hr_client_handover.handover_template_transfer").active = False
        with Form(self.handover.with_user(self.supervisor)) as form:
            form.handover_type = "transfer"
            self.assertFalse(form.template_id)
        self.assertEqual(self.handover.handover_type, "transfer")
        self.assertFalse(self.handover.template_id)
