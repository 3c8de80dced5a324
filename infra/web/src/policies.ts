// Reclaim policies: the tenant's policies with what their last evaluation found, a form to create one, preview (what it
// would do now), pause/resume and delete; then what they decided, by status, with approve/reject each and "approve all
// pending of this policy" (one bulk reclaim job, followed in the job panel).
import { Api, newKey, Policy, PolicyAction, PolicyActionPage, PolicyActionStatus, PolicyEvaluation, PolicyRequest, Settings } from "./api";
import { openJob } from "./bulk";
import { formatDate, groupNames, h, money, rendering } from "./dom";
import { problemBox } from "./problem";

const STATUSES: PolicyActionStatus[] = ["pending", "approved", "rejected", "done", "cancelled", "failed"];

interface State {
  status: PolicyActionStatus;
  cursor?: string;
  /** What the last decision did, shown again after the page reads the actions anew. */
  notice?: Node;
}

export async function policiesScreen(api: Api, root: HTMLElement, state: State = { status: "pending" }): Promise<void> {
  const done = rendering(root, "policies");
  let policies: Policy[];
  let products: string[];
  let actions: PolicyActionPage;
  let settings: Settings;
  try {
    const [list, overview, page, current] = await Promise.all([api.policies(), api.licenses(), api.policyActions(state.status, state.cursor), api.settings()]);
    policies = list;
    products = [...new Set(overview.products.map((p) => p.product))];
    actions = page;
    settings = current;
  } catch (e) {
    root.replaceChildren(h("h1", {}, "Reclaim policies"), problemBox(e));
    return done();
  }
  const reload = (next: State = state) => policiesScreen(api, root, next);
  const preview = h("div", { id: "policy-preview" });
  root.replaceChildren(
    h("h1", {}, "Reclaim policies"),
    h("p", { class: "note" }, "Evaluated after every completed org sync. report: records nothing (preview shows what it finds); "
      + "approve: proposes actions for you to approve below; auto: notifies the user, then reclaims after the grace days unless they are active again."),
    killSwitch(api, settings, () => reload()),
    policyTable(api, policies, preview, () => reload()),
    preview,
    createForm(api, products, policies.length === 0, () => reload()),
    actionList(api, actions, state, reload));
  done();
}

/** The tenant's kill switch (PUT /settings {policiesPaused}): stops every evaluation and due reclaim at once. */
function killSwitch(api: Api, settings: Settings, changed: () => void): HTMLElement {
  const messages = h("div", { class: "messages" });
  const paused = settings.policiesPaused;
  return h("div", { class: paused ? "warning" : "note", id: "policies-switch", "data-paused": String(paused) },
    paused ? "Every policy is paused for this organization: nothing is evaluated or reclaimed. " : "Policies run after each completed sync. ",
    h("button", { type: "button", id: "toggle-all-policies", onclick: async (event: Event) => {
      (event.target as HTMLButtonElement).disabled = true;
      try {
        await api.putSettings({ policiesPaused: !paused });
        changed();
      } catch (e) {
        (event.target as HTMLButtonElement).disabled = false;
        messages.replaceChildren(problemBox(e));
      }
    } }, paused ? "Resume all policies" : "Pause all policies"),
    messages);
}

function condition(p: Policy): string {
  return p.condition.type === "inactive" ? `inactive for ≥ ${p.condition.days} days` : `never used ${p.condition.days} days after being added`;
}

/** PUT replaces the rules (fields left out take their defaults): the stored policy with the change. */
function requestOf(p: Policy, change: Partial<PolicyRequest>): PolicyRequest {
  return { name: p.name, products: p.products, condition: p.condition, excludeGroupIds: p.excludeGroupIds,
    excludeAccountIds: p.excludeAccountIds, mode: p.mode, graceDays: p.graceDays, maxReclaimsPerRun: p.maxReclaimsPerRun,
    paused: p.paused, ...change };
}

function policyTable(api: Api, policies: Policy[], preview: HTMLElement, changed: () => void): HTMLElement {
  if (policies.length === 0) {
    return h("p", { class: "note", id: "no-policies" }, "No policy yet: create one below.");
  }
  return h("table", { class: "policies", id: "policies" },
    h("thead", {}, h("tr", {}, h("th", {}, "Policy"), h("th", {}, "Rule"), h("th", {}, "Mode"), h("th", {}, "Last evaluation"), h("th", {}, ""))),
    h("tbody", {}, policies.map((p) => {
      const messages = h("div", { class: "messages" });
      const fail = (e: unknown) => messages.replaceChildren(problemBox(e));
      const e = p.lastEvaluation;
      // Delete asks twice on the button itself: no browser dialog to get stuck behind.
      const del = h("button", { type: "button", class: "delete danger" }, "Delete") as HTMLButtonElement;
      del.addEventListener("click", async () => {
        if (del.dataset.confirm !== "yes") {
          del.dataset.confirm = "yes";
          del.textContent = "Delete: its open actions are cancelled. Sure?";
          return;
        }
        del.disabled = true;
        try {
          await api.deletePolicy(p.id);
          changed();
        } catch (err) {
          del.disabled = false;
          fail(err);
        }
      });
      return h("tr", { "data-policy-id": p.id, "data-paused": String(p.paused) },
        h("td", {}, h("strong", {}, p.name), p.paused ? [" ", h("span", { class: "badge paused" }, "paused")] : null, h("br"),
          h("small", {}, p.products.join(", "))),
        h("td", {}, condition(p), h("br"), h("small", {},
          `at most ${p.maxReclaimsPerRun} a run · grace ${p.graceDays} days`,
          p.excludeGroupIds.length + p.excludeAccountIds.length > 0 ? ` · ${p.excludeGroupIds.length} group(s), ${p.excludeAccountIds.length} account(s) excluded` : "")),
        h("td", {}, h("span", { class: `badge mode-${p.mode}` }, p.mode)),
        h("td", {}, e ? [`${formatDate(e.at)} · ${e.outcome}`, h("br"), h("small", {},
          `${e.candidates} candidate(s) · ${e.actionsCreated} action(s) · ${e.reclaimed} reclaimed · ${e.cancelled} cancelled`)] : "not evaluated yet"),
        h("td", { class: "actions" },
          h("button", { type: "button", class: "preview", onclick: () => void showPreview(api, p, preview) }, "Preview"),
          h("button", { type: "button", class: "toggle", onclick: async (event: Event) => {
            (event.target as HTMLButtonElement).disabled = true;
            try {
              await api.updatePolicy(p.id, requestOf(p, { paused: !p.paused }));
              changed();
            } catch (err) {
              (event.target as HTMLButtonElement).disabled = false;
              fail(err);
            }
          } }, p.paused ? "Resume" : "Pause"),
          del, messages));
    })));
}

async function showPreview(api: Api, policy: Policy, box: HTMLElement): Promise<void> {
  box.replaceChildren(h("p", { class: "busy" }, `Previewing ${policy.name}…`));
  let evaluation: PolicyEvaluation;
  try {
    evaluation = await api.previewPolicy(policy.id);
  } catch (e) {
    box.replaceChildren(problemBox(e));
    return;
  }
  const seats = evaluation.candidates.reduce((n, c) => n + c.seatsFreed, 0);
  const cost = evaluation.candidates.reduce((n, c) => n + (c.monthlyCostFreed ?? 0), 0);
  const priced = evaluation.candidates.some((c) => c.monthlyCostFreed !== undefined);
  box.replaceChildren(h("section", { class: "card", "data-policy-id": policy.id, "data-candidates": evaluation.candidates.length },
    h("h2", {}, `Preview of ${policy.name}: what it would do now (nothing is written)`),
    h("p", {}, h("span", { id: "preview-candidates" }, evaluation.candidates.length), ` candidate(s) · ${seats} seat(s)`,
      priced ? ` · ${money(cost)}` : "", ` · ${evaluation.examined} user(s) examined`,
      evaluation.capped ? h("span", { class: "warning" }, ` · capped at ${policy.maxReclaimsPerRun} a run: more may follow`) : null,
      evaluation.outcome !== "evaluated" ? h("span", { class: "warning" }, ` · ${evaluation.outcome}`) : null),
    evaluation.candidates.length === 0 ? null : h("table", { class: "candidates" },
      h("thead", {}, h("tr", {}, h("th", {}, "User"), h("th", {}, "Product"), h("th", {}, "Last active"), h("th", {}, "Groups removed"), h("th", {}, "Frees"))),
      h("tbody", {}, evaluation.candidates.map((c) => h("tr", { "data-account-id": c.accountId },
        h("td", {}, c.name ?? c.accountId, h("br"), h("small", {}, c.email ?? "")), h("td", {}, c.productKey),
        h("td", {}, c.lastActive ? formatDate(c.lastActive) : "never"), h("td", { class: "groups-removed" }, groupNames(c.groups)),
        h("td", {}, `${c.seatsFreed} seat(s)`, c.monthlyCostFreed !== undefined ? ` · ${money(c.monthlyCostFreed)}` : ""))))),
    evaluation.skippedCount === 0 ? null : [
      h("h3", {}, `${evaluation.skippedCount} skipped`, evaluation.skipped.length < evaluation.skippedCount ? ` (the first ${evaluation.skipped.length})` : ""),
      h("ul", { class: "skipped" }, evaluation.skipped.map((s) => h("li", { "data-code": s.code },
        h("span", { class: "badge refused" }, s.code.replace(/_/g, " ")), ` ${s.name ?? s.accountId} (${s.productKey}) · ${s.reason}`)))]));
}

function list(value: string): string[] {
  return value.split(/[\s,]+/).filter((v) => v !== "");
}

function createForm(api: Api, products: string[], open: boolean, created: () => void): HTMLElement {
  const name = h("input", { name: "name", placeholder: "Inactive Jira seats" }) as HTMLInputElement;
  const productBoxes = products.map((key) => h("input", { type: "checkbox", name: "products", value: key }) as HTMLInputElement);
  const type = h("select", { name: "conditionType" }, h("option", { value: "inactive" }, "inactive for at least"),
    h("option", { value: "never_used" }, "never used, after being added for")) as HTMLSelectElement;
  const days = h("input", { name: "days", type: "number", min: 1, max: 3650, value: 90 }) as HTMLInputElement;
  const mode = h("select", { name: "mode" }, ["report", "approve", "auto"].map((m) => h("option", { value: m, selected: m === "approve" }, m))) as HTMLSelectElement;
  const grace = h("input", { name: "graceDays", type: "number", min: 0, max: 90, value: 14 }) as HTMLInputElement;
  const cap = h("input", { name: "maxReclaimsPerRun", type: "number", min: 1, max: 500, value: 50 }) as HTMLInputElement;
  const groups = h("input", { name: "excludeGroupIds", placeholder: "group ids, comma separated" }) as HTMLInputElement;
  const accounts = h("input", { name: "excludeAccountIds", placeholder: "account ids, comma separated" }) as HTMLInputElement;
  const paused = h("input", { type: "checkbox", name: "paused" }) as HTMLInputElement;
  const messages = h("div", { class: "messages" });
  // novalidate: the API checks the fields and names each one it refuses (400 invalid_policy), shown under the form.
  const form = h("form", { id: "policy-form", class: "policy-form", novalidate: true },
    h("label", {}, "Name ", name),
    h("fieldset", {}, h("legend", {}, "Products"), productBoxes.map((b) => h("label", {}, b, ` ${b.value}`)),
      products.length === 0 ? h("span", { class: "note" }, "no product synced yet") : null),
    h("label", {}, "Candidates: ", type, " ", days, " days"),
    h("label", {}, "Mode ", mode),
    h("label", {}, "Grace days (auto) ", grace),
    h("label", {}, "At most ", cap, " reclaims a run"),
    h("label", {}, "Exclude groups ", groups),
    h("label", {}, "Exclude accounts ", accounts),
    h("label", {}, paused, " created paused"),
    h("button", { type: "submit", class: "primary" }, "Create policy"),
    messages) as HTMLFormElement;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const request: PolicyRequest = {
      name: name.value.trim(),
      products: productBoxes.filter((b) => b.checked).map((b) => b.value),
      condition: { type: type.value as "inactive" | "never_used", days: Number(days.value) },
      mode: mode.value as Policy["mode"],
      graceDays: Number(grace.value),
      maxReclaimsPerRun: Number(cap.value),
      excludeGroupIds: list(groups.value),
      excludeAccountIds: list(accounts.value),
      paused: paused.checked,
    };
    try {
      await api.createPolicy(request);
      created();
    } catch (e) {
      messages.replaceChildren(problemBox(e));
    }
  });
  return h("details", { class: "card create-policy", open }, h("summary", {}, "Create a policy"), form);
}

function actionList(api: Api, page: PolicyActionPage, state: State,
  reload: (s?: State) => void): HTMLElement {
  const status = h("select", { id: "action-status", name: "status" },
    STATUSES.map((s) => h("option", { value: s, selected: s === state.status }, s))) as HTMLSelectElement;
  status.addEventListener("change", () => reload({ status: status.value as PolicyActionStatus }));
  const messages = h("div", { class: "messages", id: "action-messages" }, state.notice);
  const decided = (notice: Node) => reload({ status: state.status, cursor: state.cursor, notice });
  return h("section", { class: "policy-actions" },
    h("h2", {}, "Actions ", status),
    state.status === "pending" ? approveAllButtons(api, page.actions, messages, decided) : null,
    messages,
    page.actions.length === 0 ? h("p", { class: "note", id: "no-actions" }, `No ${state.status} action.`)
      : h("table", { id: "policy-actions" },
        h("thead", {}, h("tr", {}, h("th", {}, "User"), h("th", {}, "Product"), h("th", {}, "Policy"), h("th", {}, "Frees"), h("th", {}, "Status"), h("th", {}, ""))),
        h("tbody", {}, page.actions.map((a) => actionRow(api, a, messages, decided, () => reload({ status: state.status }))))),
    h("div", { class: "pager" },
      state.cursor ? h("button", { type: "button", onclick: () => reload({ status: state.status }) }, "← First") : null,
      page.nextCursor ? h("button", { type: "button", id: "next-actions", onclick: () => reload({ status: state.status, cursor: page.nextCursor ?? undefined }) }, "Next →") : null));
}

function actionRow(api: Api, a: PolicyAction, messages: HTMLElement, decided: (notice: Node) => void, changed: () => void): HTMLElement {
  const decide = (call: () => Promise<PolicyAction>) => async (event: Event) => {
    (event.target as HTMLButtonElement).disabled = true;
    try {
      const answer = await call();
      decided(h("p", { class: answer.status === "done" || answer.status === "rejected" ? "note ok" : "warning", id: "action-result",
        "data-status": answer.status, "data-action-id": answer.id }, `${answer.name ?? answer.accountId} (${answer.productKey}): ${answer.status}`,
        answer.reason ? ` · ${answer.reason}` : "", answer.reclaimId ? ` · reclaim ${answer.reclaimId} (undo it on the Reclaims page)` : ""));
    } catch (e) {
      (event.target as HTMLButtonElement).disabled = false;
      messages.replaceChildren(problemBox(e));
    }
  };
  return h("tr", { "data-action-id": a.id, "data-policy-id": a.policyId, "data-status": a.status },
    h("td", {}, a.name ?? a.accountId, h("br"), h("small", {}, a.email ?? ""),
      h("br"), h("small", {}, a.lastActive ? `last active ${formatDate(a.lastActive)}` : "never active")),
    h("td", {}, a.productKey),
    h("td", {}, a.policyName, h("br"), h("small", {}, a.mode)),
    h("td", {}, `${a.seatsFreed} seat(s)`, a.monthlyCostFreed !== undefined ? ` · ${money(a.monthlyCostFreed)}` : "",
      a.groups.length > 0 ? [h("br"), h("small", { class: "groups-removed" }, "from ", ...groupNames(a.groups))] : null),
    h("td", {}, h("span", { class: `badge ${a.status}` }, a.status),
      a.reasonCode ? h("small", {}, ` ${a.reasonCode}`) : null,
      a.dueAt ? h("small", {}, ` · due ${formatDate(a.dueAt)}`) : null,
      a.decidedBy ? h("small", {}, ` · by ${a.decidedBy} ${formatDate(a.decidedAt)}`) : null),
    h("td", { class: "actions" },
      a.status === "pending" ? [
        h("button", { type: "button", class: "approve primary", onclick: decide(() => api.approvePolicyAction(a.id)) }, "Approve"),
        h("button", { type: "button", class: "reject", onclick: decide(() => api.rejectPolicyAction(a.id)) }, "Reject")] : null,
      a.jobId ? h("button", { type: "button", class: "show-job", onclick: () => openJob(api, a.jobId ?? "", changed) }, "Job") : null));
}

/**
 * One "approve all pending" per policy and product on this page: the API approves a policy's pending actions of one
 * product as one bulk job. The key is made once per button, so pressing it again after a lost answer gets the same job.
 */
function approveAllButtons(api: Api, actions: PolicyAction[], messages: HTMLElement, decided: (notice: Node) => void): HTMLElement | null {
  const groups = new Map<string, { policyId: string; policyName: string; productKey: string; count: number }>();
  for (const a of actions) {
    if (a.status !== "pending") continue;
    const key = `${a.policyId}\u0000${a.productKey}`;
    const group = groups.get(key) ?? { policyId: a.policyId, policyName: a.policyName, productKey: a.productKey, count: 0 };
    group.count++;
    groups.set(key, group);
  }
  if (groups.size === 0) return null;
  return h("div", { class: "actions approve-all" }, [...groups.values()].map((g) => {
    const idempotencyKey = newKey();
    const button = h("button", { type: "button", class: "approve-all", "data-policy-id": g.policyId, "data-product": g.productKey },
      `Approve all pending of ${g.policyName} (${g.productKey})`) as HTMLButtonElement;
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        const answer = await api.approvePolicyActions({ policyId: g.policyId, status: "pending", productKey: g.productKey }, idempotencyKey);
        const notice = h("p", { class: "note ok", id: "approve-all-result", "data-job-id": answer.job.id },
          `${answer.actionsApproved} approved into job ${answer.job.id}`, answer.actionsCancelled > 0 ? `, ${answer.actionsCancelled} cancelled (active again or gone)` : "");
        // The job's end reads the actions again (each ends done, failed or cancelled at the next evaluation).
        openJob(api, answer.job.id, () => decided(notice), true);
        decided(notice);
      } catch (e) {
        button.disabled = false;
        messages.replaceChildren(problemBox(e));
      }
    });
    return button;
  }));
}
