"""19.0.1.11.0: ``last_working_day`` of ``hr.client.handover`` is
``last_working_date``, a date named as the addon's other dates are (its label
stays *Last Working Day*; the templates' placeholder ``{last_working_day}``
is unchanged). The rename runs as 19.0.1.9.0's did: the column and its index,
the field record and its XML id, the saved filters naming it. The addon's
views name the field too: their stored architectures are renamed first, or
the update of a view would be checked against an inheriting view still
naming the old field."""

import importlib.util
from pathlib import Path

RELEASE = "19.0.1.11.0"


def migrate(cr, version):
    path = Path(__file__).parent.parent / "19.0.1.9.0" / "pre-rename_stage_fields.py"
    spec = importlib.util.spec_from_file_location("rename_stage_fields", path)
    renames = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(renames)
    renames.rename_fields(cr, RELEASE, {})
    # The placeholder {last_working_day} of the templates' help stays.
    cr.execute(
        r"""
        UPDATE ir_ui_view view
           SET arch_db = regexp_replace(
                   view.arch_db::text,
                   '(?<![{])last_working_day(?![}])',
                   'last_working_date',
                   'g'
               )::jsonb
         WHERE view.arch_db::text LIKE '%last_working_day%'
           AND view.id IN (SELECT res_id FROM ir_model_data
                            WHERE module = 'hr_client_handover'
                              AND model = 'ir.ui.view')
        """
    )
