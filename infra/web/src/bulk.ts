// Bulk reclaim: the plan of the users chosen on the License page (who is included with which groups, who is skipped
// and why), Start with an idempotency key made once per plan, then the job's progress until it ends, Cancel and Undo.
import { Api, newKey, ReclaimJob, ReclaimJobPlan, ReclaimJobSelection, ReclaimJobWithResults } from "./api";
import { formatDate, groupNames, h, money } from "./dom";
import { problemBox } from "./problem";

export type Selection = ReclaimJobSelection;

/** How often a running job is read again: its users go one batch at a time at the org's rate limit. */
const POLL_MILLIS = 1500;

function openPanel(title: string): HTMLElement {
  document.getElementById("slider")?.remove();
  document.getElementById("bulk")?.remove();
  const body = h("div", { class: "slider-body" });
  const panel = h("aside", { id: "bulk", class: "slider", role: "dialog", "aria-label": title },
    h("header", {}, h("h2", {}, title),
      h("button", { type: "button", class: "close", "aria-label": "Close", onclick: () => panel.remove() }, "×")),
    body);
  document.body.append(panel);
  return body;
}

/** onStarted once the job is started, onChanged once it has ended (the seat counts changed). */
export function openBulkPlan(api: Api, selection: Selection, onStarted: () => void, onChanged: () => void): void {
  const body = openPanel("Bulk reclaim");
  body.replaceChildren(h("p", { class: "busy" }, "Planning…"));
  void plan(api, selection, body, onStarted, onChanged);
}

/** The job panel alone, for a job started elsewhere (a policy's approval, the jobs list); onChanged if it ends while shown. */
export function openJob(api: Api, jobId: string, onChanged: () => void, startedHere = false): void {
  followJob(api, openPanel("Bulk reclaim job"), jobId, onChanged, startedHere);
}

async function plan(api: Api, selection: Selection, body: HTMLElement, onStarted: () => void, onChanged: () => void): Promise<void> {
  let answer: ReclaimJobPlan;
  try {
    answer = await api.planReclaimJob(selection);
  } catch (e) {
    body.replaceChildren(problemBox(e));
    return;
  }
  // One key for this plan: Start pressed again after a lost answer gets the same job, never a second run.
  const idempotencyKey = newKey();
  const messages = h("div", { class: "messages" });
  const start = h("button", { type: "button", id: "start-job", class: "primary", disabled: answer.includedCount === 0 },
    `Start: reclaim from ${answer.includedCount} user(s)`) as HTMLButtonElement;
  start.addEventListener("click", async () => {
    start.disabled = true;
    messages.replaceChildren(h("p", { class: "busy" }, "Starting…"));
    try {
      const job = await api.startReclaimJob(answer.id, idempotencyKey);
      followJob(api, body, job.id, onChanged, true);
      onStarted();
    } catch (e) {
      start.disabled = false;
      messages.replaceChildren(problemBox(e));
    }
  });
  body.replaceChildren(renderPlan(answer), start, messages);
}

function renderPlan(plan: ReclaimJobPlan): HTMLElement {
  return h("div", { class: "job-plan", id: "job-plan", "data-plan-id": plan.id },
    h("p", { class: "big" }, h("span", { id: "job-plan-seats" }, plan.seatsFreed), " seat(s) freed · ",
      h("span", { id: "job-plan-cost" }, money(plan.monthlyCostFreed))),
    h("ul", { class: "plan-products" }, plan.products.map((p) => h("li", { "data-product": p.productKey },
      `${p.productName ?? p.productKey}: ${p.seatsFreed} seat(s)`, p.monthlyCostFreed !== undefined ? ` · ${money(p.monthlyCostFreed)}` : ""))),
    (plan.notices ?? []).map((n) => h("p", { class: "warning notice", "data-code": n.code ?? "" }, n.message ?? "")),
    h("h3", {}, h("span", { id: "job-plan-included-count" }, plan.includedCount), " user(s) included"),
    plan.included.length === 0 ? h("p", { class: "note" }, "Nobody: every user chosen is skipped (below).")
      : h("table", { class: "job-users", id: "job-plan-included" },
        h("thead", {}, h("tr", {}, h("th", {}, "User"), h("th", {}, "Groups removed"), h("th", {}, "Frees"))),
        h("tbody", {}, plan.included.map((u) => h("tr", { "data-account-id": u.accountId },
          h("td", {}, u.name ?? u.accountId), h("td", { class: "groups-removed" }, groupNames(u.groups)),
          h("td", {}, u.productsFreed.join(", "), u.monthlyCostFreed !== undefined ? ` · ${money(u.monthlyCostFreed)}` : ""))))),
    plan.included.length < plan.includedCount ? h("p", { class: "note" }, `(the first ${plan.included.length} shown)`) : null,
    plan.skippedCount === 0 ? null : [
      h("h3", {}, h("span", { id: "job-plan-skipped-count" }, plan.skippedCount), " user(s) skipped"),
      h("ul", { class: "skipped", id: "job-plan-skipped" }, plan.skipped.map((s) => h("li", { "data-code": s.code, "data-account-id": s.accountId },
        h("span", { class: "badge refused" }, s.code.replace(/_/g, " ")), " ", s.name ?? s.accountId, " · ", s.reason)))],
    h("p", { class: "note" }, `Plan kept until ${formatDate(plan.expiresAt)}`));
}

/**
 * Reads the job every POLL_MILLIS while it runs and the panel is open (closing it, or another panel, stops the reads),
 * and tells the page once when it ends, so the seat counts are read again: a job started here (it may end before the
 * first read), or one seen running. A job that had ended before it was opened changed nothing since.
 */
function followJob(api: Api, body: HTMLElement, jobId: string, onChanged: () => void, startedHere: boolean): void {
  const box = h("div", { class: "job", id: "job" }, h("p", { class: "busy" }, "Reading the job…"));
  body.replaceChildren(box);
  let cursor: string | undefined;
  let timer: number | undefined;
  let notify = startedHere;
  const readNow = (next: string | undefined) => {
    cursor = next;
    if (timer !== undefined) clearTimeout(timer);
    void read();
  };
  const read = async () => {
    timer = undefined;
    if (!box.isConnected) return;
    let job: ReclaimJobWithResults;
    try {
      job = await api.reclaimJob(jobId, cursor);
    } catch (e) {
      box.replaceChildren(problemBox(e), h("button", { type: "button", onclick: () => void read() }, "Read it again"));
      return;
    }
    if (!box.isConnected) return;
    box.replaceChildren(renderJob(api, job, {
      follow: (id, started) => followJob(api, body, id, onChanged, started),
      // Cancel answers at once: read the job now to show the request, then as before until it ends.
      changed: () => readNow(cursor),
      page: readNow,
    }));
    if (job.status === "running") {
      notify = true;
      timer = window.setTimeout(() => void read(), POLL_MILLIS);
    } else if (notify) {
      notify = false;
      onChanged();
    }
  };
  void read();
}

interface JobActions {
  follow: (jobId: string, startedHere: boolean) => void;
  changed: () => void;
  page: (cursor: string | undefined) => void;
}

function renderJob(api: Api, job: ReclaimJobWithResults, actions: JobActions): HTMLElement {
  const c = job.counts;
  const messages = h("div", { class: "messages" });
  const undo = job.kind === "undo";
  const seats = undo ? job.seatsRestored ?? 0 : job.seatsFreed ?? 0;
  const act = (button: HTMLButtonElement, call: () => Promise<ReclaimJob>, then: (answer: ReclaimJob) => void) => {
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        then(await call());
      } catch (e) {
        button.disabled = false;
        messages.replaceChildren(problemBox(e));
      }
    });
    return button;
  };
  return h("div", { "data-job-id": job.id, "data-kind": job.kind, "data-status": job.status },
    h("h3", {}, undo ? "Undo job " : "Reclaim job ", h("code", {}, job.id)),
    h("p", {}, h("span", { class: `badge ${job.status}`, id: "job-status" }, job.status),
      job.cancelRequested && job.status === "running" ? h("span", { class: "note", id: "job-cancel-requested" }, " · cancel requested: the users under way finish") : null,
      job.estimatedSecondsLeft !== undefined && job.status === "running" ? h("span", { class: "note" }, ` · about ${job.estimatedSecondsLeft} s left`) : null),
    h("progress", { max: Math.max(c.total, 1), value: c.total - c.remaining }),
    h("dl", { class: "counts", id: "job-counts" },
      (["total", "done", "freed", "failed", "skipped", "cancelled", "remaining"] as const).flatMap((k) => [
        h("dt", {}, k === "freed" && undo ? "restored" : k), h("dd", { "data-count": k }, c[k])])),
    h("p", { class: "big" }, h("span", { id: "job-seats" }, seats), undo ? " seat(s) restored" : " seat(s) freed",
      !undo && job.monthlyCostFreed !== undefined ? ` · ${money(job.monthlyCostFreed)}` : ""),
    job.finishedAt ? h("p", { class: "note" }, `Ended ${formatDate(job.finishedAt)}`) : null,
    job.results.length === 0 ? null : h("ul", { class: "job-results", id: "job-results" }, job.results.map((r) => h("li", { "data-account-id": r.accountId, "data-outcome": r.outcome },
      h("span", { class: `badge ${r.outcome}` }, r.outcome), " ", r.name ?? r.accountId, ` · ${r.seats} seat(s)`,
      r.code ? ` · ${r.code}` : "", r.reason ? ` · ${r.reason}` : ""))),
    job.nextCursor ? h("button", { type: "button", onclick: () => actions.page(job.nextCursor ?? undefined) }, "More results →") : null,
    job.status === "running" && !job.cancelRequested
      ? act(h("button", { type: "button", id: "cancel-job", class: "danger" }, "Cancel") as HTMLButtonElement,
        () => api.cancelReclaimJob(job.id), () => actions.changed()) : null,
    !undo && job.status !== "running" && c.freed > 0 && !job.undoJobId
      ? act(h("button", { type: "button", id: "undo-job" }, "Undo: put every removed membership back") as HTMLButtonElement,
        () => api.undoReclaimJob(job.id), (answer) => actions.follow(answer.id, true)) : null,
    job.undoJobId ? h("button", { type: "button", id: "show-undo-job", onclick: () => actions.follow(job.undoJobId ?? "", false) }, "Show its undo job") : null,
    job.undoOf ? h("button", { type: "button", id: "show-undone-job", onclick: () => actions.follow(job.undoOf ?? "", false) }, "Show the job it undoes") : null,
    messages);
}
