"""The policy to the letter (会签, the template's checklist, the summary): who
submitted the plan and the summary, who never reviews them; the sections of the
summary still showing the template's text."""

from lxml import html as lxml_html
from markupsafe import Markup

from odoo import api, fields, models

from .hr_client_handover_stages import STAGE

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def summary_sections(html):
    """[(heading, body words)] of an html summary, in order: a section runs from
    a heading to the next one; what comes before the first heading is the
    section of the empty heading."""
    if not html or not str(html).strip():
        return []
    root = lxml_html.fragment_fromstring(str(html), create_parent="div")
    # An editor may wrap the whole text in one block.
    while len(root) == 1 and root[0].tag == "div" and not (root.text or "").strip():
        root = root[0]
    sections = [["", []]]
    if (root.text or "").strip():
        sections[0][1].append(root.text)
    for element in root:
        if not isinstance(element.tag, str):
            continue
        if element.tag in HEADINGS:
            sections.append([" ".join(element.text_content().split()), []])
        else:
            sections[-1][1].append(element.text_content())
        if (element.tail or "").strip():
            sections[-1][1].append(element.tail)
    return [
        (heading, " ".join(" ".join(body).split()))
        for heading, body in sections
        if heading or " ".join(body).strip()
    ]


class HrClientHandoverLetterMixin(models.AbstractModel):
    """Who submitted, the summary's sections and the checklist's changes from
    its template (inherited by hr.client.handover, before the policy: its
    conditions' messages fall back to the policy's)."""

    _name = "hr.client.handover.letter.mixin"
    _description = "Client Handover Submitters, Summary Sections, Template Changes"

    # Stamped by the stage table (``stamp`` of the draft and summary stages).
    plan_submitted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    plan_submitted_on = fields.Datetime(readonly=True, copy=False)
    summary_submitted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    summary_submitted_on = fields.Datetime(readonly=True, copy=False)

    # ------------------------------------------------------------------
    # Whoever submits never reviews nor approves (policy conditions)
    # ------------------------------------------------------------------
    def _submitter(self):
        """Who submitted what the current review or approval stage is about
        (the stamp of the stage a refusal sends it back to)."""
        self.ensure_one()
        submitted = STAGE[self.state].refused_to
        stamp = submitted and STAGE[submitted].stamp
        return self[stamp[0]] if stamp else self.env["res.users"]

    def _policy_not_submitter(self):
        return self.env.user != self._submitter()

    def _policy_reviewer_submitted(self):
        """The person the stage's row names submitted it: an administrator
        reviews or approves in their place."""
        submitter = self._submitter()
        return bool(submitter) and any(
            submitter in self._users_for_role(role) for role in STAGE[self.state].roles
        )

    def _policy_frozen_message(self, condition):
        if condition == "not_submitter":
            return self.env._(
                "You submitted %(ref)s for this review: someone else reviews or "
                "approves it. An administrator acts in your place, or refuse it "
                "so that the departing employee submits it. Nothing was changed.",
                ref=self.name,
            )
        if condition == "reviewer_submitted":
            return self.env._(
                "%(ref)s is reviewed or approved by %(users)s: an administrator "
                "acts in their place only when they submitted it themselves. "
                "Nothing was changed.",
                ref=self.name,
                users=", ".join(
                    self._users_for_role(role).name or "-"
                    for role in STAGE[self.state].roles
                ),
            )
        return super()._policy_frozen_message(condition)

    # ------------------------------------------------------------------
    # The summary: every section of the template written
    # ------------------------------------------------------------------
    def _summary_template_sections(self):
        """{language: [(heading, template body)]} of the sections the departing
        employee writes, in the template's order, in every installed language:
        the template's guidance (a section whose text the system fills in from
        its placeholders is given)."""
        self.ensure_one()
        template = self.template_id
        if not template.summary_template:
            return {}
        langs = {self.departing_user_id.lang} | {
            code for code, _name in self.env["res.lang"].get_installed()
        }
        # As superuser: the letter is written from the whole handover, whoever opens it.
        handover = self.sudo()
        result = {}
        for lang in sorted(filter(None, langs)):
            raw = dict(
                summary_sections(template.with_context(lang=lang).summary_template)
            )
            result[lang] = [
                (heading, body)
                for heading, body in summary_sections(
                    handover._render_summary_template(lang)
                )
                if body and "{" not in raw.get(heading, "")
            ]
        return result

    def _summary_unwritten_sections(self):
        """The headings of the template's sections that the summary leaves
        out, leaves empty, or still as the template wrote them (in the
        template's language the summary follows: the one whose headings it
        keeps the most)."""
        self.ensure_one()
        by_lang = self._summary_template_sections()
        written = dict(summary_sections(self.summary))
        sections = max(
            by_lang.values(),
            key=lambda sections: sum(heading in written for heading, _b in sections),
            default=[],
        )
        if not any(heading in written for heading, _body in sections):
            # Headings rewritten in full: the summary is the author's own.
            return []
        guidance = {}
        for lang_sections in by_lang.values():
            for heading, body in lang_sections:
                guidance.setdefault(heading, set()).add(body)
        return list(
            dict.fromkeys(
                heading
                for heading, _body in sections
                if not written.get(heading) or written[heading] in guidance[heading]
            )
        )

    # ------------------------------------------------------------------
    # The checklist against its template (shown to the reviewers)
    # ------------------------------------------------------------------
    template_changes = fields.Html(
        string="Changes from the Template",
        compute="_compute_template_changes",
        sanitize=False,
        help="What the checklist adds to, removes from or changes in the items "
        "of its template, for the review of the plan.",
    )

    # Item fields compared with the template's, and how the template's value
    # for the item reads: a field of the template item, or computed.
    TEMPLATE_COMPARED = (
        "name",
        "category",
        "location",
        "post_departure",
        "needs_receipt",
        "countersign_department",
        "responsible_id",
        "countersigner_id",
    )

    @api.depends(
        "template_id",
        "item_ids",
        *(f"item_ids.{name}" for name in TEMPLATE_COMPARED),
        "item_ids.template_item_id",
    )
    def _compute_template_changes(self):
        for handover in self:
            handover.template_changes = handover._template_changes_html()

    def _template_item_values(self, item_template):
        """{field: value} of the item the template gives this handover."""
        responsible, countersigner = self.env["hr.client.handover.item"]._item_people(
            self, item_template
        )
        return {
            "name": item_template.name,
            "category": item_template.category,
            "location": item_template.location or False,
            "post_departure": item_template.due_rule == "after_last_day",
            "needs_receipt": item_template.needs_receipt,
            "countersign_department": item_template.countersign_department or False,
            "responsible_id": responsible,
            "countersigner_id": countersigner,
        }

    def _template_changes(self):
        """(added items, removed template items, [(item, [(field, template's
        value, item's value)])]) of the checklist against its template."""
        self.ensure_one()
        # As superuser: the checklist is compared with its template as a whole, whoever
        # reads the comparison.
        handover = self.sudo()
        Item = self.env["hr.client.handover.item"]
        items = handover.item_ids
        if not handover.template_id or not handover._origin.id:
            return Item, self.env["hr.client.handover.template.item"], []
        added = items.filtered(lambda item: not item.template_item_id)
        removed = handover.template_id.item_template_ids - items.template_item_id
        changed = []
        for item in items - added:
            expected = handover._template_item_values(item.template_item_id)
            diffs = [
                (name, value, item[name])
                for name, value in expected.items()
                if (item[name] or False) != (value or False)
            ]
            if diffs:
                changed.append((item, diffs))
        return added, removed, changed

    def _template_changes_html(self):
        """The changes of ``_template_changes`` as a list to read, or False
        when the checklist is the template's."""
        self.ensure_one()
        added, removed, changed = self._template_changes()
        if not (added or removed or changed):
            return False
        Item = self.env["hr.client.handover.item"]

        def label(name):
            return Item._fields[name].get_description(self.env)["string"]

        def show(name, value):
            field = Item._fields[name]
            if field.type == "many2one":
                return value.display_name or "-"
            if field.type == "boolean":
                return self.env._("Yes") if value else self.env._("No")
            if field.type == "selection":
                return dict(field._description_selection(self.env)).get(value) or "-"
            return value or "-"

        entries = [
            Markup("<li>%s</li>") % self.env._("Added: %(item)s", item=item.name)
            for item in added
        ]
        entries += [
            Markup("<li>%s</li>") % self.env._("Removed: %(item)s", item=tmpl.name)
            for tmpl in removed
        ]
        for item, diffs in changed:
            entries.append(
                Markup("<li>%s</li>")
                % self.env._(
                    "Changed: %(item)s (%(changes)s)",
                    item=item.name,
                    changes="; ".join(
                        f"{label(name)}: {show(name, old)} → {show(name, new)}"
                        for name, old, new in diffs
                    ),
                )
            )
        return Markup("<ul>%s</ul>") % Markup().join(entries)
