// The License page: seat cards per product, then the users, filtered, searched and paged as GET /users offers.
// (The API has no sort parameter today: rows come in its order.)
import { Api, LicenseOverview, Settings, UserPage, UserQuery, UserRow } from "./api";
import { formatDate, h, rendering } from "./dom";
import { problemBox } from "./problem";
import { openSlider } from "./slider";

interface State {
  query: UserQuery;
  /** Cursors of the pages before this one, to go back. */
  previous: (string | undefined)[];
}

export async function licensesScreen(api: Api, root: HTMLElement, state: State = { query: { limit: 25 }, previous: [] }): Promise<void> {
  const done = rendering(root, "licenses");
  let overview: LicenseOverview;
  let page: UserPage;
  let settings: Settings;
  try {
    [overview, page, settings] = await Promise.all([api.licenses(), api.users(state.query), api.settings()]);
  } catch (e) {
    root.replaceChildren(h("h1", {}, "Licenses"), problemBox(e));
    return done();
  }
  const reload = (next: State) => licensesScreen(api, root, next);
  root.replaceChildren(
    h("h1", {}, "Licenses"),
    h("p", { class: "note" }, `Last sync ${formatDate(overview.lastSyncAt)} · counted ${formatDate(overview.countedAt)} · inactive after ${overview.inactivityDays} days without activity`),
    seatCards(overview),
    settingsForm(api, overview, settings, () => reload(state)),
    filters(overview, state, reload),
    userTable(api, page, () => reload(state)),
    pager(page, state, reload),
  );
  done();
}

function seatCards(overview: LicenseOverview): HTMLElement {
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
      h("dt", {}, "Never used"), h("dd", {}, p.neverUsed)),
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

function filters(overview: LicenseOverview, state: State, reload: (s: State) => void): HTMLElement {
  const q = state.query;
  const product = h("select", { name: "product" }, h("option", { value: "" }, "All products"),
    [...new Set(overview.products.map((p) => p.product))].map((key) => h("option", { value: key, selected: q.product === key }, key))) as HTMLSelectElement;
  const status = h("select", { name: "status" }, h("option", { value: "" }, "Any status"),
    (["active", "inactive", "never"] as const).map((s) => h("option", { value: s, selected: q.status === s }, s))) as HTMLSelectElement;
  const days = h("input", { name: "inactiveForDays", type: "number", min: 1, max: 3650, placeholder: "inactive for ≥ days", value: q.inactiveForDays ?? "" }) as HTMLInputElement;
  const search = h("input", { name: "q", type: "search", placeholder: "name or email", value: q.q ?? "" }) as HTMLInputElement;
  const limit = h("select", { name: "limit" }, [25, 50, 100, 200].map((n) => h("option", { value: n, selected: (q.limit ?? 50) === n }, `${n} a page`))) as HTMLSelectElement;
  const form = h("form", { class: "filters", id: "user-filters" },
    product, status, days, search, limit, h("button", { type: "submit" }, "Apply")) as HTMLFormElement;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    reload({ previous: [], query: {
      product: product.value || undefined,
      status: (status.value || undefined) as UserQuery["status"],
      inactiveForDays: days.value ? Number(days.value) : undefined,
      q: search.value.trim() || undefined,
      limit: Number(limit.value),
    } });
  });
  return form;
}

function userTable(api: Api, page: UserPage, refresh: () => void): HTMLElement {
  if (page.users.length === 0) {
    return h("p", { class: "note", id: "no-users" }, "No users match.");
  }
  return h("table", { class: "users", id: "users" },
    h("thead", {}, h("tr", {}, h("th", {}, "User"), h("th", {}, "Products (last active)"), h("th", {}, "Groups"), h("th", {}, ""))),
    h("tbody", {}, page.users.map((u) => row(api, u, refresh))));
}

function row(api: Api, user: UserRow, refresh: () => void): HTMLElement {
  return h("tr", { "data-account-id": user.accountId },
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
      reload({ previous, query: { ...state.query, cursor: state.previous[state.previous.length - 1] } });
    } }, "← Previous"),
    h("button", { type: "button", id: "next-page", disabled: !page.nextCursor, onclick: () => {
      reload({ previous: [...state.previous, state.query.cursor], query: { ...state.query, cursor: page.nextCursor ?? undefined } });
    } }, "Next →"));
}
