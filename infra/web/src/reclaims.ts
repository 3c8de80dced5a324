// The reclaim audit trail, newest first, with each group's result and the undo; above it, the latest bulk jobs, each
// opened in the job panel (progress, Cancel, Undo).
import { Api, ReclaimJobPage, ReclaimPage } from "./api";
import { openJob } from "./bulk";
import { formatDate, h, money, rendering } from "./dom";
import { problemBox } from "./problem";
import { renderReclaim } from "./slider";

export async function reclaimsScreen(api: Api, root: HTMLElement, cursor?: string): Promise<void> {
  const done = rendering(root, "reclaims");
  let page: ReclaimPage;
  let jobs: ReclaimJobPage;
  try {
    [page, jobs] = await Promise.all([api.reclaims(cursor), api.reclaimJobs()]);
  } catch (e) {
    root.replaceChildren(h("h1", {}, "Reclaim audit trail"), problemBox(e));
    return done();
  }
  const rerender = () => reclaimsScreen(api, root, cursor);
  root.replaceChildren(
    h("h1", {}, "Bulk reclaim jobs"),
    jobs.jobs.length === 0 ? h("p", { class: "note", id: "no-jobs" }, "No bulk job yet: choose users on the Licenses page.") : h("table", { class: "audit", id: "jobs" },
      h("thead", {}, h("tr", {}, h("th", {}, "Started"), h("th", {}, "Kind"), h("th", {}, "By"), h("th", {}, "Status"), h("th", {}, "Users"), h("th", {}, "Seats"), h("th", {}, ""))),
      h("tbody", {}, jobs.jobs.map((j) => h("tr", { "data-job-id": j.id, "data-status": j.status, "data-kind": j.kind },
        h("td", {}, formatDate(j.createdAt)), h("td", {}, j.kind), h("td", {}, j.requestedBy ?? ""),
        h("td", {}, h("span", { class: `badge ${j.status}` }, j.status)),
        h("td", {}, `${j.counts.total - j.counts.remaining} of ${j.counts.total} done`),
        h("td", {}, j.kind === "undo" ? `${j.seatsRestored ?? 0} restored` : `${j.seatsFreed ?? 0} freed`,
          j.kind === "reclaim" && j.monthlyCostFreed !== undefined ? ` · ${money(j.monthlyCostFreed)}` : ""),
        h("td", {}, h("button", { type: "button", class: "show-job", onclick: () => openJob(api, j.id, rerender) }, "Show")))))),
    h("h1", {}, "Reclaim audit trail"),
    page.reclaims.length === 0 ? h("p", { class: "note" }, "No reclaim yet.") : h("table", { class: "audit", id: "audit" },
      h("thead", {}, h("tr", {}, h("th", {}, "When"), h("th", {}, "User"), h("th", {}, "By"), h("th", {}, "Result"))),
      h("tbody", {}, page.reclaims.map((r) => {
        const cell = h("td", {});
        cell.append(renderReclaim(api, r, cell, rerender));
        return h("tr", { "data-reclaim-id": r.id },
          h("td", {}, formatDate(r.createdAt)), h("td", {}, r.userName ?? r.accountId), h("td", {}, r.requestedBy ?? ""), cell);
      }))),
    h("div", { class: "pager" },
      cursor ? h("button", { type: "button", onclick: () => reclaimsScreen(api, root) }, "← Newest") : null,
      page.nextCursor ? h("button", { type: "button", id: "next-page", onclick: () => reclaimsScreen(api, root, page.nextCursor ?? undefined) }, "Older →") : null));
  done();
}
