// The reclaim audit trail, newest first, with each group's result and the undo.
import { Api, ReclaimPage } from "./api";
import { formatDate, h, rendering } from "./dom";
import { problemBox } from "./problem";
import { renderReclaim } from "./slider";

export async function reclaimsScreen(api: Api, root: HTMLElement, cursor?: string): Promise<void> {
  const done = rendering(root, "reclaims");
  let page: ReclaimPage;
  try {
    page = await api.reclaims(cursor);
  } catch (e) {
    root.replaceChildren(h("h1", {}, "Reclaim audit trail"), problemBox(e));
    return done();
  }
  const rerender = () => reclaimsScreen(api, root, cursor);
  root.replaceChildren(
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
