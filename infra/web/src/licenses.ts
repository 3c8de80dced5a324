// The License page: what reclaiming saved, seat cards per product, then the users, filtered, sorted, searched and paged
// as GET /users offers, exported as CSV with the same filters, and chosen for a bulk reclaim.
import { Api, ExportQuery, LicenseOverview, Reclaimed, Savings, SavingsHistory, SavingsProduct, Settings, UserPage, UserQuery, UserRow } from "./api";
import { openBulkPlan, Selection } from "./bulk";
import { formatDate, h, money, rendering } from "./dom";
import { problemBox } from "./problem";
import { openSlider } from "./slider";

interface State {
  query: UserQuery;
  /** Cursors of the pages before this one, to go back. */
  previous: (string | undefined)[];
  /** Users chosen for a bulk reclaim, kept across pages of the same filter. */
  chosen: Set<string>;
  /** Every user matching the filter and search chosen (the plan takes them, not a list of ids). */
  allMatching: boolean;
}

export async function licensesScreen(api: Api, root: HTMLElement,
  state: State = { query: { limit: 25 }, previous: [], chosen: new Set(), allMatching: false }): Promise<void> {
  const done = rendering(root, "licenses");
  let overview: LicenseOverview;
  let users: { page: UserPage } | { problem: unknown };
  let settings: Settings;
  let savings: Savings;
  try {
    // A refused list (a sort the filter does not allow, the listing being prepared) is shown under the filters that
    // caused it, so they can be changed; the rest of the page is still shown.
    [overview, users, settings, savings] = await Promise.all([api.licenses(),
      api.users(state.query).then((page) => ({ page }), (problem: unknown) => ({ problem })), api.settings(), api.savings()]);
  } catch (e) {
    root.replaceChildren(h("h1", {}, "Licenses"), problemBox(e));
    return done();
  }
  const reload = (next: State) => licensesScreen(api, root, next);
  const refresh = () => reload(state);
  root.replaceChildren(
    h("h1", {}, "Licenses"),
    h("p", { class: "note" }, `Last sync ${formatDate(overview.lastSyncAt)} · counted ${formatDate(overview.countedAt)} · inactive after ${overview.inactivityDays} days without activity`),
    savingsHeader(api, savings),
    seatCards(overview, savings),
    settingsForm(api, overview, settings, refresh),
    filters(overview, state, reload, exportLink(api, state.query)),
    ...("page" in users ? [
      bulkBar(api, overview, users.page, state, refresh),
      userTable(api, users.page, state, refresh),
      pager(users.page, state, reload)] : [h("div", { id: "users-problem" }, problemBox(users.problem))]),
  );
  done();
}

function reclaimed(r: Reclaimed): string {
  return `${r.seats} seat(s)${r.monthlyCost != null ? ` · ${money(r.monthlyCost)}` : ""}`;
}

/** GET /savings, in one line: seats reclaimed (at the seat price when reclaimed) this month and to date; per product on the cards. */
function savingsHeader(api: Api, savings: Savings): HTMLElement {
  const t = savings.totals;
  return h("div", { class: "card savings", id: "savings", "data-reclaimed-seats": t.reclaimedToDate.seats },
    h("p", {}, h("strong", {}, "Reclaimed "), h("span", { id: "savings-month" }, reclaimed(t.reclaimedThisMonth)), ` in ${savings.month} · to date `,
      h("span", { id: "savings-to-date" }, reclaimed(t.reclaimedToDate)),
      ` · ${t.unused} unused seat(s) now`, t.unusedMonthlyCost != null ? ` (${money(t.unusedMonthlyCost)})` : ""),
    savingsHistory(api));
}

/** GET /savings/history, read when opened: per day, the seats unused at its last sync and the seats reclaimed that day. */
function savingsHistory(api: Api): HTMLElement {
  const body = h("div", {}, h("p", { class: "busy" }, "Reading the last 30 days…"));
  const details = h("details", { id: "savings-history" }, h("summary", {}, "Last 30 days"), body) as HTMLDetailsElement;
  details.addEventListener("toggle", async () => {
    if (!details.open || details.dataset.loaded) return;
    details.dataset.loaded = "yes";
    let history: SavingsHistory;
    try {
      history = await api.savingsHistory();
    } catch (e) {
      delete details.dataset.loaded;
      body.replaceChildren(problemBox(e));
      return;
    }
    const sum = (values: (number | null | undefined)[]) => values.reduce<number>((n, v) => n + (v ?? 0), 0);
    body.replaceChildren(history.days.length === 0 ? h("p", { class: "note" }, `Nothing recorded from ${history.from} to ${history.to}.`)
      : h("table", { class: "savings-history" },
        h("thead", {}, h("tr", {}, h("th", {}, "Day (UTC)"), h("th", {}, "Unused at the day's last sync"), h("th", {}, "Reclaimed that day"))),
        h("tbody", {}, history.days.map((d) => h("tr", { "data-date": d.date, "data-reclaimed-seats": sum(d.products.map((p) => p.reclaimedSeats)) },
          h("td", {}, d.date),
          h("td", {}, d.snapshotAt ? `${sum(d.products.map((p) => (p.inactive ?? 0) + (p.neverUsed ?? 0)))} seat(s)` : "no sync that day"),
          h("td", {}, `${sum(d.products.map((p) => p.reclaimedSeats))} seat(s)`,
            d.products.some((p) => p.reclaimedMonthlyCost != null) ? ` · ${money(sum(d.products.map((p) => p.reclaimedMonthlyCost)))}` : ""))))));
  });
  return details;
}

function reclaimedRow(savings: SavingsProduct | undefined): HTMLElement[] | null {
  return savings ? [h("dt", {}, "Reclaimed"), h("dd", { class: "reclaimed", "data-seats": savings.reclaimedThisMonth.seats },
    `${savings.reclaimedThisMonth.seats} this month`, savings.reclaimedThisMonth.monthlyCost != null ? ` · ${money(savings.reclaimedThisMonth.monthlyCost)}` : "")] : null;
}

function seatCards(overview: LicenseOverview, savings: Savings): HTMLElement {
  const saved = new Map(savings.products.map((p) => [p.resourceId, p]));
  if (overview.products.length === 0) {
    return h("p", { class: "note", id: "no-seats" }, "No license data yet: connect Atlassian on the Integrations page and wait for the first sync.");
  }
  return h("div", { class: "seat-cards" }, overview.products.map((p) => h("section", {
    class: "card seat-card", "data-product": p.product, "data-resource": p.resourceId,
  },
    h("h2", {}, p.name ?? p.product),
    p.hostUrl ? h("p", { class: "host" }, p.hostUrl) : null,
    h("p", { class: "big" }, h("span", { class: "assigned", "data-test": "assigned" }, p.assigned), p.seats != null ? ` of ${p.seats} seats` : " seats assigned"),
    h("dl", { class: "counts" },
      h("dt", {}, "Active"), h("dd", {}, p.active),
      h("dt", {}, "Inactive"), h("dd", { class: p.inactive > 0 ? "warn" : "" }, p.inactive),
      h("dt", {}, "Never used"), h("dd", {}, p.neverUsed),
      reclaimedRow(saved.get(p.resourceId))),
  )));
}

/** Seat prices (what a reclaim's freed cost is counted in) and the inactivity threshold, per tenant. */
function settingsForm(api: Api, overview: LicenseOverview, settings: Settings, saved: () => void): HTMLElement {
  const keys = [...new Set([...overview.products.map((p) => p.product), ...Object.keys(settings.seatPrices)])];
  const days = h("input", { name: "inactivityDays", type: "number", min: 1, max: 3650, value: settings.inactivityDays }) as HTMLInputElement;
  const prices = keys.map((key) => h("input", { name: `price-${key}`, "data-product": key, type: "number", min: 0, step: "0.01",
    placeholder: "no price", value: settings.seatPrices[key] ?? "" }) as HTMLInputElement);
  const messages = h("div", { class: "messages" });
  const form = h("form", { id: "settings", class: "settings" },
    h("label", {}, "Inactive after (days) ", days),
    keys.map((key, i) => h("label", {}, `${key} $/seat/month `, prices[i])),
    h("button", { type: "submit" }, "Save"), messages) as HTMLFormElement;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    // PUT /settings merges prices per product: an emptied price is sent as null (removed), not left out (kept).
    const seatPrices: Record<string, number | null> = {};
    prices.forEach((input) => {
      const key = input.dataset.product ?? "";
      if (input.value !== "") seatPrices[key] = Number(input.value);
      else if (key in settings.seatPrices) seatPrices[key] = null;
    });
    try {
      await api.putSettings({ inactivityDays: Number(days.value), seatPrices });
      saved();
    } catch (e) {
      messages.replaceChildren(problemBox(e));
    }
  });
  const hasPrices = Object.keys(settings.seatPrices).length > 0;
  return h("details", { class: "card settings-panel" }, h("summary", {}, hasPrices
    ? `Seat prices: ${Object.entries(settings.seatPrices).map(([k, v]) => `${k} $${v}`).join(", ")}`
    : "Seat prices: none set (a reclaim's freed cost needs them)"), form);
}

function filters(overview: LicenseOverview, state: State, reload: (s: State) => void, exporting: HTMLElement): HTMLElement {
  const q = state.query;
  const product = h("select", { name: "product" }, h("option", { value: "" }, "All products"),
    [...new Set(overview.products.map((p) => p.product))].map((key) => h("option", { value: key, selected: q.product === key }, key))) as HTMLSelectElement;
  const status = h("select", { name: "status" }, h("option", { value: "" }, "Any status"),
    (["active", "inactive", "never"] as const).map((s) => h("option", { value: s, selected: q.status === s }, s))) as HTMLSelectElement;
  const days = h("input", { name: "inactiveForDays", type: "number", min: 1, max: 3650, placeholder: "inactive for ≥ days", value: q.inactiveForDays ?? "" }) as HTMLInputElement;
  const search = h("input", { name: "q", type: "search", placeholder: "name or email", value: q.q ?? "" }) as HTMLInputElement;
  // Search results come in the order of the text matched: the API refuses a sort with q (sort_with_search).
  const sort = h("select", { name: "sort" }, h("option", { value: "" }, "Default order"),
    ([["name", "By name"], ["lastActive", "Least recently active first"], ["-lastActive", "Most recently active first"]] as const)
      .map(([value, label]) => h("option", { value, selected: q.sort === value }, label))) as HTMLSelectElement;
  const limit = h("select", { name: "limit" }, [25, 50, 100, 200].map((n) => h("option", { value: n, selected: (q.limit ?? 50) === n }, `${n} a page`))) as HTMLSelectElement;
  const form = h("form", { class: "filters", id: "user-filters" },
    product, status, days, search, sort, limit, h("button", { type: "submit" }, "Apply"), exporting) as HTMLFormElement;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    reload({ previous: [], chosen: new Set(), allMatching: false, query: {
      product: product.value || undefined,
      status: (status.value || undefined) as UserQuery["status"],
      inactiveForDays: days.value ? Number(days.value) : undefined,
      q: search.value.trim() || undefined,
      sort: (sort.value || undefined) as UserQuery["sort"],
      limit: Number(limit.value),
    } });
  });
  return form;
}

/** The filters of the list, without its paging: what GET /users/export takes. */
function exportQuery(query: UserQuery): ExportQuery {
  return { product: query.product, status: query.status, inactiveForDays: query.inactiveForDays, q: query.q, sort: query.sort };
}

/**
 * "Export CSV": the href is GET /users/export with the list's filters (copy it for curl); a click fetches it with the
 * page's bearer token (a plain link cannot send one) and saves the file.
 */
function exportLink(api: Api, query: UserQuery): HTMLElement {
  const status = h("span", { class: "note", id: "export-status" });
  const link = h("a", { id: "export-csv", class: "button", href: api.exportUrl(exportQuery(query)), download: "users.csv" }, "Export CSV") as HTMLAnchorElement;
  link.addEventListener("click", async (event) => {
    event.preventDefault();
    status.replaceChildren("Exporting…");
    try {
      const csv = await api.exportUsers(exportQuery(query));
      const rows = Math.max(0, csv.split("\r\n").filter((line) => line !== "").length - 1);
      const save = h("a", { href: URL.createObjectURL(new Blob([csv], { type: "text/csv" })), download: "users.csv" }) as HTMLAnchorElement;
      save.click();
      setTimeout(() => URL.revokeObjectURL(save.href), 60_000);
      status.replaceChildren(h("span", { "data-rows": rows }, `users.csv: ${rows} user(s)`));
    } catch (e) {
      status.replaceChildren(problemBox(e));
    }
  });
  return h("span", { class: "export" }, link, " ", status);
}

/**
 * How many users the filter matches, where the page's seat counts say it (a product filter, at the tenant's threshold;
 * they count the product's seats, not the users a search finds).
 */
function matchingCount(page: UserPage, query: UserQuery): number | null {
  if (!page.seats || query.q) return null;
  switch (query.status) {
    case "active": return page.seats.active;
    case "inactive": return page.seats.inactive;
    case "never": return page.seats.neverUsed;
    default: return page.seats.assigned;
  }
}

/** The bulk reclaim bar: what is chosen, "all N matching the filter", the product whose seats to free, Plan. */
function bulkBar(api: Api, overview: LicenseOverview, page: UserPage, state: State, refresh: () => void): HTMLElement {
  const q = state.query;
  const n = matchingCount(page, q);
  const products = [...new Set(overview.products.map((p) => p.product))];
  const product = h("select", { id: "bulk-product", name: "grantingProduct" }, products.map((key) =>
    h("option", { value: key, selected: key === (q.product ?? products[0]) }, key))) as HTMLSelectElement;
  const matching = q.q ? `matching the filter and the search "${q.q}"` : "matching the filter";
  const chosenText = !state.allMatching ? `${state.chosen.size} user(s) chosen`
    : n != null ? `All ${n} user(s) ${matching} chosen` : `All users ${matching} chosen`;
  const canChooseAll = page.users.length > 0;
  const planButton = h("button", { type: "button", id: "plan-bulk", class: "primary", disabled: !state.allMatching && state.chosen.size === 0,
    onclick: () => {
      // The filter and search of the list shown: the plan selects exactly the users GET /users lists for them.
      const selection: Selection = state.allMatching
        ? { filter: { product: q.product, status: q.status, inactiveForDays: q.inactiveForDays, search: q.q }, grantingProduct: product.value }
        : { accountIds: [...state.chosen], grantingProduct: product.value };
      // Once the job starts, the choice is done with: its users leave a filter of inactive users as they are reclaimed.
      openBulkPlan(api, selection, () => {
        state.chosen.clear();
        state.allMatching = false;
        refresh();
      }, refresh);
    } }, "Plan bulk reclaim…");
  return h("div", { class: "bulk-bar", id: "bulk-bar" },
    h("span", { id: "chosen-count" }, chosenText),
    canChooseAll ? h("button", { type: "button", id: "choose-all-matching", onclick: () => {
      state.allMatching = !state.allMatching;
      state.chosen.clear();
      refresh();
    } }, state.allMatching ? "Choose none" : n != null ? `Choose all ${n} ${matching}` : `Choose all ${matching}`) : null,
    !state.allMatching && state.chosen.size > 0 ? h("button", { type: "button", id: "choose-none", onclick: () => {
      state.chosen.clear();
      refresh();
    } }, "Clear") : null,
    h("label", {}, "free seats of ", product),
    planButton);
}

function userTable(api: Api, page: UserPage, state: State, refresh: () => void): HTMLElement {
  if (page.users.length === 0) {
    return h("p", { class: "note", id: "no-users" }, "No users match.");
  }
  const boxes = page.users.map((u) => {
    const box = h("input", { type: "checkbox", class: "choose", value: u.accountId, "aria-label": `Choose ${u.name ?? u.accountId}`,
      checked: state.allMatching || state.chosen.has(u.accountId), disabled: state.allMatching }) as HTMLInputElement;
    box.addEventListener("change", () => {
      if (box.checked) state.chosen.add(u.accountId);
      else state.chosen.delete(u.accountId);
      updateChosen(state);
    });
    return box;
  });
  const all = h("input", { type: "checkbox", id: "choose-page", "aria-label": "Choose every user of this page", disabled: state.allMatching,
    checked: state.allMatching || boxes.every((b) => b.checked), onchange: (event: Event) => {
      const on = (event.target as HTMLInputElement).checked;
      boxes.forEach((b) => {
        b.checked = on;
        if (on) state.chosen.add(b.value);
        else state.chosen.delete(b.value);
      });
      updateChosen(state);
    } });
  return h("table", { class: "users", id: "users" },
    h("thead", {}, h("tr", {}, h("th", {}, all), h("th", {}, "User"), h("th", {}, "Products (last active)"), h("th", {}, "Groups"), h("th", {}, ""))),
    h("tbody", {}, page.users.map((u, i) => row(api, u, boxes[i], refresh))));
}

/** The bar's count and Plan button follow the checkboxes without reloading the page. */
function updateChosen(state: State): void {
  const count = document.getElementById("chosen-count");
  if (count) count.textContent = `${state.chosen.size} user(s) chosen`;
  const plan = document.getElementById("plan-bulk") as HTMLButtonElement | null;
  if (plan) plan.disabled = state.chosen.size === 0;
}

function row(api: Api, user: UserRow, box: HTMLInputElement, refresh: () => void): HTMLElement {
  return h("tr", { "data-account-id": user.accountId },
    h("td", {}, box),
    h("td", {}, h("strong", {}, user.name ?? user.accountId), h("br"), h("small", {}, user.email ?? ""),
      user.accountStatus && user.accountStatus !== "active" ? [" ", h("span", { class: "badge inactive" }, `account ${user.accountStatus}`)] : null),
    h("td", {}, h("ul", { class: "products" }, user.products.map((p) => h("li", { class: `status-${p.status}` },
      h("span", { class: `badge ${p.status}` }, p.status), " ", p.product, " · ", p.lastActive ? formatDate(p.lastActive) : "never active")))),
    h("td", {}, user.groups.map((g) => g.name ?? g.id).join(", ")),
    h("td", {}, h("button", { type: "button", class: "reclaim", onclick: () => openSlider(api, user, refresh) }, "Reclaim…")));
}

function pager(page: UserPage, state: State, reload: (s: State) => void): HTMLElement {
  return h("div", { class: "pager" },
    h("button", { type: "button", disabled: state.previous.length === 0, onclick: () => {
      const previous = state.previous.slice(0, -1);
      reload({ ...state, previous, query: { ...state.query, cursor: state.previous[state.previous.length - 1] } });
    } }, "← Previous"),
    h("button", { type: "button", id: "next-page", disabled: !page.nextCursor, onclick: () => {
      reload({ ...state, previous: [...state.previous, state.query.cursor], query: { ...state.query, cursor: page.nextCursor ?? undefined } });
    } }, "Next →"));
}
