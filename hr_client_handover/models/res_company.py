from odoo import fields, models
from odoo.fields import Domain

# Names an HR department goes by, matched when the addon is installed.
HR_DEPARTMENT_NAMES = ("HR", "Human Resources", "人力资源", "人事")


class ResCompany(models.Model):
    _inherit = "res.company"

    handover_allow_same_reviewer = fields.Boolean(
        string="Supervisor may also approve",
        help="Allow the direct supervisor to be the division manager of a handover.",
    )
    handover_async_threshold = fields.Integer(
        string="Background Transfer Threshold",
        default=2000,
        help="Above this number of records, the transfer runs in the background.",
    )
    handover_it_department_id = fields.Many2one(
        "hr.department",
        string="IT Department",
        help="Its manager countersigns the checklist items of IT (accounts, "
        "equipment), unless the template names a countersigner.",
    )
    handover_finance_department_id = fields.Many2one(
        "hr.department",
        string="Finance Department",
        help="Its manager countersigns the checklist items of finance (expenses, "
        "advances), unless the template names a countersigner.",
    )
    handover_administration_department_id = fields.Many2one(
        "hr.department",
        string="Administration Department",
        help="Its manager countersigns the checklist items of administration "
        "(badges, keys, assets), unless the template names a countersigner.",
    )
    handover_hr_department_id = fields.Many2one(
        "hr.department",
        string="HR Department",
        help="Its manager countersigns the checklist items of HR (social insurance "
        "and housing fund transfer, 保险、公积金转移) and, in their place, the items "
        "of IT, finance or administration when that department is not set or "
        "has no manager. Set at installation to the company's department named "
        "like HR (HR, Human Resources, 人力资源, 人事), if any. Without an HR "
        "manager, a client handover administrator countersigns: 会签 is never "
        "skipped.",
    )
    handover_reminder_days = fields.Integer(
        string="Reminder (days before deadline)", default=3
    )
    handover_escalation_days = fields.Integer(
        string="Escalate Again Every (working days)",
        default=2,
        help="An overdue stage is escalated to the next person up the "
        "organisation chart, again every this many working days until someone "
        "acts.",
    )

    def _handover_countersigner(self, department):
        """Who countersigns the checklist items of ``department`` (a key of
        COUNTERSIGN_DEPARTMENTS) in this company: the manager of the department
        set for it, else of the HR department, else the first client handover
        administrator of the company."""
        self.ensure_one()
        # As superuser: the departments' managers are employees, which only HR reads.
        company = self.sudo()
        for key in dict.fromkeys((department, "hr")):
            user = company[f"handover_{key}_department_id"].manager_id.user_id
            if user.active:
                return user
        return self.env["hr.client.handover.policy"]._policy_group_users(
            "admin", company
        )[:1]

    def _handover_find_hr_department(self):
        """Set the HR department of the companies that have none to their
        department named like HR (installation, upgrade)."""
        named = Domain.OR(
            [
                [("name", "=ilike", "HR")],
                [("name", "=ilike", "HR %")],
                *([("name", "ilike", name)] for name in HR_DEPARTMENT_NAMES[1:]),
            ]
        )
        # As superuser: the companies' HR departments are found in the organisation
        # chart whatever the user may read of it.
        Department = self.env["hr.department"].sudo()
        # (sudo: every company's setting is set, which only the settings' administrators
        # may write.)
        for company in self.sudo().filtered(
            lambda company: not company.handover_hr_department_id
        ):
            company.handover_hr_department_id = Department.search(
                Domain("company_id", "in", [company.id, False]) & named,
                order="company_id, id",
                limit=1,
            )
