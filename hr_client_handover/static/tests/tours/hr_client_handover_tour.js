/**
 * The client handover in the browser, one tour per actor and stage.
 *
 * tests/test_ui_tour.py runs these tours one after the other, each logged in as
 * the person who acts, and checks the database between two tours. The people
 * and customers named here come from the test's data (tests/common.py). Every
 * tour starts on the handover form, except the first (on the employee form) and
 * the last (on the customer form).
 */
import { formatDate } from "@web/core/l10n/dates";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";

const { DateTime } = luxon;

const tours = registry.category("web_tour.tours");

const FORM = ".o_form_view";
const LINES = `${FORM} .o_field_widget[name=line_ids]`;
const SIGNATURES = `${FORM} .o_field_widget[name=signature_ids]`;
const WIZARD = ".modal";
// The "Confirmed" button of a phone check (an icon, beside "Problem" and
// "Unreachable", which are the same method with another result).
const CONFIRMED_CALL = "button[name=action_set_check_result]:has(.fa-check)";

function stageIs(state) {
    return {
        content: `The handover is in the stage '${state}'`,
        trigger: `${FORM} .o_statusbar_status button[data-value=${state}][aria-checked=true]`,
    };
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

/** Sign the one signature line of the current user that is open for signing. */
function signSteps() {
    // The signature cell of a line still open for signing by the current user.
    const mySignature = ".o_data_row td[name=signature]:not(.o_readonly_modifier)";
    return [
        ...openTab("sign_off"),
        {
            content: "Select my signature line",
            trigger: `${SIGNATURES} ${mySignature}`,
            run: "click",
        },
        {
            content: "Open the signature dialog",
            trigger: `${SIGNATURES} .o_selected_row td[name=signature] .o_signature_empty`,
            run: "click",
        },
        {
            content: "The signature shows my name (Auto mode)",
            trigger: `${WIZARD} canvas.o_web_sign_signature`,
            run: "canvasNotEmpty",
        },
        {
            content: "Adopt and sign",
            trigger: `${WIZARD} .modal-footer .btn-primary:enabled`,
            run: "click",
        },
        {
            content: "The signature is in my line",
            trigger: `body:not(:has(${WIZARD})) ${SIGNATURES} .o_selected_row img.o_signature`,
        },
        ...saveForm(),
        {
            content: "Signed: nothing is left for me to sign",
            trigger: `${SIGNATURES}:not(:has(${mySignature}))`,
        },
    ];
}

// HR: from the employee form, start the handover and set the last working day.
tours.add("hr_client_handover_tour_start", {
    steps: () => [
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
            trigger: `${FORM} .o_field_widget[name=last_working_day] input`,
            run: `edit ${formatDate(DateTime.now().plus({ days: 30 }))}`,
        },
        {
            content: "Give the reason",
            trigger: `${FORM} .o_field_widget[name=reason] textarea`,
            run: "edit Leaves the company to start her own business.",
        },
        ...saveForm(),
    ],
});

// Departing employee: add the new customer, split the customers between two
// successors and submit the plan.
tours.add("hr_client_handover_tour_plan", {
    steps: () => [
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
        {
            content: "Add the first successor",
            trigger: `${WIZARD} .o_field_widget[name=successor_ids] input`,
            run: "fill Alan",
        },
        {
            trigger: `${WIZARD} .o-autocomplete--dropdown-item:contains(Alan Successor)`,
            run: "click",
        },
        {
            content: "Add the second successor",
            trigger: `${WIZARD} .o_field_widget[name=successor_ids] input`,
            run: "fill Bea",
        },
        {
            trigger: `${WIZARD} .o-autocomplete--dropdown-item:contains(Bea Successor)`,
            run: "click",
        },
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
        clickHeaderButton("action_submit_plan", "Submit the plan"),
        stageIs("plan_review"),
    ],
});

// The supervisor's and the division manager's decisions: one button each.
for (const [tour, button, nextState, content] of [
    ["review_plan", "action_review_plan", "plan_approval", "Supervisor: the plan is fine"],
    ["approve_plan", "action_approve_plan", "materials", "Division manager: approve the plan"],
    ["complete_materials", "action_complete_materials", "visits", "Supervisor: materials done"],
    ["complete_visits", "action_complete_visits", "verification", "Supervisor: visits done"],
    ["review_summary", "action_review_summary", "summary_approval", "Supervisor: summary fine"],
    ["approve_summary", "action_approve_summary", "done", "Division manager: approve summary"],
]) {
    tours.add(`hr_client_handover_tour_${tour}`, {
        steps: () => [clickHeaderButton(button, content), stageIs(nextState)],
    });
}

// Successor: confirm receiving the materials of their customers, then sign.
tours.add("hr_client_handover_tour_materials_successor", {
    steps: () => [
        stageIs("materials"),
        ...openTab("materials"),
        clickEach(
            `${LINES} .o_data_row button[name=action_confirm_materials]`,
            "Confirm receiving the materials of each of my customers"
        ),
        ...signSteps(),
    ],
});

// Departing employee: tick the checklist, then sign the materials handover.
tours.add("hr_client_handover_tour_materials_departing", {
    steps: () => [
        stageIs("materials"),
        ...openTab("checklist"),
        clickEach(
            `${FORM} .o_field_widget[name=item_ids] .o_data_row button[name=action_mark_done]`,
            "Mark each checklist item done"
        ),
        ...signSteps(),
    ],
});

// Witness: confirm receiving the checklist items the template asks a receiver
// to confirm, then sign the materials handover.
tours.add("hr_client_handover_tour_materials_witness", {
    steps: () => [
        stageIs("materials"),
        ...openTab("checklist"),
        clickEach(
            `${FORM} .o_field_widget[name=item_ids] .o_data_row button[name=action_confirm]`,
            "Confirm receiving each item to confirm"
        ),
        ...signSteps(),
    ],
});

// Anyone who only signs the current stage (witness, successors on the summary).
tours.add("hr_client_handover_tour_sign", {
    steps: () => [{ trigger: `${FORM} .o_statusbar_status` }, ...signSteps()],
});

// Successor: note the contact met, confirm each visit.
tours.add("hr_client_handover_tour_visits", {
    steps: () => [
        stageIs("visits"),
        ...openTab("visits"),
        {
            content: "Open my first visit",
            trigger: `${LINES} .o_data_row:has(button[name=action_confirm_visit]) td[name=visit_contact]`,
            run: "click",
        },
        {
            content: "Note who we met",
            trigger: `${LINES} .o_selected_row .o_field_widget[name=visit_contact] input`,
            run: "edit Head of purchasing",
        },
        clickEach(
            `${LINES} .o_data_row button[name=action_confirm_visit]`,
            "Confirm each visit"
        ),
    ],
});

// Departing employee: confirm each visit the successor recorded.
tours.add("hr_client_handover_tour_visits_confirm", {
    steps: () => [
        stageIs("visits"),
        ...openTab("visits"),
        clickEach(
            `${LINES} .o_data_row button[name=action_confirm_visit]`,
            "Confirm each visit"
        ),
    ],
});

// Witness: confirm the visits stage once every customer is visited.
tours.add("hr_client_handover_tour_witness_visits", {
    steps: () => [
        stageIs("visits"),
        clickHeaderButton("action_witness_visits", "Witness: the visits took place"),
        {
            content: "The witness's confirmation is recorded",
            trigger: `${FORM} .o_statusbar_buttons:not(:has(button[name=action_witness_visits]))`,
        },
    ],
});

// Witness: add a customer to the sample, call them all, complete the
// verification and sign the summary that opens.
tours.add("hr_client_handover_tour_verification", {
    steps: () => [
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
            run: "edit Knows their new account manager and has their phone number.",
        },
        clickEach(
            `${LINES} .o_data_row ${CONFIRMED_CALL}`,
            "Record a confirmed call for each customer of the sample"
        ),
        clickHeaderButton("action_complete_verification", "Complete the verification"),
        stageIs("summary"),
        ...signSteps(),
    ],
});

// Departing employee: write the summary in the editor, sign and submit it.
tours.add("hr_client_handover_tour_summary", {
    steps: () => [
        stageIs("summary"),
        ...openTab("summary"),
        {
            content: "Focus the summary editor",
            trigger: `${FORM} .o_field_html[name=summary] .odoo-editor-editable`,
            run: "click",
        },
        {
            content: "Write who received which customers",
            trigger: `${FORM} .o_field_html[name=summary] .odoo-editor-editable p:contains(Who received)`,
            run: "editor Every customer met their new account manager during a joint visit.",
        },
        ...saveForm(),
        ...signSteps(),
        clickHeaderButton("action_submit_summary", "Submit the summary"),
        stageIs("summary_review"),
    ],
});

// Successor: on the customer form, they are the salesperson now.
tours.add("hr_client_handover_tour_customer", {
    steps: () => [
        {
            content: "Open the sales tab of the customer",
            trigger: `${FORM} .o_notebook .nav-link[name=sales_purchases]`,
            run: "click",
        },
        {
            content: "I am the salesperson of the customer",
            trigger: `${FORM} .o_field_widget[name=user_id] input:value(${user.name})`,
        },
    ],
});
