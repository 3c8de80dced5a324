// The Reclaim slider: every access group of the user with what it grants; IdP-managed ones disabled with the reason;
// the plan (seats and cost freed) before confirming; then each group's result, and Undo.
import { AccessGroup, Api, newKey, Reclaim, ReclaimGroupResult, ReclaimPlan, ReclaimRequest, UserRow } from "./api";
import { formatDate, h, money } from "./dom";
import { problemBox } from "./problem";

export function openSlider(api: Api, user: UserRow, onChanged: () => void): void {
  document.getElementById("slider")?.remove();
  document.getElementById("bulk")?.remove();
  const body = h("div", { class: "slider-body" }, h("p", { class: "busy" }, "Loading the user's access groups…"));
  const panel = h("aside", { id: "slider", class: "slider", role: "dialog", "aria-label": "Reclaim" },
    h("header", {},
      h("h2", {}, `Reclaim seats of ${user.name ?? user.accountId}`),
      h("button", { type: "button", class: "close", "aria-label": "Close", onclick: () => panel.remove() }, "×")),
    h("p", { class: "note" }, user.email ?? "", " · ", user.products.map((p) => `${p.product}: ${p.lastActive ? `last active ${formatDate(p.lastActive)}` : "never active"}`).join(" · ")),
    body);
  document.body.append(panel);
  void loadGroups(api, user, body, onChanged);
}

/** Why a group's checkbox is disabled, or null when it can be chosen. */
function blockedReason(group: AccessGroup): string | null {
  if (group.reclaimBlockedReason) return group.reclaimBlockedReason;
  if (group.externallyManaged || !group.canChangeHere) {
    return group.changeWhere ?? `Managed by ${group.managedBy ?? "an identity provider"}: change it there.`;
  }
  if (!group.synced) return "Not synced yet: wait for the next sync.";
  return null;
}

async function loadGroups(api: Api, user: UserRow, body: HTMLElement, onChanged: () => void): Promise<void> {
  let groups: AccessGroup[];
  try {
    groups = (await api.accessGroups(user.accountId)).groups;
  } catch (e) {
    body.replaceChildren(problemBox(e));
    return;
  }
  const planBox = h("div", { class: "plan", id: "plan" });
  const confirmButton = h("button", { type: "button", id: "confirm-reclaim", class: "primary", disabled: true }, "Confirm reclaim") as HTMLButtonElement;
  const resultBox = h("div", { class: "result", id: "reclaim-result" });
  const boxes = new Map<string, HTMLInputElement>();
  const list = h("ul", { class: "groups" }, groups.map((g) => {
    const reason = blockedReason(g);
    // Groups that grant something are chosen by default: removing the user from them is what frees seats.
    const box = h("input", { type: "checkbox", value: g.id, disabled: reason !== null, checked: reason === null && g.grants.length > 0 }) as HTMLInputElement;
    boxes.set(g.id, box);
    box.addEventListener("change", () => void plan());
    return h("li", { class: reason ? "group blocked" : "group", "data-group-id": g.id },
      h("label", {}, box, " ", h("strong", {}, g.name ?? g.id), g.memberCount != null ? h("small", {}, ` · ${g.memberCount} members`) : null),
      g.description ? h("p", { class: "description" }, g.description) : null,
      g.grants.length === 0 ? h("p", { class: "grants none" }, "Grants no product access")
        : h("ul", { class: "grants" }, g.grants.map((grant) => h("li", {},
          grant.productName ?? grant.productKey ?? grant.resourceId, ": ", (grant.roles ?? []).join(", "),
          grant.defaultGroup ? h("em", {}, " (default group)") : null))),
      g.defaultGroup && g.defaultGroupFor.length > 0 ? h("p", { class: "note" }, `Default group for ${g.defaultGroupFor.join(", ")}: new users get it again`) : null,
      reason ? h("p", { class: "blocked-reason" }, reason) : null);
  }));
  body.replaceChildren(h("h3", {}, "Access groups"), groups.length === 0 ? h("p", { class: "note" }, "The user is in no group.") : list,
    h("h3", {}, "What the reclaim frees"), planBox, confirmButton, resultBox);

  let current: ReclaimRequest | null = null;
  // One key per confirmed request: pressing Confirm again after a lost answer replays it instead of removing twice.
  let idempotencyKey = newKey();

  const plan = async () => {
    const chosen = [...boxes].filter(([, box]) => box.checked).map(([id]) => id);
    confirmButton.disabled = true;
    current = null;
    if (chosen.length === 0) {
      planBox.replaceChildren(h("p", { class: "note" }, "Choose at least one group."));
      return;
    }
    const request: ReclaimRequest = { accountId: user.accountId, groupIds: chosen };
    planBox.replaceChildren(h("p", { class: "busy" }, "Planning…"));
    try {
      const answer = await api.planReclaim(request);
      planBox.replaceChildren(renderPlan(answer));
      current = request;
      idempotencyKey = newKey();
      confirmButton.disabled = !answer.groups.some((g) => g.action === "remove");
      confirmButton.textContent = `Confirm: remove from ${answer.groups.filter((g) => g.action === "remove").length} group(s)`;
    } catch (e) {
      planBox.replaceChildren(problemBox(e));
    }
  };

  confirmButton.addEventListener("click", async () => {
    if (!current) return;
    confirmButton.disabled = true;
    resultBox.replaceChildren(h("p", { class: "busy" }, "Removing…"));
    try {
      const reclaim = await api.reclaim(current, idempotencyKey);
      boxes.forEach((box) => (box.disabled = true));
      resultBox.replaceChildren(renderReclaim(api, reclaim, resultBox, onChanged));
      onChanged();
    } catch (e) {
      confirmButton.disabled = false;
      resultBox.replaceChildren(problemBox(e));
    }
  });
  await plan();
}

function renderPlan(plan: ReclaimPlan): HTMLElement {
  return h("div", {},
    h("p", { class: "big" }, h("span", { id: "plan-seats" }, plan.seatsFreed), " seat(s) freed · ",
      h("span", { id: "plan-cost" }, money(plan.monthlyCostFreed))),
    h("ul", { class: "plan-products" }, plan.products.map((p) => h("li", { class: `outcome-${p.outcome}` },
      h("span", { class: `badge ${p.outcome === "freed" ? "ok" : "kept"}` }, p.outcome ?? ""), " ", p.productName ?? p.productKey ?? p.resourceId ?? "",
      p.monthlyPrice !== undefined ? ` · ${money(p.monthlyPrice)}` : "",
      p.outcome === "kept" ? ` · kept by ${[...(p.keptBy ?? []), ...(p.keptByDirectAccess ? ["direct access"] : [])].join(", ")}` : ""))),
    plan.groups.filter((g) => g.action === "refused").map((g) => h("p", { class: "warning" }, `${g.name ?? g.groupId}: ${g.reason ?? "refused"}`)),
    (plan.notices ?? []).map((n) => h("p", { class: "warning notice", "data-code": n.code ?? "" }, n.message ?? "")));
}

function groupResults(results: ReclaimGroupResult[]): HTMLElement {
  return h("ul", { class: "group-results" }, results.map((r) => h("li", { class: "group-result", "data-result": r.result ?? "" },
    h("span", { class: `badge ${r.result}` }, (r.result ?? "").replace(/_/g, " ")), " ", r.name ?? r.groupId ?? "", r.reason ? ` · ${r.reason}` : "")));
}

export function renderReclaim(api: Api, reclaim: Reclaim, container: HTMLElement, onChanged: () => void): HTMLElement {
  const undoOpen = reclaim.undoableUntil !== undefined && new Date(reclaim.undoableUntil) > new Date()
    && reclaim.undo?.status !== "completed" && reclaim.groups.some((g) => g.result === "removed");
  const undoButton = undoOpen ? h("button", { type: "button", id: "undo-reclaim", onclick: async () => {
    (undoButton as HTMLButtonElement).disabled = true;
    try {
      const undone = await api.undo(reclaim.id);
      container.replaceChildren(renderReclaim(api, undone, container, onChanged));
      onChanged();
    } catch (e) {
      (undoButton as HTMLButtonElement).disabled = false;
      container.append(problemBox(e));
    }
  } }, reclaim.undo ? "Retry undo" : "Undo") : null;
  return h("div", { class: "reclaim", "data-reclaim-id": reclaim.id, "data-status": reclaim.status },
    h("p", {}, h("span", { class: `badge ${reclaim.status}`, id: "reclaim-status" }, reclaim.status), ` · ${reclaim.seatsFreed.length} seat(s) freed · ${money(reclaim.monthlyCostFreed)}`),
    groupResults(reclaim.groups),
    reclaim.seatsFreed.length > 0 ? h("p", { class: "note" }, "Freed: ", reclaim.seatsFreed.map((s) => s.productName ?? s.productKey ?? s.resourceId ?? "").join(", ")) : null,
    reclaim.undo ? h("div", { class: "undo", "data-status": reclaim.undo.status ?? "" },
      h("p", {}, "Undo ", h("span", { class: `badge ${reclaim.undo.status}`, id: "undo-status" }, reclaim.undo.status ?? ""),
        ` by ${reclaim.undo.undoneBy ?? "?"} at ${formatDate(reclaim.undo.undoneAt)} · ${reclaim.undo.seatsRestored ?? 0} seat(s) restored`),
      groupResults(reclaim.undo.groups ?? [])) : null,
    reclaim.undoableUntil ? h("p", { class: "note" }, `Undo possible until ${formatDate(reclaim.undoableUntil)}`) : null,
    undoButton);
}
