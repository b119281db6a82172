"""The Simplified Chinese translation, loaded into Odoo, leaves nothing in English.

``make test`` checks that i18n/zh_CN.po translates every term of the .pot
(scripts/i18n.py); these tests check that Odoo accepts each translation once
loaded, the markup of view and report terms included, record by record.
"""

from odoo.tests import TransactionCase, tagged

from .common import ACTIVITY, HandoverCase, load_chinese

ADDON = "hr_client_handover"
# Terms that read the same in Chinese.
SAME_IN_CHINESE = {"ID"}


def exported(term):
    """Whether Odoo's exporter offers ``term`` for translation (not "·" or "-")."""
    term = term.strip()
    return len(term) > 8 or any(char.isalpha() for char in term)


@tagged("post_install", "-at_install")
class TestChineseTranslation(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)

    def records(self, model):
        """The records of ``model`` the addon defines in its data files."""
        data = self.env["ir.model.data"].search(
            [("module", "=", ADDON), ("model", "=", model)]
        )
        return self.env[model].browse(data.mapped("res_id")).exists()

    def assertTranslated(self, records, fname):
        """Every term of ``fname`` on ``records`` differs once read in Chinese."""
        field = records._fields[fname]
        for record in records:
            english = record.with_context(lang="en_US")[fname]
            if not english:
                continue
            chinese = record.with_context(lang="zh_CN")[fname]
            same = set(field.get_trans_terms(english)) & set(
                field.get_trans_terms(chinese)
            )
            left = {term for term in same - SAME_IN_CHINESE if exported(term)}
            with self.subTest(record=record.display_name, field=fname):
                self.assertFalse(left, "left in English")

    def test_views_and_reports(self):
        self.assertTranslated(self.records("ir.ui.view"), "arch_db")

    def test_fields_and_selections(self):
        fields = self.records("ir.model.fields")
        self.assertTranslated(fields, "field_description")
        self.assertTranslated(fields, "help")
        self.assertTranslated(self.records("ir.model.fields.selection"), "name")

    def test_menus_actions_groups_and_data(self):
        translated = {
            "ir.ui.menu": ["name"],
            "ir.actions.act_window": ["name", "help"],
            "ir.actions.report": ["name", "print_report_name"],
            "ir.actions.server": ["name"],
            "res.groups": ["name", "comment"],
            "mail.activity.type": ["name", "summary"],
            "mail.template": ["name", "subject", "body_html"],
            "hr.client.handover.rule": ["name"],
            "hr.client.handover.template": ["name", "summary_template"],
            "hr.client.handover.template.item": ["name", "location"],
        }
        for model, fnames in translated.items():
            records = self.records(model)
            self.assertTrue(records, f"{ADDON} defines {model} records")
            for fname in fnames:
                self.assertTranslated(records, fname)

    def test_report_headings(self):
        """The headings of the signed records are those of the company's policy."""
        view = self.env.ref(f"{ADDON}.report_handover_plan_document")
        terms = view._fields["arch_db"].get_trans_terms(
            view.with_context(lang="zh_CN").arch_db
        )
        self.assertLessEqual({"交接计划表及交接清单", "交接清单"}, set(terms))
        roles = dict(
            self.env["hr.client.handover.signature"]
            .with_context(lang="zh_CN")
            ._fields["role"]
            ._description_selection(self.env(context={"lang": "zh_CN"}))
        )
        self.assertEqual(
            roles,
            {
                "departing": "移交人",
                "successor": "接交人",
                "witness": "监交人",
                "verifier": "电话抽查人",
            },
        )

    def test_policy_words(self):
        """The key terms read as the policy words them, for every kind of
        handover, and the officers are not confused with direct supervisors."""
        zh = self.env(context={"lang": "zh_CN"})
        form = zh.ref(f"{ADDON}.hr_client_handover_view_form")
        terms = set(form._fields["arch_db"].get_trans_terms(form.arch_db))
        self.assertLessEqual(
            {
                "生成客户清单",
                "离职申请日期",
                "离职原因",
                "调动通知日期",
                "调动原因",
                "原岗位最后工作日",
                "请假申请日期",
                "请假原因",
            },
            terms,
        )
        self.assertNotIn("生成明细", terms)
        types = dict(
            zh["hr.client.handover"]._fields["handover_type"]._description_selection(zh)
        )
        self.assertEqual(types["leave"], "请假（病假/产假）")
        self.assertEqual(types["transfer"], "调岗")
        self.assertEqual(types["promotion"], "升职")
        officer = zh.ref(f"{ADDON}.group_handover_officer").name
        supervisor = zh["hr.client.handover"]._fields["supervisor_id"]
        self.assertEqual(officer, "部门负责人")
        self.assertNotIn("主管", officer)
        self.assertEqual(supervisor._description_string(zh), "直接主管")


@tagged("post_install", "-at_install")
class TestActivityLanguage(HandoverCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)

    def test_activity_reads_in_its_assignee_language(self):
        """A Chinese supervisor's to-do reads in Chinese, whoever submitted."""
        self.supervisor.lang = "zh_CN"
        self.assertEqual(self.departing.lang, "en_US")
        handover = self.draft_handover()
        handover.with_user(self.departing).action_submit_plan()
        review = self.env.ref(ACTIVITY % "review_plan")
        activity = self.open_activities(handover, "review_plan")
        self.assertEqual(activity.user_id, self.supervisor)
        self.assertEqual(activity.summary, review.with_context(lang="zh_CN").summary)
        self.assertNotEqual(activity.summary, review.with_context(lang="en_US").summary)
        # The supervisor reviews in Chinese; the English approver's to-do is English.
        handover.with_user(self.supervisor).with_context(
            lang="zh_CN"
        ).action_review_plan()
        approval = self.open_activities(handover, "approve_plan")
        self.assertEqual(
            approval.summary,
            self.env.ref(ACTIVITY % "approve_plan").with_context(lang="en_US").summary,
        )
