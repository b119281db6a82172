from odoo import api, models
from odoo.exceptions import AccessError


class HrClientHandoverDialog(models.AbstractModel):
    """What the handover's dialogs share: a dialog opens only on records its
    user may act on with it (the handover's policy, as its button asks it),
    and tells nothing of a record its user may not read."""

    _name = "hr.client.handover.dialog"
    _description = "Client Handover Dialog"

    # The fields naming the records the dialog acts on; the other values its
    # check needs (the action a reason dialog confirms, say).
    _dialog_target_fields = ()
    _dialog_value_fields = ()

    def _dialog_check_targets(self, targets, values):
        """Raise unless the current user may do on ``targets`` ({field name:
        records, in the user's environment}) what the dialog's button does
        (``values``: the dialog's other values, e.g. the action it confirms)."""

    def _dialog_unreadable_error(self):
        return AccessError(
            self.env._(
                "This dialog concerns a client handover you may not read: it "
                "cannot be opened or shown to you. Nothing was changed."
            )
        )

    @api.model
    def _dialog_check(self, targets, values):
        """Every record of ``targets`` exists and the current user reads it,
        then may act on it (the policy)."""
        if self.env.su:
            return
        targets = {name: records for name, records in targets.items() if records}
        for records in targets.values():
            if len(records.exists()) != len(records) or not records.has_access("read"):
                raise self._dialog_unreadable_error()
        if targets:
            self._dialog_check_targets(targets, values)

    def _dialog_targets(self):
        """{field name: records} of this dialog, in the current user's
        environment (read as superuser: the check comes next)."""
        self.ensure_one()
        # Read as superuser: the check of the user comes next (see the docstring).
        dialog = self.sudo()
        return {
            name: dialog[name].with_env(self.env) for name in self._dialog_target_fields
        }

    def _dialog_check_own(self):
        for dialog in self:
            dialog._dialog_check(
                dialog._dialog_targets(),
                # Read as superuser: the check of the user follows.
                {name: dialog.sudo()[name] for name in dialog._dialog_value_fields},
            )

    @api.model
    def _dialog_check_values(self, values):
        """The check of ``_dialog_check`` on values not stored yet (defaults,
        a form's values): the form would show the names of their records."""
        if self.env.su:
            return
        targets = {}
        for name in self._dialog_target_fields:
            value = values.get(name)
            field = self._fields[name]
            if not value:
                continue
            if field.type == "many2one":
                if isinstance(value, dict):
                    value = value.get("id")
                targets[name] = self.env[field.comodel_name].browse(value)
            else:  # x2many: commands or ids
                targets[name] = self.new({name: value})[name]._origin
        if targets:
            self._dialog_check(
                targets, {name: values.get(name) for name in self._dialog_value_fields}
            )

    @api.model
    def default_get(self, fields):
        """Defaults from the context (``default_handover_id``...) name no record
        the user may not act on: the dialog's form would show its name."""
        values = super().default_get(fields)
        self._dialog_check_values(values)
        return values

    def onchange(self, values, field_names, fields_spec):
        """A form's values, sent back with their names: the same check."""
        self._dialog_check_values(values)
        return super().onchange(values, field_names, fields_spec)

    def _read_format(self, fnames, load="_classic_read"):
        """Every read (``read``, ``web_read``, ``search_read``) asks
        ``_check_access``: the database's rules only see the creator."""
        self.check_access("read")
        return super()._read_format(fnames, load=load)

    @api.model_create_multi
    def create(self, vals_list):
        dialogs = super().create(vals_list)
        if not self.env.su:
            dialogs._dialog_check_own()
        return dialogs

    def write(self, vals):
        result = super().write(vals)
        if not self.env.su and set(vals) & set(self._dialog_target_fields):
            self._dialog_check_own()
        return result

    def _check_access(self, operation):
        """Reading a dialog back shows the names of its records (a many2one is
        read with its name): only while the user may read them."""
        result = super()._check_access(operation)
        if result or self.env.su or operation == "create":
            return result
        dialogs = self.browse([dialog_id for dialog_id in self._ids if dialog_id])
        forbidden = dialogs.filtered(
            lambda dialog: not all(
                records.has_access("read")
                for records in dialog._dialog_targets().values()
                if records
            )
        )
        if not forbidden:
            return None
        return forbidden, self._dialog_unreadable_error
