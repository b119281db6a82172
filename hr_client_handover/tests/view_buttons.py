"""Reading the screens' buttons as the web client does, for the tests that
check a button shows exactly where its action passes."""

from lxml import etree

from odoo.tools.safe_eval import safe_eval


class ViewButtons:
    """Mixin of a HandoverCase: the views' buttons, evaluated on records."""

    def views(self, model="hr.client.handover.line", kinds=("list", "form")):
        result = self.env[model].get_views([(False, kind) for kind in kinds])
        return {kind: etree.fromstring(result["views"][kind]["arch"]) for kind in kinds}

    def shown(self, node, record, **extra):
        """Whether ``node`` is shown for ``record`` (its invisible expression
        evaluated on the record's values, as the web client does)."""
        expression = node.get("invisible")
        if not expression:
            return True
        names = {
            name
            for name in record._fields
            if name in expression
            and record._fields[name].type not in ("one2many", "many2many")
        }
        values = {}
        for name in names:
            value = record[name]
            values[name] = value.id if hasattr(value, "_name") else value
        values.update(uid=record.env.uid, **extra)
        return not safe_eval(expression, values)

    def shown_buttons(self, view, record, name):
        """The labels of the buttons ``name`` of ``view`` shown for ``record``."""
        return [
            button.get("string")
            for button in view.iter("button")
            if button.get("name") == name and self.shown(button, record)
        ]
