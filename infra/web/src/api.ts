// A typed client for functions/openapi.yaml. Every type comes from build/api.d.ts, generated from the document at
// build time: a field the page reads that the document drops is a compile error, not a blank cell.
import type { components, operations } from "../build/api";

export type Schemas = components["schemas"];
export type Problem = Schemas["Problem"];
export type IntegrationType = Schemas["IntegrationTypeName"];
export type IntegrationOverview = Schemas["IntegrationOverview"];
export type IntegrationRow = IntegrationOverview["integrations"][number];
export type ConnectRequest = Schemas["ConnectRequest"];
export type Integration = Schemas["Integration"];
export type LicenseOverview = Schemas["LicenseOverview"];
export type ProductSeats = LicenseOverview["products"][number];
export type UserPage = Schemas["UserPage"];
export type UserRow = Schemas["UserRow"];
export type UserQuery = NonNullable<operations["listUsers"]["parameters"]["query"]>;
export type AccessGroups = Schemas["AccessGroups"];
export type AccessGroup = AccessGroups["groups"][number];
export type ReclaimRequest = Schemas["ReclaimRequest"];
export type ReclaimPlan = Schemas["ReclaimPlan"];
export type Reclaim = Schemas["Reclaim"];
export type ReclaimGroupResult = Schemas["ReclaimGroupResult"];
export type ReclaimPage = Schemas["ReclaimPage"];
export type Settings = Schemas["Settings"];
export type SettingsRequest = Schemas["SettingsRequest"];
type DisconnectAnswer = operations["disconnectIntegration"]["responses"]["200"]["content"]["application/json"];
type SyncAnswer = operations["requestSync"]["responses"]["202"]["content"]["application/json"];

/** What the serving page injects (config.js): where the API is and the bearer token it signs in with. */
export interface AppConfig {
  apiUrl: string;
  token: string;
  /** Only against the simulator's demo org: its (fake) credentials per connect form, to fill in with one click. */
  demo?: Partial<Record<IntegrationType, Record<string, string>>>;
}

declare global {
  interface Window {
    APP_CONFIG?: AppConfig;
  }
}

/** An answer other than 2xx, as the problem+json the API promises (or one made up for the gateway's and network's). */
export class ApiProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

function syntheticProblem(status: number, code: string, detail: string): Problem {
  return { type: "about:blank", title: code, status, code, detail };
}

export class Api {
  constructor(private readonly config: AppConfig) {}

  private async call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const init: RequestInit = { method, headers: { Authorization: `Bearer ${this.config.token}`, ...headers } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)["Content-Type"] = "application/json";
    }
    let response: Response;
    try {
      response = await fetch(this.config.apiUrl + path, init);
    } catch (e) {
      // fetch hides CORS refusals and refused connections alike behind a TypeError.
      throw new ApiProblem(syntheticProblem(0, "network", `The API at ${this.config.apiUrl} did not answer (${String(e)}). Is the local stack running, and does its CORS allow ${location.origin}?`));
    }
    const text = await response.text();
    const json: unknown = text ? JSON.parse(text) : undefined;
    if (response.ok) {
      return json as T;
    }
    if (isProblem(json)) {
      throw new ApiProblem(json);
    }
    // API Gateway's own answers ({"message":"Unauthorized"}) are not problem+json.
    const message = typeof json === "object" && json !== null && "message" in json ? String((json as { message: unknown }).message) : text;
    throw new ApiProblem(syntheticProblem(response.status, `http_${response.status}`, message || response.statusText));
  }

  listIntegrations(): Promise<IntegrationOverview> {
    return this.call("GET", "/integrations");
  }
  connect(type: IntegrationType, body: ConnectRequest): Promise<Integration> {
    return this.call("POST", `/integrations/${type}`, body);
  }
  /** A new key or token for a connected integration, checked like a connect; the synced data stays. */
  rotate(type: IntegrationType, body: ConnectRequest): Promise<Integration> {
    return this.call("PUT", `/integrations/${type}/credentials`, body);
  }
  disconnect(type: IntegrationType): Promise<DisconnectAnswer> {
    return this.call("DELETE", `/integrations/${type}`);
  }
  requestSync(type: IntegrationType): Promise<SyncAnswer> {
    return this.call("POST", `/integrations/${type}/sync`);
  }
  licenses(): Promise<LicenseOverview> {
    return this.call("GET", "/licenses");
  }
  settings(): Promise<Settings> {
    return this.call("GET", "/settings");
  }
  putSettings(request: SettingsRequest): Promise<Settings> {
    return this.call("PUT", "/settings", request);
  }
  users(query: UserQuery): Promise<UserPage> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== "") params.set(name, String(value));
    }
    const qs = params.toString();
    return this.call("GET", `/users${qs ? `?${qs}` : ""}`);
  }
  accessGroups(accountId: string): Promise<AccessGroups> {
    return this.call("GET", `/users/${encodeURIComponent(accountId)}/access-groups`);
  }
  planReclaim(request: ReclaimRequest): Promise<ReclaimPlan> {
    return this.call("POST", "/reclaims/plan", request);
  }
  /** The same key and body may be sent again after a lost answer: the API performs the removals once. */
  reclaim(request: ReclaimRequest, idempotencyKey: string): Promise<Reclaim> {
    return this.call("POST", "/reclaims", request, { "Idempotency-Key": idempotencyKey });
  }
  undo(reclaimId: string): Promise<Reclaim> {
    return this.call("POST", `/reclaims/${encodeURIComponent(reclaimId)}/undo`);
  }
  reclaims(cursor?: string): Promise<ReclaimPage> {
    return this.call("GET", `/reclaims${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`);
  }
}

function isProblem(value: unknown): value is Problem {
  return typeof value === "object" && value !== null && "code" in value && "detail" in value;
}
