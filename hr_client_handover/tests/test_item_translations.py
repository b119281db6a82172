"""The checklist keeps every translation of its template: an item reads in the
language of whoever reads it (or of the company's people for a filed document),
not in the language of whoever created the handover."""

from odoo.tests import tagged

from .common import HandoverCase, load_chinese
from .test_reports import pdftotext


@tagged("post_install", "-at_install")
class TestItemTranslations(HandoverCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)
        cls.template = cls.env.ref("hr_client_handover.handover_template_resignation")
        cls.english = cls.template.item_template_ids.with_context(lang="en_US")
        cls.chinese = cls.template.item_template_ids.with_context(lang="zh_CN")

    def assertItemsIn(self, items, lang, templates):
        items = items.with_context(lang=lang)
        self.assertEqual(items.mapped("name"), templates.mapped("name"))
        self.assertEqual(items.mapped("location"), templates.mapped("location"))

    def test_items_created_in_english_read_in_chinese(self):
        self.supervisor.lang = "en_US"
        handover = self.create_handover(
            user=self.supervisor, template_id=self.template.id
        )
        items = handover.item_ids.sorted(lambda item: (item.sequence, item.id))
        # The template's Chinese is there at all (else the test proves nothing).
        self.assertNotEqual(self.english.mapped("name"), self.chinese.mapped("name"))
        self.assertItemsIn(items, "en_US", self.english.sorted("sequence"))
        self.assertItemsIn(items, "zh_CN", self.chinese.sorted("sequence"))

    def test_items_created_in_chinese_read_in_english(self):
        self.supervisor.lang = "zh_CN"
        handover = self.create_handover(
            user=self.supervisor, template_id=self.template.id
        )
        items = handover.item_ids.sorted(lambda item: (item.sequence, item.id))
        self.assertItemsIn(items, "zh_CN", self.chinese.sorted("sequence"))
        self.assertItemsIn(items, "en_US", self.english.sorted("sequence"))

    def test_plan_filed_in_the_language_of_the_companys_people(self):
        """The departing employee works in Chinese; the supervisor, who creates
        the handover and closes the stage that files the plan, in English: the
        filed checklist is the template's Chinese."""
        self.departing.lang = "zh_CN"
        self.supervisor.lang = "en_US"
        handover = self.draft_handover(template_id=self.template.id).with_context(
            force_report_rendering=True
        )
        self.advance(handover, "visits")
        # Words as the PDF holds them, whatever the lines a table cell wraps.
        text = "".join(pdftotext(handover.plan_attachment_id.raw).split())
        first = self.template.item_template_ids[:1]
        for lang, filed in (("zh_CN", True), ("en_US", False)):
            name = "".join(first.with_context(lang=lang).name.split())
            self.assertEqual(name in text, filed, f"{lang}: {name}")
