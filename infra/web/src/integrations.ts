// Settings > Integrations: connect Atlassian (org ID + org API key + expiry) first, then the products below it.
import { Api, AppConfig, ConnectRequest, IntegrationOverview, IntegrationRow, IntegrationType } from "./api";
import { formatDate, h, rendering } from "./dom";
import { problemBox } from "./problem";

interface Field {
  name: string;
  label: string;
  type?: string;
  placeholder?: string;
  required?: boolean;
}

const FORMS: { type: IntegrationType; title: string; fields: Field[] }[] = [
  { type: "atlassian", title: "Atlassian organization", fields: [
    { name: "orgId", label: "Organization ID", required: true },
    { name: "apiKey", label: "Org API key (without scopes)", type: "password", required: true },
    { name: "apiKeyExpiresOn", label: "Key expires on", type: "date" },
  ] },
  { type: "jira", title: "Jira", fields: siteFields() },
  { type: "confluence", title: "Confluence", fields: siteFields() },
  { type: "trello", title: "Trello Enterprise", fields: [
    { name: "apiKey", label: "API key", type: "password", required: true },
    { name: "token", label: "Token", type: "password", required: true },
    { name: "enterpriseId", label: "Enterprise ID", required: true },
    { name: "expiresOn", label: "Token expires on", type: "date" },
  ] },
  { type: "bitbucket", title: "Bitbucket", fields: [
    { name: "workspace", label: "Workspace", required: true },
    { name: "email", label: "Admin email", type: "email", required: true },
    { name: "apiToken", label: "API token", type: "password", required: true },
    { name: "expiresOn", label: "Token expires on", type: "date" },
  ] },
];

function siteFields(): Field[] {
  return [
    { name: "siteUrl", label: "Site URL", placeholder: "https://your-site.atlassian.net", required: true },
    { name: "email", label: "Site admin email", type: "email", required: true },
    { name: "apiToken", label: "API token", type: "password", required: true },
    { name: "expiresOn", label: "Token expires on", type: "date" },
  ];
}

export async function integrationsScreen(api: Api, root: HTMLElement, config: AppConfig): Promise<void> {
  const done = rendering(root, "integrations");
  let overview: IntegrationOverview;
  try {
    overview = await api.listIntegrations();
  } catch (e) {
    root.replaceChildren(h("h1", {}, "Integrations"), problemBox(e));
    return done();
  }
  const rerender = () => integrationsScreen(api, root, config);
  root.replaceChildren(
    h("h1", {}, "Integrations"),
    h("p", { class: overview.reclaimEnabled ? "note ok" : "note", id: "reclaim-state" }, overview.reclaimEnabled
      ? "Reclaim is open: Atlassian, Jira and Confluence are connected."
      : `Reclaim opens once these are connected: ${overview.reclaimRequires.join(", ")}.`),
    h("div", { class: "integrations" }, FORMS.map((form) => card(api, form, overview.integrations.find((i) => i.type === form.type), rerender, config.demo?.[form.type]))),
  );
  done();
}

function card(api: Api, form: (typeof FORMS)[number], row: IntegrationRow | undefined, rerender: () => void,
              demo: Record<string, string> | undefined): HTMLElement {
  const connected = row !== undefined && row.status !== "disconnected";
  const messages = h("div", { class: "messages" });
  const status = h("dl", { class: "status" },
    h("dt", {}, "Status"), h("dd", { class: `badge ${row?.status ?? "not-connected"}`, "data-test": "status" }, row?.status ?? "not connected"),
    connected ? [h("dt", {}, "Last sync"), h("dd", { "data-test": "last-sync" }, formatDate(row.lastSuccessfulSyncAt))] : null,
    connected && row.connectedBy ? [h("dt", {}, "Connected by"), h("dd", {}, `${row.connectedBy} on ${formatDate(row.connectedAt)}`)] : null,
    connected && row.credentialExpiresOn
      ? [h("dt", {}, "Credential expires"), h("dd", {}, row.credentialExpiresOn, row.credentialDaysLeft != null ? ` (${row.credentialDaysLeft} days left)` : "")]
      : null,
  );
  const warnings = [
    row?.credentialWarning ? h("p", { class: "warning", "data-test": "credential-warning" }, row.credentialWarning) : null,
    row?.lastError ? h("p", { class: "error", "data-test": "last-error" }, row.lastError) : null,
  ];

  const inputs = form.fields.map((f) => h("label", {}, f.label, h("input", {
    name: f.name, type: f.type ?? "text", placeholder: f.placeholder, required: f.required, autocomplete: "off",
  })));
  const formEl = h("form", { id: `form-${form.type}`, class: "connect", novalidate: true }, inputs,
    h("button", { type: "submit" }, connected ? "Rotate credentials" : `Connect ${form.title}`),
    demo ? h("button", { type: "button", class: "demo-fill", "data-test": "demo-fill", onclick: () => {
      for (const [name, value] of Object.entries(demo)) {
        const input = formEl.elements.namedItem(name);
        if (input instanceof HTMLInputElement) input.value = value;
      }
    } }, "Fill in the demo org's values") : null) as HTMLFormElement;
  formEl.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body: Record<string, string> = {};
    for (const f of form.fields) {
      const value = (formEl.elements.namedItem(f.name) as HTMLInputElement).value.trim();
      if (value !== "") body[f.name] = value;
    }
    messages.replaceChildren(h("p", { class: "busy" }, "Checking the credentials with Atlassian…"));
    try {
      // The server checks the shape (problem+json with field errors); the page sends what was typed.
      const request = body as unknown as ConnectRequest;
      await (connected ? api.rotate(form.type, request) : api.connect(form.type, request));
      rerender();
    } catch (e) {
      messages.replaceChildren(problemBox(e));
    }
  });

  const actions = connected ? h("div", { class: "actions" },
    h("button", { type: "button", "data-test": "sync", onclick: async () => {
      try {
        await api.requestSync(form.type);
        messages.replaceChildren(h("p", { class: "note ok" }, "Sync requested."));
      } catch (e) {
        messages.replaceChildren(problemBox(e));
      }
    } }, "Sync now"),
    h("button", { type: "button", class: "danger", "data-test": "disconnect", onclick: async () => {
      const what = form.type === "atlassian" ? "Atlassian and every product below it, with the synced license data" : form.title;
      if (!confirm(`Disconnect ${what}?`)) return;
      try {
        await api.disconnect(form.type);
        rerender();
      } catch (e) {
        messages.replaceChildren(problemBox(e));
      }
    } }, "Disconnect")) : null;

  return h("section", { class: "card integration", "data-integration": form.type },
    h("h2", {}, form.title), status, warnings, actions, formEl, messages);
}
