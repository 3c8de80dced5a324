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
export type GroupRef = Schemas["GroupRef"];
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
export type ExportQuery = NonNullable<operations["exportUsers"]["parameters"]["query"]>;
export type Savings = Schemas["Savings"];
export type SavingsProduct = Savings["products"][number];
export type Reclaimed = Schemas["Reclaimed"];
export type SavingsHistory = Schemas["SavingsHistory"];
export type ReclaimJobSelection = Schemas["ReclaimJobSelection"];
export type ReclaimJobPlan = Schemas["ReclaimJobPlan"];
export type ReclaimJob = Schemas["ReclaimJob"];
export type ReclaimJobWithResults = Schemas["ReclaimJobWithResults"];
export type ReclaimJobPage = Schemas["ReclaimJobPage"];
export type Policy = Schemas["Policy"];
export type PolicyRequest = Schemas["PolicyRequest"];
export type PolicyEvaluation = Schemas["PolicyEvaluation"];
export type PolicyAction = Schemas["PolicyAction"];
export type PolicyActionStatus = PolicyAction["status"];
export type PolicyActionsApproval = Schemas["PolicyActionsApproval"];
type PolicyList = operations["listPolicies"]["responses"]["200"]["content"]["application/json"];
export type PolicyActionPage = operations["listPolicyActions"]["responses"]["200"]["content"]["application/json"];
export type PolicyApproval = operations["approvePolicyActions"]["responses"]["202"]["content"]["application/json"];
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

  /** The API's URL of a GET with these query parameters. */
  url(path: string, query: Query = {}): string {
    return this.config.apiUrl + withQuery(path, query);
  }

  /** The answer's body as text; any answer other than 2xx thrown as an ApiProblem. */
  private async send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<string> {
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
    if (!response.ok) {
      throw problemOf(response, text);
    }
    return text;
  }

  private async call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const text = await this.send(method, path, body, headers);
    return (text ? JSON.parse(text) : undefined) as T;
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
    return this.call("GET", withQuery("/users", query));
  }
  /** GET /users/export's URL for these filters: what the Export link shows (it needs the bearer token to be fetched). */
  exportUrl(query: ExportQuery): string {
    return this.url("/users/export", query);
  }
  /** The CSV of the whole filtered list (same filters and sort as GET /users). */
  async exportUsers(query: ExportQuery): Promise<string> {
    return this.send("GET", withQuery("/users/export", query));
  }
  savings(): Promise<Savings> {
    return this.call("GET", "/savings");
  }
  /** One item per day that has one, oldest first; the API's default range is the 30 days up to today (UTC). */
  savingsHistory(): Promise<SavingsHistory> {
    return this.call("GET", "/savings/history");
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
  planReclaimJob(selection: ReclaimJobSelection): Promise<ReclaimJobPlan> {
    return this.call("POST", "/reclaim-jobs/plan", selection);
  }
  /** One key per plan: the same key and plan answer the same job, so a Start pressed again never runs it twice. */
  startReclaimJob(planId: string, idempotencyKey: string): Promise<ReclaimJob> {
    return this.call("POST", "/reclaim-jobs", { planId }, { "Idempotency-Key": idempotencyKey });
  }
  reclaimJob(id: string, cursor?: string): Promise<ReclaimJobWithResults> {
    return this.call("GET", withQuery(`/reclaim-jobs/${encodeURIComponent(id)}`, { cursor }));
  }
  /** The tenant's bulk jobs (and their undos), newest first. */
  reclaimJobs(cursor?: string): Promise<ReclaimJobPage> {
    return this.call("GET", withQuery("/reclaim-jobs", { cursor, limit: 10 }));
  }
  cancelReclaimJob(id: string): Promise<ReclaimJob> {
    return this.call("POST", `/reclaim-jobs/${encodeURIComponent(id)}/cancel`);
  }
  /** Asking again answers the same undo job. */
  undoReclaimJob(id: string): Promise<ReclaimJob> {
    return this.call("POST", `/reclaim-jobs/${encodeURIComponent(id)}/undo`);
  }
  async policies(): Promise<Policy[]> {
    return (await this.call<PolicyList>("GET", "/policies")).policies;
  }
  createPolicy(request: PolicyRequest): Promise<Policy> {
    return this.call("POST", "/policies", request);
  }
  /** PUT replaces the rules: fields left out take their defaults, so send the whole policy. */
  updatePolicy(id: string, request: PolicyRequest): Promise<Policy> {
    return this.call("PUT", `/policies/${encodeURIComponent(id)}`, request);
  }
  deletePolicy(id: string): Promise<void> {
    return this.call("DELETE", `/policies/${encodeURIComponent(id)}`);
  }
  previewPolicy(id: string): Promise<PolicyEvaluation> {
    return this.call("POST", `/policies/${encodeURIComponent(id)}/preview`);
  }
  policyActions(status: PolicyActionStatus | undefined, cursor?: string): Promise<PolicyActionPage> {
    return this.call("GET", withQuery("/policy-actions", { status, cursor }));
  }
  approvePolicyAction(id: string): Promise<PolicyAction> {
    return this.call("POST", `/policy-actions/${encodeURIComponent(id)}/approve`);
  }
  rejectPolicyAction(id: string): Promise<PolicyAction> {
    return this.call("POST", `/policy-actions/${encodeURIComponent(id)}/reject`);
  }
  /** Many pending actions as one bulk reclaim job; the same key and body answer the same job. */
  approvePolicyActions(approval: PolicyActionsApproval, idempotencyKey: string): Promise<PolicyApproval> {
    return this.call("POST", "/policy-actions/approve", approval, { "Idempotency-Key": idempotencyKey });
  }
}

type Query = Record<string, string | number | undefined>;

/** A path with its query parameters, empty ones left out. */
function withQuery(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== "") params.set(name, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** A refused answer as the problem+json the API promises, or one made up for API Gateway's own answers. */
function problemOf(response: Response, text: string): ApiProblem {
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (isProblem(json)) {
    return new ApiProblem(json);
  }
  // API Gateway's own answers ({"message":"Unauthorized"}) are not problem+json.
  const message = typeof json === "object" && json !== null && "message" in json ? String((json as { message: unknown }).message) : text;
  return new ApiProblem(syntheticProblem(response.status, `http_${response.status}`, message || response.statusText));
}

/** An idempotency key, generated once per request a person confirms. */
export function newKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function isProblem(value: unknown): value is Problem {
  return typeof value === "object" && value !== null && "code" in value && "detail" in value;
}
