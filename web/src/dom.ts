// DOM helpers: every piece of text goes in as a text node, never as HTML.

type Child = Node | string | null | undefined | false;

export interface ElOptions {
  class?: string;
  text?: string;
  testid?: string;
  attrs?: Record<string, string>;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, options: ElOptions = {}, children: Child[] = []): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.class) node.className = options.class;
  if (options.testid) node.dataset.testid = options.testid;
  for (const [name, value] of Object.entries(options.attrs ?? {})) node.setAttribute(name, value);
  if (options.text !== undefined) node.textContent = options.text;
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

export function required<T extends Element>(root: ParentNode, selector: string): T {
  const found = root.querySelector<T>(selector);
  if (!found) throw new Error(`dashboard markup lacks ${selector}`);
  return found;
}

/** A link only for http(s) URLs: anything else (javascript:, data:) is shown as plain text. */
export function safeLink(url: string | null, text: string): HTMLElement {
  if (url && /^https?:\/\//i.test(url)) {
    return el("a", { text, attrs: { href: url, target: "_blank", rel: "noopener noreferrer" } });
  }
  return el("span", { text });
}
