/**
 * The client handover in the browser, one tour per actor and stage.
 *
 * tests/test_ui_tour.py runs these tours one after the other, each logged in as
 * the person who acts, in Simplified Chinese as the demo company's people work,
 * and checks the database between two tours. Selectors use field and button
 * names, never an English label; the texts typed are Chinese. The people and
 * customers named here come from the test's data (tests/common.py). Every tour
 * starts on the handover form, except the first and the registered departure
 * (on the employee form), those that open the handover from the activity menu
 * (on the home page), Hand Everything To… (on the user form) and the last (on
 * the customer form).
 */
import { browser } from "@web/core/browser/browser";
import { formatDate } from "@web/core/l10n/dates";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";

const { DateTime } = luxon;

const tours = registry.category("web_tour.tours");

const FORM = ".o_form_view";
const LINES = `${FORM} .o_field_widget[name$=line_ids]`; // line_ids or stage_line_ids
const SIGNATURES = `${FORM} .o_field_widget[name=signature_ids]`;
const ITEMS = `${FORM} .o_field_widget[name=item_ids]`;
const OMISSIONS = `${FORM} .o_field_widget[name=omission_ids]`;
const INCIDENTS = `${FORM} .o_field_widget[name=incident_ids]`;
const WIZARD = ".modal";
// The "Confirmed" button of a phone check (an icon, beside "Problem" and
// "Unreachable", which are the same method with another result).
const CONFIRMED_CALL = "button[name=action_set_check_result]:has(.fa-check)";

/**
 * The screens speak the user's language: Simplified Chinese, with the addon's
 * translation loaded (the app's name in the navigation bar is Chinese).
 */
function inChinese() {
    return {
        content: "The screens are in Simplified Chinese",
        trigger: ".o_main_navbar .o_menu_brand",
        run({ anchor }) {
            if (user.lang !== "zh-CN" || !/[\u4e00-\u9fff]/.test(anchor.textContent)) {
                throw new Error(
                    `The user works in ${user.lang}, the app is '${anchor.textContent}'`
                );
            }
        },
    };
}

/**
 * Register a tour of one person: every tour first checks the language.
 */
function addTour(name, steps) {
    tours.add(`hr_client_handover_tour_${name}`, {
        steps: () => [inChinese(), ...steps()],
    });
}

/** Open the handover from the activity menu of the navigation bar. */
function openFromMyActivities() {
    return [
        {
            content: "Open my activities",
            trigger: ".o_menu_systray .dropdown-toggle:has(.fa-clock-o)",
            run: "click",
        },
        {
            content: "Open my upcoming handover activities",
            trigger: ".o-mail-ActivityGroup[data-model_name='hr.client.handover'] span.btn-link",
            run: "click",
        },
        {
            content: "Open the handover",
            trigger: ".o_list_view .o_data_row:first .o_data_cell:first",
            run: "click",
        },
    ];
}

/**
 * No error dialog is open (an RPC refused, a server error): a normal day
 * shows none. Console errors fail every tour by themselves.
 */
function noErrorDialog(content) {
    return {
        content,
        trigger: "body",
        run() {
            const error = document.querySelector(".o_error_dialog, .modal .o_error_detail");
            if (error) {
                throw new Error(`An error dialog is open: ${error.textContent}`);
            }
        },
    };
}

function stageIs(state) {
    return {
        content: `The handover is in the stage '${state}'`,
        trigger: `${FORM} .o_statusbar_status button[data-value=${state}][aria-checked=true]`,
    };
}

/**
 * Type `typed` in the many2one (or many2many) `input` and pick `label` from
 * its dropdown (`scope`: where the dropdown opens, the dialog or the page).
 */
function pick(content, input, typed, label, scope = "") {
    return [
        { content, trigger: input, run: `fill ${typed}` },
        {
            trigger: `${scope} .o-autocomplete--dropdown-item:contains(${label})`.trim(),
            run: "click",
        },
    ];
}

function clickHeaderButton(name, content) {
    return {
        content,
        trigger: `${FORM} .o_statusbar_buttons button[name=${name}]:enabled`,
        run: "click",
    };
}

function openTab(name) {
    return [
        {
            content: `Open the '${name}' tab`,
            trigger: `${FORM} .o_notebook .nav-link[name=${name}]`,
            run: "click",
        },
        {
            trigger: `${FORM} .o_notebook .nav-link.active[name=${name}]`,
        },
    ];
}

function saveForm() {
    return [
        {
            content: "Save the handover",
            trigger: `${FORM} .o_form_button_save:enabled`,
            run: "click",
        },
        {
            content: "Wait until it is saved",
            trigger: `${FORM} .o_form_saved`,
        },
    ];
}

/**
 * Click every button matching `selector`, one after the other: each click
 * saves the form, runs the method and reloads the record, which hides the
 * button of the row it was done on.
 */
function clickEach(selector, content) {
    const visible = `${selector}:visible`;
    return {
        content,
        trigger: selector,
        // Up to ten save-call-reload rounds on a busy machine (the longest allowed).
        timeout: 60000,
        async run({ click, queryAll, waitUntil }) {
            let left = queryAll(visible).length;
            while (left) {
                await click(queryAll(`${visible}:enabled`)[0]);
                left -= 1;
                const expected = left;
                await waitUntil(
                    () =>
                        queryAll(visible).length === expected &&
                        queryAll(`${visible}:enabled`).length === expected,
                    { timeout: 20000 }
                );
            }
        },
    };
}

/**
 * Sign the one signature of the current user that is open for signing: the
 * header's Sign button opens the pad with the user's name written in.
 */
function signSteps() {
    // The signature cell of a line still open for signing by the current user.
    const mySignature = ".o_data_row td[name=signature]:not(.o_readonly_modifier)";
    return [
        clickHeaderButton("action_sign", "Sign: one click opens the pad"),
        {
            content: "The pad shows my name (Auto mode)",
            trigger: `${WIZARD} canvas.o_web_sign_signature`,
            run: "canvasNotEmpty",
        },
        {
            content: "Adopt and sign",
            trigger: `${WIZARD} .modal-footer .btn-primary:enabled`,
            run: "click",
        },
        {
            content: "Signed: the Sign button is gone",
            trigger: `body:not(:has(${WIZARD})) ${FORM} .o_form_statusbar:not(:has(button[name=action_sign]))`,
        },
        ...openTab("sign_off"),
        {
            content: "My signature is on the record, nothing is left for me to sign",
            trigger: `${SIGNATURES}:not(:has(${mySignature})) img.o_signature`,
        },
    ];
}

/**
 * Tick the first checklist item the current user may tick now, if any is left;
 * an item with a duty (the exit interview, the care talk, the equipment check,
 * the personal data, the team review) is recorded first in its Record dialog:
 * the date it was held, the consent and what was done with the data, the notes.
 */
function recordAndTickOne(content) {
    const tickable = `${ITEMS} .o_data_row:has(button[name=action_mark_done]):visible`;
    const dialog = `${WIZARD}:has(.o_field_widget[name=duty_notes])`;
    return {
        content,
        trigger: ITEMS,
        // A record saved and a tick, each reloading the form, on a busy machine.
        timeout: 60000,
        async run({ click, edit, queryAll, queryFirst, waitUntil }) {
            const left = queryAll(tickable).length;
            if (!left) {
                return;
            }
            const record = queryAll(tickable)[0].querySelector(
                "button[name=action_open_duty]"
            );
            if (record) {
                await click(record);
                await waitUntil(() => queryFirst(`${dialog} textarea`), { timeout: 20000 });
                const held = queryFirst(`${dialog} .o_field_widget[name=duty_date] input`);
                if (held) {
                    await edit(formatDate(DateTime.now()), held);
                }
                // Personal data: the employee consents, the data is deleted.
                for (const name of ["data_consent", "data_action"]) {
                    const menu = queryFirst(`${dialog} .o_field_widget[name=${name}]`);
                    if (menu) {
                        await click(menu.querySelector("input, .o_select_menu_toggler"));
                        await waitUntil(() => queryFirst(".o_select_menu_item"), {
                            timeout: 10000,
                        });
                        await click(".o_select_menu_item");
                        await waitUntil(() => !queryFirst(".o_select_menu_item"), {
                            timeout: 10000,
                        });
                    }
                }
                const consentDate = queryFirst(
                    `${dialog} .o_field_widget[name=data_consent_date] input`
                );
                if (consentDate) {
                    await edit(formatDate(DateTime.now()), consentDate);
                }
                await edit(
                    "已与离职人员面谈并记录。",
                    `${dialog} .o_field_widget[name=duty_notes] textarea`
                );
                await click(`${dialog} .modal-footer .btn-primary`);
                await waitUntil(() => !queryFirst(WIZARD), { timeout: 20000 });
            }
            await waitUntil(
                () => queryFirst(`${tickable} button[name=action_mark_done]:enabled`),
                { timeout: 20000 }
            );
            await click(`${tickable}:first button[name=action_mark_done]`);
            await waitUntil(() => queryAll(tickable).length === left - 1, {
                timeout: 20000,
            });
        },
    };
}

/** Tick, one step each, up to `count` items (see recordAndTickOne). */
function recordAndTickEach(content, count = 6) {
    return Array.from({ length: count }, (_, index) =>
        recordAndTickOne(`${content} (${index + 1})`)
    );
}

// HR: from the employee form, start the handover and set the last working day.
addTour("start", () => [
    {
        content: "Start the client handover of the employee",
        trigger: `${FORM} .o_form_statusbar button[name=action_start_client_handover]`,
        run: "click",
    },
    stageIs("draft"),
    {
        content: "The customers of the employee are listed",
        trigger: `${LINES} .o_data_row:contains(Alpha Trading)`,
    },
    {
        content: "Set the last working day",
        trigger: `${FORM} .o_field_widget[name=last_working_date] input`,
        run: `edit ${formatDate(DateTime.now().plus({ days: 30 }))}`,
    },
    {
        content: "Give the reason",
        trigger: `${FORM} .o_field_widget[name=reason] textarea`,
        run: "edit 个人创业，离开公司。",
    },
    ...saveForm(),
]);

// HR administrator: register the departure of an employee from the employee
// form (the cog menu's Archive), with the Client Handover option the dialog
// ticks for a salesperson who owns customers; the employee's handover starts
// and opens.
addTour("register_departure", () => [
    {
    content: "Open the actions of the employee",
    trigger: `${FORM} .o_cp_action_menus button:has(.fa-cog)`,
    run: "click",
    },
    {
    content: "Archive: register the departure",
    trigger: ".o_menu_item:has(.oi-archive)",
    run: "click",
    },
    {
    content: "The dialog proposes the client handover",
    trigger: `${WIZARD} .o_field_widget[name=start_client_handover] input:checked`,
    },
    {
    content: "The departure date is today's (the dialog's default)",
    trigger: `${WIZARD} .o_field_widget[name=departure_date] button`,
    },
    {
    content: "Register the departure",
    trigger: `${WIZARD} .modal-footer button[name=action_register_departure]`,
    run: "click",
    },
    {
    content: "The dialog opens the handover it started",
    trigger: `body:not(:has(${WIZARD})) ${LINES}`,
    },
    stageIs("draft"),
    {
    content: "The customers of the employee are listed",
    trigger: `${LINES} .o_data_row:contains(Delta Steel)`,
    },
    // The employee leaves today: the supervisor signs in their place (代签).
    clickHeaderButton(
        "action_allow_departure",
        "Allow Early Departure (Supervisor Signs)"
    ),
    {
        content: "Yes, let them leave before the handover ends",
        trigger: `${WIZARD} .modal-footer .btn-primary`,
        run: "click",
    },
    {
        content: "Allowed: the button is gone",
        trigger: `body:not(:has(${WIZARD})) ${FORM} .o_statusbar_buttons:not(:has(button[name=action_allow_departure]))`,
    },
    noErrorDialog("Allowing the early departure shows no error"),
]);

// Departing employee: add the new customer, split the customers between two
// successors and submit the plan.
addTour("plan", () => [
    stageIs("draft"),
    clickHeaderButton("action_generate_lines", "Look for customers added since"),
    {
        content: "The new customer is added",
        trigger: `${LINES} .o_data_row:contains(Eta Logistics)`,
    },
    clickHeaderButton("action_open_assign_successors", "Assign successors"),
    {
        content: "Split the customers across several successors",
        trigger: `${WIZARD} .o_field_widget[name=mode] input[data-value=split]`,
        run: "click",
    },
    ...pick(
        "Add the first successor",
        `${WIZARD} .o_field_widget[name=successor_ids] input`,
        "Alan",
        "Alan Successor",
        WIZARD
    ),
    ...pick(
        "Add the second successor",
        `${WIZARD} .o_field_widget[name=successor_ids] input`,
        "Bea",
        "Bea Successor",
        WIZARD
    ),
    {
        content: "Show the resulting portfolios",
        trigger: `${WIZARD} .o_notebook .nav-link[name=preview]`,
        run: "click",
    },
    {
        content: "Each successor receives a portfolio",
        trigger: `${WIZARD} .o_field_widget[name=preview_ids] .o_data_row:count(2)`,
    },
    {
        trigger: `${WIZARD} .o_field_widget[name=preview_ids] .o_data_row:contains(Alan Successor)`,
    },
    {
        trigger: `${WIZARD} .o_field_widget[name=preview_ids] .o_data_row:contains(Bea Successor)`,
    },
    {
        content: "Assign",
        trigger: `${WIZARD} .modal-footer button[name=action_assign]`,
        run: "click",
    },
    {
        content: "The customers have their successors",
        trigger: `body:not(:has(${WIZARD})) ${LINES} .o_data_row:contains(Bea Successor)`,
    },
    {
        trigger: `${LINES} .o_data_row:contains(Alan Successor)`,
    },
    // An item of my own on the checklist, beside the template's.
    ...openTab("checklist"),
    {
        content: "Add an item of my own to the checklist",
        trigger: `${ITEMS} .o_field_x2many_list_row_add a`,
        run: "click",
    },
    {
        content: "Describe it",
        trigger: `${ITEMS} .o_selected_row .o_field_widget[name=name] input`,
        run: "edit 归还停车场门禁卡",
    },
    ...saveForm(),
    {
        content: "My item is on the checklist",
        trigger: `${ITEMS} .o_data_row td[name=name]:contains(归还停车场门禁卡)`,
    },
    clickHeaderButton("action_submit_plan", "Submit the plan"),
    stageIs("plan_review"),
]);

// The supervisor's and the division manager's decisions: one button each.
for (const [tour, button, nextState, content] of [
    ["complete_materials", "action_complete_materials", "visits", "Supervisor: materials done"],
    ["complete_visits", "action_complete_visits", "verification", "Supervisor: visits done"],
    ["review_summary", "action_review_summary", "summary_approval", "Supervisor: summary fine"],
    ["approve_summary", "action_approve_summary", "done", "Division manager: approve summary"],
]) {
    addTour(tour, () => [clickHeaderButton(button, content), stageIs(nextState)]);
}

// Supervisor: read what the checklist changes from the template (the
// departing employee's own item), then pass the plan.
addTour("review_plan", () => [
    stageIs("plan_review"),
    ...openTab("checklist"),
    {
        content: "The changes from the template are shown, the item added among them",
        trigger: `${FORM} div[name=template_changes] .o_field_widget[name=template_changes] li:contains(归还停车场门禁卡)`,
    },
    clickHeaderButton("action_review_plan", "Supervisor: the plan is fine"),
    stageIs("plan_approval"),
]);

// Supervisor: send the plan back to the departing employee, with the reason.
addTour("refuse_plan", () => [
    stageIs("plan_review"),
    clickHeaderButton("action_open_refuse", "Refuse the plan"),
    {
    content: "Say what must change",
    trigger: `${WIZARD} .o_field_widget[name=reason] textarea`,
    run: "edit 请在计划中注明每位客户的未结商机。",
    },
    {
    content: "Refuse",
    trigger: `${WIZARD} .modal-footer button[name=action_refuse]`,
    run: "click",
    },
    {
    content: "The plan is back in draft",
    trigger: `body:not(:has(${WIZARD})) ${FORM} .o_statusbar_status button[data-value=draft][aria-checked=true]`,
    },
]);

// Departing employee: the refusal left an activity; open the handover from it
// and submit the plan again.
addTour("resubmit_plan", () => [
    ...openFromMyActivities(),
    stageIs("draft"),
    clickHeaderButton("action_submit_plan", "Submit the plan again"),
    stageIs("plan_review"),
]);

// Departing employee: one customer cannot be visited; ask the supervisor to
// waive the visit, with the reason.
addTour("request_waiver", () => [
    stageIs("visits"),
    ...openTab("visits"),
    {
    content: "Request a waiver of the first customer's visit",
    trigger: `${LINES} .o_data_row:first button[name=action_request_waiver]`,
    run: "click",
    },
    {
    content: "Say why the customer cannot be visited",
    trigger: `${WIZARD} .o_field_widget[name=reason] textarea`,
    run: "edit 客户已迁往外地，改为视频会议交接。",
    },
    {
    content: "Send the request",
    trigger: `${WIZARD} .modal-footer button[name=action_confirm]`,
    run: "click",
    },
    {
    content: "Nobody confirms that visit any more: it awaits the supervisor",
    trigger: `body:not(:has(${WIZARD})) ${LINES} .o_data_row:first:not(:has(button[name=action_confirm_visit])):not(:has(button[name=action_request_waiver]))`,
    },
]);

// Supervisor: the request left an activity; open the handover from it and
// approve the waiver.
addTour("approve_waiver", () => [
    ...openFromMyActivities(),
    stageIs("visits"),
    ...openTab("visits"),
    {
    content: "Approve the waiver",
    trigger: `${LINES} .o_data_row button[name=action_approve_waiver]`,
    run: "click",
    },
    {
    content: "No waiver is left to decide",
    trigger: `${LINES}:not(:has(button[name=action_approve_waiver]))`,
    },
]);

// Division manager: open the handover from the approval activity and approve
// the plan.
addTour("approve_plan", () => [
    ...openFromMyActivities(),
    stageIs("plan_approval"),
    clickHeaderButton("action_approve_plan", "Division manager: approve the plan"),
    stageIs("materials"),
]);

// Successor: confirm receiving the materials of their customers, then sign.
addTour("materials_successor", () => [
    stageIs("materials"),
    ...openTab("materials"),
    clickEach(
        `${LINES} .o_data_row button[name=action_confirm_materials]`,
        "Confirm receiving the materials of each of my customers"
    ),
    ...signSteps(),
]);

// Departing employee: tick the checklist, then sign the materials handover.
addTour("materials_departing", () => [
    stageIs("materials"),
    ...openTab("checklist"),
    clickEach(
        `${FORM} .o_field_widget[name=item_ids] .o_data_row button[name=action_mark_done]`,
        "Mark each checklist item done"
    ),
    ...signSteps(),
]);

// Witness: confirm receiving the checklist items the template asks a receiver
// to confirm, then sign the materials handover.
addTour("materials_witness", () => [
    stageIs("materials"),
    ...openTab("checklist"),
    clickEach(
        `${FORM} .o_field_widget[name=item_ids] .o_data_row button[name=action_confirm]`,
        "Confirm receiving each item to confirm"
    ),
    ...signSteps(),
]);

// Anyone who only signs the current stage (witness, successors on the summary).
addTour("sign", () => [{ trigger: `${FORM} .o_statusbar_status` }, ...signSteps()]);

/**
 * Record the first visit still to confirm, if any is left: when it took place
 * (today), where and the contact met, typed in its row, then Confirm Visit
 * (which saves the row first).
 */
function recordAndConfirmOneVisit(content) {
    const toConfirm = `${LINES} .o_data_row:has(button[name=action_confirm_visit]):visible`;
    const selected = `${LINES} .o_selected_row`;
    return {
        content,
        trigger: LINES,
        // A row saved and a button, each reloading the form, on a busy machine.
        timeout: 60000,
        async run({ click, edit, queryAll, queryFirst, waitUntil }) {
            const left = queryAll(toConfirm).length;
            if (!left) {
                return;
            }
            await click(queryAll(toConfirm)[0].querySelector("td[name=visit_place]"));
            await waitUntil(() => queryFirst(`${selected} .o_field_widget[name=visit_place] input`), {
                timeout: 20000,
            });
            await edit(
                formatDate(DateTime.now()),
                `${selected} .o_field_widget[name=visit_date] input`
            );
            await edit("客户办公室", `${selected} .o_field_widget[name=visit_place] input`);
            await edit("采购部经理", `${selected} .o_field_widget[name=visit_contact] input`);
            await click(`${selected} button[name=action_confirm_visit]`);
            await waitUntil(
                () =>
                    queryAll(toConfirm).length === left - 1 &&
                    !queryFirst(`${LINES} button[name=action_confirm_visit]:disabled`),
                { timeout: 20000 }
            );
        },
    };
}

// Successor: open the handover from the visit activity; for each visit, type
// when and where it took place and the contact met, and confirm it.
addTour("visits", () => [
    ...openFromMyActivities(),
    stageIs("visits"),
    ...openTab("visits"),
    ...Array.from({ length: 5 }, (_, index) =>
        recordAndConfirmOneVisit(`Record and confirm each of my visits (${index + 1})`)
    ),
    {
        content: "No visit of mine is left to confirm",
        trigger: `${LINES}:not(:has(button[name=action_confirm_visit]))`,
    },
    {
        content: "Each visit says where it took place",
        trigger: `${LINES} .o_data_row td[name=visit_place]:contains(客户办公室)`,
    },
    noErrorDialog("Recording the visits shows no error"),
]);

// Departing employee: confirm each visit the successor recorded.
addTour("visits_confirm", () => [
    stageIs("visits"),
    ...openTab("visits"),
    clickEach(
        `${LINES} .o_data_row button[name=action_confirm_visit]`,
        "Confirm each visit"
    ),
]);

// Witness: once every customer is visited, open the handover from the activity
// that asks to confirm the visits, confirm them and sign the visit sheet.
addTour("witness_visits", () => [
    ...openFromMyActivities(),
    stageIs("visits"),
    clickHeaderButton("action_witness_visits", "Witness: the visits took place"),
    {
        content: "The witness's confirmation is recorded",
        trigger: `${FORM} .o_statusbar_buttons:not(:has(button[name=action_witness_visits]))`,
    },
    ...signSteps(),
]);

// Witness: add a customer to the sample, call them all, sign the phone check
// found true (属实后签字), complete the verification and sign the summary that
// opens.
addTour("verification", () => [
    stageIs("verification"),
    ...openTab("verification"),
    {
        content: "Add one more customer to the sample",
        trigger: `${LINES} .o_data_row button[name=action_toggle_spot_check]`,
        run: "click",
    },
    {
        content: "Four customers to call",
        trigger: `${LINES} .o_data_row ${CONFIRMED_CALL}:count(4)`,
    },
    {
        content: "Open the first call",
        trigger: `${LINES} .o_data_row:has(button[name=action_set_check_result]) td[name=check_notes]`,
        run: "click",
    },
    {
        content: "Write what the customer said",
        trigger: `${LINES} .o_selected_row .o_field_widget[name=check_notes] textarea`,
        run: "edit 客户认识新的客户经理，也有其电话号码。",
    },
    clickEach(
        `${LINES} .o_data_row ${CONFIRMED_CALL}`,
        "Record a confirmed call for each customer of the sample"
    ),
    ...signSteps(),
    clickHeaderButton("action_complete_verification", "Complete the verification"),
    stageIs("summary"),
    ...signSteps(),
]);

// Departing employee: write the summary in the editor, sign and submit it.
addTour("summary", () => [
    stageIs("summary"),
    ...openTab("summary"),
    {
        content: "Focus the summary editor",
        trigger: `${FORM} .o_field_html[name=summary] .odoo-editor-editable`,
        run: "click",
    },
    // Every section the template gives is written (the summary gate refuses
    // one left empty or as the template wrote it).
    ...[
        ["who received which customers", "各接交人接收了哪些客户", "每位客户都在联合拜访中见到了新的客户经理。"],
        ["the open matters and risks", "未结业务、客户投诉、待收款项", "无未结业务，无客户投诉，无待收款项。"],
        ["what the customers said", "客户的反馈", "客户均认识新的客户经理，电话核查属实。"],
        ["what the successors must watch", "接交人在接下来几周需要关注的事项", "接交人下月回访每位客户。"],
    ].flatMap(([what, guidance, text]) => [
        {
            content: `Write ${what}`,
            trigger: `${FORM} .o_field_html[name=summary] .odoo-editor-editable p:contains(${guidance})`,
            run: `editor ${text}`,
        },
        // Saved section by section: edits made in a row, faster than the
        // editor commits them, are lost.
        ...saveForm(),
        {
            content: `The summary keeps ${what}`,
            trigger: `${FORM} .o_field_html[name=summary] .odoo-editor-editable p:contains(${text})`,
        },
    ]),
    ...signSteps(),
    clickHeaderButton("action_submit_summary", "Submit the summary"),
    stageIs("summary_review"),
]);

// Successor: on the customer form, they are the salesperson now.
addTour("customer", () => [
    {
        content: "Open the sales tab of the customer",
        trigger: `${FORM} .o_notebook .nav-link[name=sales_purchases]`,
        run: "click",
    },
    {
        content: "I am the salesperson of the customer",
        trigger: `${FORM} .o_field_widget[name=user_id] input:value(${user.name})`,
    },
]);

// The documents filed when the stages ended: the signed plan, the visit sheet and
// the summary report (their files end with the kind).
const FILED_KINDS = ["plan", "visits", "summary"];
const filedFile = (kind) =>
    `.o-mail-AttachmentBox .o-mail-AttachmentContainer[title$='_${kind}.pdf']`;

/**
 * Open each filed document of `kinds` from the chatter: each shows in the viewer
 * and nothing asks for an error.
 */
function openFiledDocuments(kinds) {
    return [
        {
            content: "Open the files of the handover",
            trigger: ".o-mail-Chatter-attachFiles",
            run: "click",
        },
        ...kinds.flatMap((kind) => [
            {
                content: `The filed ${kind} is among the files`,
                trigger: filedFile(kind),
                run: "click",
            },
            {
                content: `The filed ${kind} opens in the viewer`,
                trigger: ".o-FileViewer iframe.o-FileViewer-view",
            },
            noErrorDialog(`Opening the filed ${kind} shows no error`),
            {
                content: "Close the viewer",
                trigger: ".o-FileViewer-header .o-FileViewer-headerButton:has(.fa-times)",
                run: "click",
            },
            {
                content: "The viewer is closed",
                trigger: "body:not(:has(.o-FileViewer))",
            },
        ]),
    ];
}

// A participant opens the handover while its visits run: the plan filed when the
// materials stage ended shows its preview, which the chatter asked the server to
// store, and opens in the viewer, without an error.
addTour("filed_plan", () => [
    stageIs("visits"),
    ...openFiledDocuments(["plan"]),
    {
        content: "The filed plan shows its preview (stored by the server)",
        trigger: `${filedFile("plan")} .o-mail-AttachmentCard img`,
    },
    noErrorDialog("The handover with its filed plan shows no error"),
]);

// Whoever reads the done handover opens each filed document from the chatter.
addTour("filed_documents", () => [
    stageIs("done"),
    ...openFiledDocuments(FILED_KINDS),
    noErrorDialog("The handover with its filed documents shows no error"),
]);

// HR opens each filed document from the Filed Documents menu (from the app).
addTour("filed_documents_menu", () => {
    const selector = ".o_list_view .o_data_row button[name=action_open]";
    // The browser opens each document in a tab of its own: read what it opens.
    const opened = [];
    return [
        {
            content: "Open the Reporting menu",
            trigger:
                ".o_main_navbar [data-menu-xmlid='hr_client_handover.hr_client_handover_menu_reporting']",
            run: "click",
        },
        {
            content: "Open the Filed Documents",
            trigger: "[data-menu-xmlid='hr_client_handover.hr_client_handover_document_menu']",
            run: "click",
        },
        {
            content: "Every filed document is listed",
            trigger: selector,
            run({ queryAll }) {
                const count = queryAll(selector).length;
                if (count !== FILED_KINDS.length) {
                    throw new Error(`${count} filed documents listed`);
                }
            },
        },
        ...FILED_KINDS.map((kind, index) => ({
            content: `Open filed document ${index + 1}: the browser opens it`,
            trigger: selector,
            // A call-button round on a busy machine.
            timeout: 60000,
            async run({ click, queryAll, waitUntil }) {
                const open = browser.open;
                browser.open = (url) => {
                    opened.push(url);
                    return { closed: false };
                };
                // While a button runs, the list disables its buttons, and the
                // reload after it renders the rows anew: a click on a disabled
                // or replaced button does nothing. Click the row's button as it
                // is now, once it is enabled, until the document opens.
                const deadline = Date.now() + 50000;
                try {
                    while (opened.length <= index) {
                        if (Date.now() > deadline) {
                            throw new Error(`Filed document ${index + 1} did not open`);
                        }
                        const button = await waitUntil(
                            () => {
                                const current = queryAll(selector)[index];
                                return current && !current.disabled && current;
                            },
                            { timeout: 5000 }
                        ).catch(() => null);
                        // A click still running may have opened it meanwhile.
                        if (button && opened.length <= index) {
                            await click(button);
                        }
                        await waitUntil(() => opened.length > index, {
                            timeout: 5000,
                        }).catch(() => null);
                    }
                } finally {
                    browser.open = open;
                }
            },
        })),
        {
            content: "Each document opened is the filed PDF",
            trigger: selector,
            timeout: 60000,
            async run() {
                if (opened.length !== FILED_KINDS.length) {
                    throw new Error(`${opened.length} documents opened`);
                }
                for (const url of opened) {
                    const response = await fetch(url);
                    const content = await response.text();
                    if (!response.ok || !content.startsWith("%PDF")) {
                        throw new Error(`${url} did not open a PDF (${response.status})`);
                    }
                }
            },
        },
        noErrorDialog("Opening the filed documents shows no error"),
    ];
});

// Supervisor: the plan leaves out a customer the departing employee still owns;
// they justify it in the tab 'Customers Not Handed Over' (the plan prints it).
addTour("justify_omission", () => [
    stageIs("plan_review"),
    ...openTab("omissions"),
    {
        content: "The tab warns of a customer left out",
        trigger: `${FORM} .o_notebook .alert-warning`,
    },
    {
        content: "It names the customer",
        trigger: `${FORM} .o_field_widget[name=omitted_partner_ids] .o_tag:contains(Zeta Retail)`,
    },
    {
        content: "Justify a customer",
        trigger: `${OMISSIONS} .o_field_x2many_list_row_add a`,
        run: "click",
    },
    ...pick(
        "Choose the customer",
        `${OMISSIONS} .o_selected_row .o_field_widget[name=partner_id] input`,
        "Zeta",
        "Zeta Retail"
    ),
    {
        content: "Say why it is not handed over",
        trigger: `${OMISSIONS} .o_selected_row .o_field_widget[name=reason] textarea`,
        run: "edit 客户已停业清算，无需交接。",
    },
    ...saveForm(),
    {
        content: "The justification names me; no warning, nothing is left out any more",
        trigger: `${FORM} .o_notebook:not(:has(.alert-warning)):not(:has(.o_field_widget[name=omitted_partner_ids])) .o_field_widget[name=omission_ids] .o_data_row td[name=justified_by_id]:contains(${user.name})`,
    },
    noErrorDialog("Justifying the customer shows no error"),
]);

// Successor: confirm receiving the materials of their customers (they sign later).
addTour("materials_confirm", () => [
    stageIs("materials"),
    ...openTab("materials"),
    clickEach(
        `${LINES} .o_data_row button[name=action_confirm_materials]`,
        "Confirm receiving the materials of each of my customers"
    ),
]);

// Supervisor: a customer's files are incomplete; send the confirmed materials
// back to the successor with the reason.
addTour("send_back_materials", () => {
    let customer = "";
    const rowOf = (queryAll) =>
        queryAll(`${LINES} .o_data_row`).find(
            (row) => row.querySelector("td[name=partner_id]").textContent.trim() === customer
        );
    return [
        stageIs("materials"),
        ...openTab("materials"),
        {
            content: "Send the materials of a confirmed customer back",
            trigger: `${LINES} .o_data_row button[name=action_send_back_materials]`,
            async run({ anchor, click }) {
                customer = anchor
                    .closest(".o_data_row")
                    .querySelector("td[name=partner_id]")
                    .textContent.trim();
                await click();
            },
        },
        {
            content: "Say what is missing",
            trigger: `${WIZARD} .o_field_widget[name=reason] textarea`,
            run: "edit 缺少框架合同原件，请补齐后重新确认。",
        },
        {
            content: "Send them back",
            trigger: `${WIZARD} .modal-footer button[name=action_confirm]`,
            run: "click",
        },
        {
            content: "The customer's materials wait for the successor again",
            trigger: `body:not(:has(${WIZARD})) ${LINES} .o_data_row`,
            async run({ queryAll, waitUntil }) {
                await waitUntil(() => {
                    const row = rowOf(queryAll);
                    return (
                        row &&
                        !row.querySelector("button[name=action_send_back_materials]") &&
                        !row.querySelector("td[name=materials_confirmed_by_id]").textContent.trim()
                    );
                }, { timeout: 20000 });
            },
        },
        noErrorDialog("Sending the materials back shows no error"),
    ];
});

// Supervisor: the departure duties due by the last working day (the exit
// interview, the care talk, the equipment check), each recorded, then ticked.
addTour("duties", () => [
    stageIs("materials"),
    ...openTab("checklist"),
    ...recordAndTickEach("Record and tick each of my duties"),
    {
        content: "Nothing is left for me to tick",
        trigger: `${ITEMS}:not(:has(button[name=action_mark_done]))`,
    },
    noErrorDialog("Recording the duties shows no error"),
]);

// Supervisor, once the employee has left: the checklist part due after the
// departure (the personal data, the team review), then Confirm Departure.
addTour("after_departure", () => [
    stageIs("summary_approval"),
    ...openTab("checklist"),
    ...recordAndTickEach("Record and tick each of my items due after the departure"),
    {
        content: "Nothing is left for me to tick",
        trigger: `${ITEMS}:not(:has(button[name=action_mark_done]))`,
    },
    clickHeaderButton("action_confirm_departure", "Confirm the departure"),
    {
        content: "Yes, the employee has left",
        trigger: ".modal .modal-footer .btn-primary",
        run: "click",
    },
    {
        content: "Confirmed: the button is gone",
        trigger: `body:not(:has(.modal)) ${FORM} .o_statusbar_buttons:not(:has(button[name=action_confirm_departure]))`,
    },
    ...openTab("sign_off"),
    {
        content: "The confirmation is recorded with my name and its time",
        trigger: `${FORM} .o_field_widget[name=departure_confirmed_by_id]:contains(${user.name})`,
    },
    {
        trigger: `${FORM} .o_field_widget[name=departure_confirmed_on] span:not(:empty)`,
    },
    noErrorDialog("Confirming the departure shows no error"),
]);

// Supervisor: the materials of a customer came incomplete; record it in the
// incident register (违规处理), the departing employee accountable.
addTour("incident", () => [
    stageIs("materials"),
    ...openTab("incidents"),
    {
        content: "Record an incident",
        trigger: `${INCIDENTS} .o_field_x2many_list_row_add a`,
        run: "click",
    },
    {
        content: "Its kind: a late handover (the first of the list)",
        trigger: `${INCIDENTS} .o_selected_row .o_field_widget[name=kind] .o_select_menu_toggler`,
        run: "click",
    },
    {
        trigger: ".o_select_menu_item:first",
        run: "click",
    },
    {
        content: "Say what happened",
        trigger: `${INCIDENTS} .o_selected_row .o_field_widget[name=description] textarea`,
        run: "edit 交接资料不完整：缺少框架合同原件，未能按期移交。",
    },
    ...pick(
        "Who is accountable",
        `${INCIDENTS} .o_selected_row .o_field_widget[name=accountable_user_id] input`,
        "Dora",
        "Dora Departing"
    ),
    ...saveForm(),
    {
        content: "The incident is listed, with the person accountable and their department",
        trigger: `${INCIDENTS} .o_data_row:has(td[name=accountable_user_id]:contains(Dora Departing)) td[name=department_id]:contains(Field Sales)`,
    },
    noErrorDialog("Recording the incident shows no error"),
]);

// Countersigner (HR in place of the departments the settings do not name):
// open the handover from the activity that asks to countersign, countersign
// each done item waiting for me (会签).
addTour("countersign", () => [
    ...openFromMyActivities(),
    stageIs("summary_approval"),
    ...openTab("checklist"),
    clickEach(
        `${ITEMS} .o_data_row button[name=action_countersign]`,
        "Countersign each item waiting for me"
    ),
    {
        content: "Nothing is left for me to countersign",
        trigger: `${ITEMS}:not(:has(button[name=action_countersign]))`,
    },
    noErrorDialog("Countersigning shows no error"),
]);

// HR: the incident register lists the incident by person and department.
addTour("incidents_menu", () => [
    {
        content: "Open the Reporting menu",
        trigger:
            ".o_main_navbar [data-menu-xmlid='hr_client_handover.hr_client_handover_menu_reporting']",
        run: "click",
    },
    {
        content: "Open the Incidents",
        trigger: "[data-menu-xmlid='hr_client_handover.hr_client_handover_incident_menu']",
        run: "click",
    },
    {
        content: "Open the person accountable",
        trigger: ".o_list_view .o_group_header:contains(Dora Departing)",
        run: "click",
    },
    {
        content: "Open their department",
        trigger: ".o_list_view .o_group_header:contains(Field Sales)",
        run: "click",
    },
    {
        content: "The incident is listed",
        trigger: ".o_list_view .o_data_row td[name=description]:contains(框架合同)",
    },
    noErrorDialog("The incident register shows no error"),
]);

// HR administrator: archiving a salesperson who still owns customers is
// refused, with the way forward; Hand Everything To… from the refusal, to one
// successor, with the reason.
addTour("hand_everything", () => [
    {
        content: "Open the actions of the user",
        trigger: `${FORM} .o_cp_action_menus button:has(.fa-cog)`,
        run: "click",
    },
    {
        content: "Archive the user",
        trigger: ".o_menu_item:has(.oi-archive)",
        run: "click",
    },
    {
        content: "Yes, archive",
        trigger: `${WIZARD} .modal-footer .btn-primary`,
        run: "click",
    },
    {
        content: "Refused: the customers would be left behind; the way forward is offered",
        trigger: `${WIZARD} .o_error_dialog .modal-footer .btn-primary`,
        run: "click",
    },
    ...pick(
        "Hand everything to Alan",
        `${WIZARD} .o_field_widget[name=successor_id] input`,
        "Alan",
        "Alan Successor",
        WIZARD
    ),
    {
        content: "Say why",
        trigger: `${WIZARD} .o_field_widget[name=reason] textarea`,
        run: "edit 离职当天未做交接，全部客户交给同一接交人。",
    },
    {
        content: "Hand everything",
        trigger: `${WIZARD} .modal-footer button[name=action_hand_everything]`,
        run: "click",
    },
    {
        content: "The handover that moved everything is done",
        trigger: `body:not(:has(${WIZARD})) ${FORM} .o_statusbar_status button[data-value=done][aria-checked=true]`,
    },
    noErrorDialog("Handing everything shows no error"),
]);
