"""The stages of a client handover, written once.

Every part of the addon that needs to know the procedure reads this table: the
``state`` field's selection, the policy's stage sets, the activities, their
deadlines and how each is done (told to whoever marks one done instead), the
gates, the signatures, the documents filed and the events sealed when a stage
ends, the banner, the demo walker, and the tests' and the repository's
scripts' helpers. ``STEPS`` adds the steps inside and beside the stages that
have an activity of their own. The people who may press a stage's completing
button are the policy's ``(stage, action)`` row, built from ``roles`` below.

Each open stage is ended by one button, ``action_<action>``; the review and
approval stages may instead be refused (``refuse_<key>``) back to ``refused_to``.
``done`` and ``cancel`` end the procedure. This module imports nothing but the
translation marker, so that the repository's scripts can load it by its path.
"""

from collections import namedtuple

from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate("hr_client_handover")

Stage = namedtuple(
    "Stage",
    [
        # the value of the handover's ``state``, and its label
        "key",
        "label",
        # the policy action that ends the stage (button ``action_<action>``),
        # the button's label, the roles that may press it (the policy row)
        "action",
        "button",
        "roles",
        # method of the handover returning what keeps the stage from ending
        "gate",
        # activity type (xml id) of the stage and the role of its assignees
        "activity",
        "activity_role",
        # how the stage's activity is done (by its button, not by marking the
        # activity done), told to whoever marks it done
        "instructions",
        # deadline of the stage's activities: "review" (working days from
        # today) or "last_day" (the departing employee's last working day)
        "deadline",
        # signatures requested when the stage starts, required before it ends:
        # the roles who sign (hr.client.handover.signature's ``role``)
        "signatures",
        # documents filed with HR (备案) when the stage ends
        "files",
        # calendar event kinds whose minutes are sealed when the stage ends
        "seals",
        # review and approval stages: the stage a refusal sends the handover to
        "refused_to",
        # (user field, datetime field) stamped by the button that ends the stage
        "stamp",
        # method of the handover run when the stage is entered, after the
        # stage's signatures are requested and before its activities
        "enter",
        # the template's transfer moment whose transfer starts when the stage
        # ends; the last stage starts a transfer not started yet whatever it is
        "transfer",
        # (done, total): the line statistics (the handover's counters) that
        # measure the stage's customer work for the progress bar; none where
        # the stage's work is one click
        "progress",
    ],
    defaults=(None,) * 16,
)

# The stage keys, written here once: the addon's code names a stage by these.
DRAFT = "draft"
PLAN_REVIEW = "plan_review"
PLAN_APPROVAL = "plan_approval"
MATERIALS = "materials"
VISITS = "visits"
VERIFICATION = "verification"
SUMMARY = "summary"
SUMMARY_REVIEW = "summary_review"
SUMMARY_APPROVAL = "summary_approval"
DONE = "done"
CANCEL = "cancel"

PLANNERS = ("departing", "supervisor", "admin")
# Three-party sign-off (移交人 / 接交人 / 监交人): the departing employee, each
# successor, the supervising witness.
THREE_PARTIES = ("departing", "successor", "witness")

STAGES = (
    Stage(
        DRAFT,
        "Draft",
        action="submit_plan",
        button=_lt("Submit Plan"),
        roles=PLANNERS,
        gate="_plan_problems",
        activity="hr_client_handover.mail_act_handover_draft_plan",
        activity_role="departing",
        instructions=_lt(
            "To submit the plan, press Submit Plan on the handover; marking "
            "the activity done does not submit it."
        ),
        deadline="last_day",
        stamp=("plan_submitted_by_id", "plan_submitted_on"),
        progress=("assigned_count", "line_count"),
    ),
    Stage(
        PLAN_REVIEW,
        "Plan Review",
        action="review_plan",
        button=_lt("Review OK"),
        roles=("supervisor",),
        activity="hr_client_handover.mail_act_handover_review_plan",
        activity_role="supervisor",
        instructions=_lt(
            "To review the plan, press Review OK (or Refuse) on the handover; "
            "marking the activity done does not review it."
        ),
        deadline="review",
        refused_to=DRAFT,
        stamp=("plan_reviewed_by_id", "plan_reviewed_on"),
    ),
    Stage(
        PLAN_APPROVAL,
        "Plan Approval",
        action="approve_plan",
        button=_lt("Approve Plan"),
        roles=("approver",),
        gate="_plan_problems",
        activity="hr_client_handover.mail_act_handover_approve_plan",
        activity_role="approver",
        instructions=_lt(
            "To approve the plan, press Approve Plan (or Refuse) on the "
            "handover; marking the activity done does not approve it."
        ),
        deadline="review",
        refused_to=DRAFT,
        stamp=("plan_approved_by_id", "plan_approved_on"),
        transfer="plan",
    ),
    Stage(
        MATERIALS,
        "Materials",
        action="complete_materials",
        button=_lt("Materials Complete"),
        roles=("supervisor",),
        gate="_materials_problems",
        activity="hr_client_handover.mail_act_handover_materials",
        activity_role="successor",
        instructions=_lt(
            "To confirm the materials, press Confirm Received on each of your "
            "customers in the Materials tab of the handover; marking the "
            "activity done does not confirm them."
        ),
        deadline="last_day",
        signatures=THREE_PARTIES,
        files=("plan",),
        seals=("meeting",),
        enter="_schedule_item_activities",
        progress=("materials_done_count", "line_count"),
    ),
    Stage(
        VISITS,
        "Customer Visits",
        action="complete_visits",
        button=_lt("Visits Complete"),
        roles=("supervisor",),
        gate="_visits_problems",
        activity="hr_client_handover.mail_act_handover_visits",
        activity_role="visitor",
        instructions=_lt(
            "To confirm the visits, press Confirm Visit on each customer in the "
            "Visits tab of the handover (or request a waiver there); marking "
            "the activity done does not confirm them."
        ),
        deadline="last_day",
        # the visit sheet (拜访客户交接计划表), signed by who visited together
        # and the witness
        signatures=THREE_PARTIES,
        progress=("visit_done_count", "line_count"),
    ),
    Stage(
        VERIFICATION,
        "Phone Verification",
        action="complete_verification",
        button=_lt("Verification Complete"),
        roles=("witness",),
        gate="_verification_problems",
        activity="hr_client_handover.mail_act_handover_spot_check",
        activity_role="witness",
        instructions=_lt(
            "To record the phone checks, record each sampled customer's result "
            "in the Verification tab of the handover, then press Verification "
            "Complete; marking the activity done records nothing."
        ),
        deadline="last_day",
        # the spot check found true (属实后签字) by the witness who called; the
        # visit sheet carries both sign-offs, filed once the calls are signed
        signatures=("verifier",),
        files=("visits",),
        enter="_draw_spot_check_sample",
        progress=("check_done_count", "spot_check_count"),
    ),
    Stage(
        SUMMARY,
        "Summary",
        action="submit_summary",
        button=_lt("Submit Summary"),
        roles=("departing", "supervisor"),
        gate="_summary_problems",
        activity="hr_client_handover.mail_act_handover_write_summary",
        activity_role="departing",
        instructions=_lt(
            "To hand in the summary, write it in the Summary tab of the "
            "handover and press Submit Summary; marking the activity done "
            "does not submit it."
        ),
        deadline="last_day",
        signatures=THREE_PARTIES,
        seals=("training",),
        enter="_prepare_summary",
        stamp=("summary_submitted_by_id", "summary_submitted_on"),
    ),
    Stage(
        SUMMARY_REVIEW,
        "Summary Review",
        action="review_summary",
        button=_lt("Review OK"),
        roles=("supervisor",),
        activity="hr_client_handover.mail_act_handover_review_summary",
        activity_role="supervisor",
        instructions=_lt(
            "To review the summary, press Review OK (or Refuse) on the "
            "handover; marking the activity done does not review it."
        ),
        deadline="review",
        refused_to=SUMMARY,
        stamp=("summary_reviewed_by_id", "summary_reviewed_on"),
    ),
    Stage(
        SUMMARY_APPROVAL,
        "Summary Approval",
        action="approve_summary",
        button=_lt("Approve Summary"),
        roles=("approver",),
        gate="_closing_problems",
        activity="hr_client_handover.mail_act_handover_approve_summary",
        activity_role="approver",
        instructions=_lt(
            "To approve the summary, press Approve Summary (or Refuse) on the "
            "handover; marking the activity done does not approve it."
        ),
        deadline="review",
        refused_to=SUMMARY,
        stamp=("summary_approved_by_id", "summary_approved_on"),
        files=("summary",),
        transfer="summary",
    ),
    Stage(DONE, "Done", enter="_schedule_follow_up"),
    Stage(CANCEL, "Cancelled", enter="_drop_stage_work"),
)

# The steps inside a stage, and beside the stages, that have an activity of
# their own, each activity type written here once: its key (``STEP``), the
# activity type (xml id), the stage whose end removes what is left of it, the
# role of the handover whose holder it goes to (and follows when the role
# changes hands), and how the step is done (as a stage's ``instructions``);
# without instructions, the activity is marked done as usual.
Step = namedtuple(
    "Step",
    ["key", "activity", "stage", "role", "instructions"],
    defaults=(None, None, None),
)
STEPS = (
    Step(
        "waiver",
        "hr_client_handover.mail_act_handover_waiver",
        stage=VISITS,
        role="supervisor",
        instructions=_lt(
            "To decide the waivers, press Approve Waiver or Refuse Waiver on "
            "each requested waiver in the Visits tab of the handover; marking "
            "the activity done decides nothing."
        ),
    ),
    Step(
        "witness_visits",
        "hr_client_handover.mail_act_handover_witness_visits",
        stage=VISITS,
        role="witness",
        instructions=_lt(
            "To confirm the visits as supervising witness, press Witness Visits "
            "on the handover; marking the activity done does not confirm them."
        ),
    ),
    # The checklist's, one per person and handover (ITEM_ACTIVITIES in
    # models/hr_client_handover_item.py says whose).
    Step(
        "countersign",
        "hr_client_handover.mail_act_handover_countersign",
        instructions=_lt(
            "To countersign, press Countersign on each of your items in the "
            "Checklist tab of the handover; marking the activity done does not "
            "countersign them."
        ),
    ),
    Step(
        "post_departure",
        "hr_client_handover.mail_act_handover_post_departure",
        instructions=_lt(
            "To complete the checklist, press Done on each of your items in the "
            "Checklist tab of the handover; marking the activity done ticks "
            "nothing."
        ),
    ),
    Step("duty", "hr_client_handover.mail_act_handover_duty"),
    # The departure's confirmation, due in any stage (a done handover's too)
    # until the direct supervisor confirms it.
    Step(
        "confirm_departure",
        "hr_client_handover.mail_act_handover_confirm_departure",
        role="supervisor",
        instructions=_lt(
            "To confirm the departure, press Confirm Departure on the handover; "
            "marking the activity done does not confirm it."
        ),
    ),
    # The direct supervisor's follow-up of a done handover, and the reminder of
    # the current stage to whoever acts in it before the last working day.
    Step(
        "follow_up", "hr_client_handover.mail_act_handover_follow_up", role="supervisor"
    ),
    Step("reminder", "hr_client_handover.mail_act_handover_reminder"),
)
STEP = {step.key: step for step in STEPS}
CONFIRM_DEPARTURE_ACTIVITY = STEP["confirm_departure"].activity

STAGE = {stage.key: stage for stage in STAGES}
ORDER = tuple(stage.key for stage in STAGES)
# the stages the procedure ends in; the others are open
CLOSED = (DONE, CANCEL)
OPEN = tuple(key for key in ORDER if key not in CLOSED)
AFTER_DRAFT = OPEN[1:]
# the stages whose signatures are requested when they start
SIGNING = tuple(stage.key for stage in STAGES if stage.signatures)
# selection of the ``state`` field
SELECTION = [(stage.key, stage.label) for stage in STAGES]


def until(key):
    """The open stages up to ``key``, included."""
    return OPEN[: OPEN.index(key) + 1]


def after(key):
    """The open stages after ``key``."""
    return OPEN[OPEN.index(key) + 1 :]


def reached(key):
    """The stages from ``key`` on, in the table's order: the closed ones
    included (a cancelled handover counts as past every stage, so that its
    form keeps the tabs of what it had)."""
    return ORDER[ORDER.index(key) :]


def next_stage(key):
    """The stage the completing button of ``key`` moves to."""
    return ORDER[ORDER.index(key) + 1]


def by_action(action):
    """The open stage ended by ``action``."""
    return next(stage for stage in STAGES if stage.action == action)


def filed_after(kind):
    """The stage whose end files the document ``kind``."""
    return next(stage.key for stage in STAGES if kind in (stage.files or ()))


# The stage sets the policy and the models name: the plan is drawn in draft,
# the successors confirm the materials and the visits in their stages, the
# witness phones in the verification stage, a cancelled handover's transfer is
# reverted; the checklist's part due by the last working day is done until the
# materials stage ends, the part due after it from the plan's approval; the
# departing employee visits until the visits stage ends and writes the summary
# until it is submitted; the visit sheet prints who closed the visits and the
# verification.
IN_DRAFT = (DRAFT,)
IN_MATERIALS = (MATERIALS,)
IN_VISITS = (VISITS,)
IN_VERIFICATION = (VERIFICATION,)
IN_CANCEL = (CANCEL,)
UNTIL_APPROVAL = until(PLAN_APPROVAL)
AFTER_APPROVAL = after(PLAN_APPROVAL)
UNTIL_MATERIALS = until(MATERIALS)
UNTIL_VISITS = until(VISITS)
UNTIL_SUMMARY = until(SUMMARY)
VISIT_SHEET_STAGES = (VISITS, VERIFICATION)
