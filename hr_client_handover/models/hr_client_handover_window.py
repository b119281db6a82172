"""The lists of the handover's form, as windows on its lines, its ledger and
its seals.

A list inside a form (an x2many field) reads every id of its relation to page
through it: 100,000 customer lines, the 850,000 rows of their transfer's
ledger or a seal per recorded step, for each opening of the form. The form
lists instead the first ``FORM_WINDOW`` lines in each tab's own order (the
plan's order; the user's own customers first in the stages' tabs), the latest
ledger rows and the first seals; a smaller handover shows all of them, exactly
as before. All of them are a click away: the *Customers* and *Moved* buttons
open the full, paged and searchable lists; *Verify Integrity* checks every
seal.

The line windows are edited like the lines themselves: what the form sends
for a window is applied to the lines (``line_ids``, ``stage_line_ids``), under
the same policy.
"""

from odoo import Command, api, fields, models

# The rows each list of the form holds at most.
FORM_WINDOW = 400
# {window field: (the field it shows, the order of its list in the form)}
LINE_WINDOWS = {
    "form_line_ids": ("line_ids", "sequence, id"),
    "form_stage_line_ids": (
        "stage_line_ids",
        "is_mine desc, successor_id, sequence, id",
    ),
}


class HrClientHandoverWindowMixin(models.AbstractModel):
    """The form's windows on the lines and the ledger (inherited by
    hr.client.handover)."""

    _name = "hr.client.handover.window.mixin"
    _description = "Client Handover Form Lists"

    form_line_ids = fields.One2many(
        "hr.client.handover.line",
        "handover_id",
        string="Customers (Listed)",
        compute="_compute_form_line_ids",
        readonly=False,
        help="The customers the form lists: all of them, or the first 400 of a "
        "larger handover (the Customers button opens all of them).",
    )
    form_stage_line_ids = fields.One2many(
        "hr.client.handover.line",
        "handover_id",
        string="Customers (Yours First, Listed)",
        compute="_compute_form_line_ids",
        readonly=False,
    )
    form_transfer_ids = fields.One2many(
        "hr.client.handover.transfer",
        "handover_id",
        string="Transfers (Latest)",
        compute="_compute_form_transfer_ids",
    )
    form_seal_ids = fields.One2many(
        "hr.client.handover.seal",
        "handover_id",
        string="Seals (First)",
        compute="_compute_form_seal_ids",
    )
    seals_listed_all = fields.Boolean(compute="_compute_form_seal_ids")
    lines_listed_all = fields.Boolean(
        compute="_compute_form_line_ids",
        help="The form lists every customer of the handover.",
    )

    @api.depends_context("uid")
    def _compute_form_line_ids(self):
        """The first lines of each window in its list's order, read with the
        user's rights as the list would; a handover not saved yet lists the
        lines of the form's cache."""
        Line = self.env["hr.client.handover.line"]
        for handover in self:
            if not handover.id:
                handover.form_line_ids = handover.line_ids
                handover.form_stage_line_ids = handover.line_ids
                handover.lines_listed_all = True
                continue
            handover.form_line_ids = Line.search(
                [("handover_id", "=", handover.id)],
                order=LINE_WINDOWS["form_line_ids"][1],
                limit=FORM_WINDOW,
            )
            handover.form_stage_line_ids = handover._stage_window()
            handover.lines_listed_all = handover.line_count <= FORM_WINDOW

    def _stage_window(self):
        """The first lines of the stage tabs' order (the reader's own, then
        each successor's in the users' order, then those without a successor),
        read one successor at a time through the index on (handover,
        successor, sequence, id) until the window is full: the order of
        ``LINE_WINDOWS``, without sorting every line of a large handover."""
        Line = self.env["hr.client.handover.line"]
        successor_ids = self._line_successor_ids()
        # As the system: the users' order (name, login) of every successor,
        # as the list's order joins them whatever the reader may read of them.
        successors = (
            self.env["res.users"]
            .sudo()
            .with_context(active_test=False)
            .search([("id", "in", successor_ids)])
        )
        groups = [self.env.uid] if self.env.uid in successor_ids else []
        groups += [user.id for user in successors if user.id != self.env.uid]
        groups.append(False)
        lines = Line
        for successor_id in groups:
            lines |= Line.search(
                [("handover_id", "=", self.id), ("successor_id", "=", successor_id)],
                order="sequence, id",
                limit=FORM_WINDOW - len(lines),
            )
            if len(lines) >= FORM_WINDOW:
                break
        return lines

    @api.depends_context("uid")
    def _compute_form_transfer_ids(self):
        Transfer = self.env["hr.client.handover.transfer"]
        for handover in self:
            handover.form_transfer_ids = (
                Transfer.search([("handover_id", "=", handover.id)], limit=FORM_WINDOW)
                if handover.id
                else Transfer
            )

    @api.depends_context("uid")
    def _compute_form_seal_ids(self):
        Seal = self.env["hr.client.handover.seal"]
        for handover in self:
            seals = (
                Seal.search([("handover_id", "=", handover.id)], limit=FORM_WINDOW + 1)
                if handover.id
                else Seal
            )
            handover.form_seal_ids = seals[:FORM_WINDOW]
            handover.seals_listed_all = len(seals) <= FORM_WINDOW

    def _from_form_windows(self, vals):
        """``vals`` with what the form sent for its line windows given to the
        lines they show: the commands name the lines themselves, and a
        replacement (set, clear) replaces what the window listed, not the
        lines it does not list."""
        if not set(LINE_WINDOWS) & set(vals):
            return vals
        vals = dict(vals)
        for window, (field, _order) in LINE_WINDOWS.items():
            if window not in vals:
                continue
            commands = []
            for command in vals.pop(window) or ():
                if command[0] not in (Command.SET, Command.CLEAR):
                    commands.append(command)
                    continue
                kept = set(command[2]) if command[0] == Command.SET else set()
                listed = set(self[window].ids) if self else set()
                commands += [Command.delete(id_) for id_ in sorted(listed - kept)]
                commands += [Command.link(id_) for id_ in sorted(kept)]
            if commands:
                vals[field] = [*vals.get(field, []), *commands]
        return vals
