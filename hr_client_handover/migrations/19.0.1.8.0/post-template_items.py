"""19.0.1.8.0: each checklist item knows the template item it comes from.

The items of the existing handovers are linked to the item of their
handover's template with the same position, category and wording (English), as
they were created; the others stay items added by hand."""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE hr_client_handover_item item
           SET template_item_id = tmpl.id
          FROM hr_client_handover handover, hr_client_handover_template_item tmpl
         WHERE item.handover_id = handover.id
           AND item.template_item_id IS NULL
           AND tmpl.template_id = handover.template_id
           AND tmpl.sequence = item.sequence
           AND tmpl.category = item.category
           AND tmpl.name->>'en_US' = item.name->>'en_US'
        """
    )
