// The reference front end: Integrations, Licenses (with the Reclaim slider, CSV export and bulk reclaim jobs), the
// reclaim audit trail and reclaim policies, one hash route each. config.js (served beside this file) says where the API is and which token to sign in with.
import { Api, AppConfig } from "./api";
import { h } from "./dom";
import { integrationsScreen } from "./integrations";
import { licensesScreen } from "./licenses";
import { policiesScreen } from "./policies";
import { reclaimsScreen } from "./reclaims";

const SCREENS: Record<string, { title: string; render: (api: Api, root: HTMLElement, config: AppConfig) => Promise<void> }> = {
  integrations: { title: "Integrations", render: integrationsScreen },
  licenses: { title: "Licenses", render: (api, root) => licensesScreen(api, root) },
  reclaims: { title: "Reclaims", render: (api, root) => reclaimsScreen(api, root) },
  policies: { title: "Policies", render: (api, root) => policiesScreen(api, root) },
};

/** Who the token says is signed in (display only: the API checks the token). */
function signedInAs(token: string): string {
  try {
    const claims = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
    return `${String(claims.email ?? claims.sub ?? "?")} · tenant ${String(claims.tenant_id ?? "?")}`;
  } catch {
    return "a token that is not a JWT";
  }
}

function start(config: AppConfig): void {
  const api = new Api(config);
  const nav = h("nav", {}, Object.entries(SCREENS).map(([id, s]) => h("a", { href: `#/${id}`, id: `nav-${id}` }, s.title)));
  const main = h("main", { id: "screen" });
  document.body.replaceChildren(
    h("header", { class: "top" }, h("strong", {}, "Atlassian licenses"), nav,
      h("span", { class: "signed-in", id: "signed-in" }, `Signed in as ${signedInAs(config.token)} · API ${config.apiUrl}`)),
    main);
  const route = () => {
    const id = location.hash.replace(/^#\//, "") || "integrations";
    const screen = SCREENS[id] ?? SCREENS.integrations;
    nav.querySelectorAll("a").forEach((a) => a.classList.toggle("current", a.id === `nav-${id}`));
    document.getElementById("slider")?.remove();
    document.getElementById("bulk")?.remove();
    main.replaceChildren(h("p", { class: "busy" }, "Loading…"));
    main.dataset.screen = id;
    void screen.render(api, main, config);
  };
  window.addEventListener("hashchange", route);
  route();
}

if (window.APP_CONFIG) {
  start(window.APP_CONFIG);
} else {
  document.body.replaceChildren(h("p", { class: "problem" }, "No config.js: open the page from `make run` (it serves the page with the API URL and a local token)."));
}
