from odoo import api, models

# Fields that decide which departments an officer manages (see
# res.users.client_handover_department_ids, read by cached record rules).
_OFFICER_SCOPE_FIELDS = {"manager_id", "parent_id", "active"}


class HrDepartment(models.Model):
    _inherit = "hr.department"

    @api.model_create_multi
    def create(self, vals_list):
        departments = super().create(vals_list)
        if any(vals.get("parent_id") or vals.get("manager_id") for vals in vals_list):
            self._client_handover_officer_scope_changed()
        return departments

    def write(self, vals):
        result = super().write(vals)
        if _OFFICER_SCOPE_FIELDS & set(vals):
            self._client_handover_officer_scope_changed()
        return result

    def _client_handover_officer_scope_changed(self):
        """Forget the departments each user manages: the cached record rules
        and the value computed in this transaction."""
        self.env["res.users"].invalidate_model(["client_handover_department_ids"])
        self.env.registry.clear_cache()
