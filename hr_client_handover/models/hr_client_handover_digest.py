"""One chatter message per stage for the events of the lines.

Confirmed materials, visit confirmations, phone checks, signatures and
checklist ticks post nothing when they happen: the line shows them at once,
the banner counts them, and their seal (hr.client.handover.seal) records each
one as evidence. When the handover leaves the stage (completed, refused, sent
back, cancelled) one digest lists the events of that stage, read from the
seals written since the stage began, grouped by kind, day and person.
Approvals, refusals, waivers, problems reported on the phone and stage changes
keep a message of their own.
"""

from collections import defaultdict

from markupsafe import Markup

from odoo import fields, models
from odoo.tools import format_date

# Seal kinds that are line events, in the order the digest lists them.
DIGEST_KINDS = ("materials", "visit", "check", "signature", "item")
# Names listed per day and person before "+N".
DIGEST_NAMES = 10


class HrClientHandoverDigestMixin(models.AbstractModel):
    """The stage digests of a handover (inherited by hr.client.handover)."""

    _name = "hr.client.handover.digest.mixin"
    _description = "Client Handover Stage Digest"

    def _stage_events(self):
        """The seals of line events since the current stage began."""
        self.ensure_one()
        # As superuser: the digest lists every event sealed in the stage, whoever
        # ends it.
        Seal = self.env["hr.client.handover.seal"].sudo()
        start = Seal.search(
            [("handover_id", "=", self.id), ("kind", "=", "stage")],
            order="sequence desc",
            limit=1,
        )
        return Seal.search(
            [
                ("handover_id", "=", self.id),
                ("sequence", ">", start.sequence),
                ("kind", "in", DIGEST_KINDS),
            ],
            order="sequence",
        )

    def _post_stage_digest(self):
        """Post the digest of the line events of the current stage, if any."""
        self.ensure_one()
        events = self._stage_events()
        if not events:
            return self.env["mail.message"]
        return self.message_post(
            body=self._digest_body(events), subtype_xmlid="mail.mt_note"
        )

    def _digest_body(self, events):
        kind_labels = {
            "materials": self.env._("Materials confirmed"),
            "visit": self.env._("Visit confirmations"),
            "check": self.env._("Phone checks"),
            "signature": self.env._("Signatures"),
            "item": self.env._("Checklist"),
        }
        by_kind = defaultdict(lambda: defaultdict(list))
        names = self._digest_names(events)
        for seal in events:
            values = seal._record_values()
            day = format_date(
                self.env, fields.Datetime.context_timestamp(self, seal.sealed_on)
            )
            actor, entry = self._digest_entry(seal, values, names)
            by_kind[seal.kind][day, actor].append(entry)
        body = Markup("<p><b>%s</b></p>") % self.env._(
            "%(stage)s: line events recorded in this stage (%(count)s)",
            stage=self._stage_label(),
            count=len(events),
        )
        for kind in DIGEST_KINDS:
            groups = by_kind.get(kind)
            if not groups:
                continue
            count = sum(len(entries) for entries in groups.values())
            body += Markup("<p>%s</p><ul>") % self.env._(
                "%(what)s: %(count)s", what=kind_labels[kind], count=count
            )
            for (day, actor), entries in groups.items():
                shown = ", ".join(entries[:DIGEST_NAMES])
                if len(entries) > DIGEST_NAMES:
                    shown += f" (+{len(entries) - DIGEST_NAMES})"
                body += Markup("<li>%s · %s: %s</li>") % (day, actor, shown)
            body += Markup("</ul>")
        body += Markup("<p><i>%s</i></p>") % self.env._(
            "Each event is sealed one by one: see the Integrity tab."
        )
        return body

    def _digest_names(self, events):
        """{(model, id): name} of the records the events concern."""
        ids = defaultdict(set)
        for seal in events:
            ids[seal.res_model].add(seal.res_id)
        names = {}
        for model, res_ids in ids.items():
            # As superuser: the names of what the seals recorded, archived records
            # included, whoever posts the digest.
            records = (
                self.env[model]
                .sudo()
                .with_context(active_test=False)
                .browse(sorted(res_ids))
                .exists()
            )
            for record in records:
                if model == "hr.client.handover.line":
                    name = record.partner_id.display_name
                elif model == "hr.client.handover.signature":
                    name = record.user_id.name
                else:
                    name = record.display_name
                names[model, record.id] = name
        return names

    def _digest_entry(self, seal, values, names):
        """(who, what) of one event for the digest."""
        # As superuser: the actors' names, archived users included.
        Users = self.env["res.users"].sudo().with_context(active_test=False)
        actor = seal.user_id.name
        name = names.get((seal.res_model, seal.res_id), "-")
        if seal.kind == "visit":
            proxy = values.get("visit_confirmed_on_behalf_by_id")
            if proxy and proxy == seal.user_id.id:
                actor = self.env._(
                    "%(proxy)s on behalf of %(user)s",
                    proxy=actor,
                    user=self.departing_user_id.name,
                )
            if values.get("visit_done_on"):
                name = self.env._("%(customer)s (visited)", customer=name)
        elif seal.kind == "check":
            results = dict(
                self.env["hr.client.handover.line"]
                ._fields["check_result"]
                ._description_selection(self.env)
            )
            result = results.get(values.get("check_result"), "-")
            name = self.env._("%(name)s (%(what)s)", name=name, what=result)
        elif seal.kind == "signature":
            Signature = self.env["hr.client.handover.signature"]
            roles = dict(Signature._fields["role"]._description_selection(self.env))
            if values.get("signed_by_id"):
                actor = self.env._(
                    "%(proxy)s on behalf of %(user)s",
                    proxy=actor,
                    user=Users.browse(values.get("user_id")).name,
                )
            name = roles.get(values.get("role"), "-")
        elif seal.kind == "item":
            if "countersigned_on" in values:
                action = self.env._("countersigned")
            elif "confirmed_on" in values:
                action = self.env._("confirmed on receipt")
            elif values.get("done"):
                action = self.env._("done")
            else:
                action = self.env._("reopened")
            name = self.env._("%(name)s (%(what)s)", name=name, what=action)
        return actor, name
