import { ApiProblem } from "./api";
import { h } from "./dom";

/** A problem+json as a person reads it: the message, then each field error (field: message). */
export function problemBox(error: unknown): HTMLElement {
  if (!(error instanceof ApiProblem)) {
    return h("div", { class: "problem", role: "alert" }, h("p", { class: "problem-detail" }, String(error)));
  }
  const p = error.problem;
  return h("div", { class: "problem", role: "alert", "data-code": p.code },
    h("p", { class: "problem-detail" }, p.detail),
    p.errors && p.errors.length > 0
      ? h("ul", { class: "problem-errors" }, p.errors.map((e) => h("li", { "data-field": e.field }, h("code", {}, e.field), ": ", e.message)))
      : null,
    h("p", { class: "problem-meta" }, `${p.status} ${p.title} · code ${p.code}`, p.requestId ? ` · request ${p.requestId}` : ""));
}
