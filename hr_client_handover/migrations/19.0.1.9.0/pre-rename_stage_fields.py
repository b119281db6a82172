"""19.0.1.9.0: the fields that name a stage of the handover say "stage", as the
addon's stage table does: ``reminded_state`` and ``escalated_state`` of
``hr.client.handover``, ``handover_state`` of ``hr.client.handover.line``.

Neither ``odoo.upgrade.util`` nor openupgradelib ships with this Odoo, so the
renames are plain SQL, each guarded so that a second run changes nothing: the
column and its index; the field record (the chatter's tracking values point at
it), also on the abstract timeline mixin that declares ``escalated_state``;
the XML ids of the field and of its selection values; the saved filters of the
model that name the old field. Seals hash none of these fields
(``RENAMED_BY_RELEASE`` maps the names for the upgrade's check)."""

from odoo.tools import SQL
from odoo.tools.sql import column_exists, rename_column

from odoo.addons.hr_client_handover.models.hr_client_handover_seal import (
    RENAMED_BY_RELEASE,
)

RELEASE = "19.0.1.9.0"
# Abstract models declaring a renamed field: a field record, no column.
ABSTRACT = {"hr.client.handover.timeline.mixin": {"escalated_state": "escalated_stage"}}


def _rename_xmlids(cr, model, old, new, prefix=False):
    """The addon's XML id ``old`` of a ``model`` record becomes ``new``; with
    ``prefix``, every one starting with ``old`` starts with ``new`` instead."""
    cr.execute(
        """
        UPDATE ir_model_data data
           SET name = %(new)s || substr(data.name, length(%(old)s) + 1)
         WHERE data.module = 'hr_client_handover' AND data.model = %(model)s
           AND (data.name = %(old)s
                OR %(prefix)s AND left(data.name, length(%(old)s)) = %(old)s)
           AND NOT EXISTS (
                SELECT 1 FROM ir_model_data taken
                 WHERE taken.module = 'hr_client_handover'
                   AND taken.name = %(new)s || substr(data.name, length(%(old)s) + 1))
        """,
        {"model": model, "old": old, "new": new, "prefix": prefix},
    )


def _rename_field_records(cr, model, old, new):
    table = model.replace(".", "_")
    cr.execute(
        """
        UPDATE ir_model_fields SET name = %(new)s
         WHERE model = %(model)s AND name = %(old)s
           AND NOT EXISTS (SELECT 1 FROM ir_model_fields
                            WHERE model = %(model)s AND name = %(new)s)
        """,
        {"model": model, "old": old, "new": new},
    )
    # the field's own XML id, exactly; its selection values', by prefix
    _rename_xmlids(
        cr, "ir.model.fields", f"field_{table}__{old}", f"field_{table}__{new}"
    )
    _rename_xmlids(
        cr,
        "ir.model.fields.selection",
        f"selection__{table}__{old}__",
        f"selection__{table}__{new}__",
        prefix=True,
    )


def migrate(cr, version):
    rename_fields(cr, RELEASE, ABSTRACT)


def rename_fields(cr, release, abstract):
    """Rename the fields ``RENAMED_BY_RELEASE[release]`` lists (and those of
    the ``abstract`` models: {model: {old: new}}), as described above; the
    later releases' renames run through it too."""
    for model, names in RENAMED_BY_RELEASE[release].items():
        table = model.replace(".", "_")
        for old, new in names.items():
            if column_exists(cr, table, old) and not column_exists(cr, table, new):
                rename_column(cr, table, old, new)
            cr.execute(
                SQL(
                    "ALTER INDEX IF EXISTS %s RENAME TO %s",
                    SQL.identifier(f"{table}__{old}_index"),
                    SQL.identifier(f"{table}__{new}_index"),
                )
            )
            _rename_field_records(cr, model, old, new)
            # a saved filter's domain, grouping or order naming the field
            for column in ("domain", "context", "sort"):
                cr.execute(
                    SQL(
                        "UPDATE ir_filters SET %(column)s = regexp_replace("
                        "%(column)s, %(pattern)s, %(new)s, 'g') "
                        "WHERE model_id = %(model)s AND %(column)s ~ %(pattern)s",
                        column=SQL.identifier(column),
                        pattern=rf"\m{old}\M",
                        new=new,
                        model=model,
                    )
                )
    for model, names in abstract.items():
        for old, new in names.items():
            _rename_field_records(cr, model, old, new)
