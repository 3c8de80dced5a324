// Just enough DOM building for a reference page: elements from a tag, attributes and children.
import type { GroupRef } from "./api";
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | boolean | number | EventListener | undefined>;

export function h(tag: string, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(name.replace(/^on/, ""), value);
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === "number" ? String(child) : child);
  }
  return el;
}

/** Marks a screen as rendered (data-loaded on its root), for people's scripts and the browser test alike. */
export function rendering(root: HTMLElement, screen: string): () => void {
  delete root.dataset.loaded;
  return () => {
    root.dataset.loaded = screen;
  };
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "never";
  const d = new Date(iso);
  return isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

export function money(amount: number | undefined): string {
  return amount === undefined ? "no seat price set" : `$${amount.toFixed(2)}/month`;
}

/** Groups a reclaim removes, by name (by id where the synced data has no name), the id on hover. */
export function groupNames(groups: GroupRef[]): (HTMLElement | string)[] {
  return groups.flatMap((g, i) => [i > 0 ? ", " : "", h("span", { class: "group", "data-group-id": g.id, title: g.id }, g.name ?? g.id)]);
}
