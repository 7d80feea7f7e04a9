// The filter state shared by every view, its URL form, and the filter bar that edits it.
import { QUAD_NAMES } from "./colors";
import { el } from "./dom";

export const FILTER_KEYS = ["actor", "source", "target", "country", "type", "quad", "status", "since", "until", "q"] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type Filters = Partial<Record<FilterKey, string>>;

export const STATUSES = ["asserted", "claimed", "denied", "negated", "hypothetical"] as const;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Trimmed, normalised filters with empty values dropped (codes upper-cased as the API stores them). */
export function cleanFilters(raw: Partial<Record<string, string | null | undefined>>): Filters {
  const out: Filters = {};
  for (const key of FILTER_KEYS) {
    let value = (raw[key] ?? "").trim();
    if (!value) continue;
    if (key === "actor" || key === "source" || key === "target" || key === "country" || key === "type") {
      value = value.toUpperCase().replace(/\s+/g, " ");
    }
    if (key === "status") value = value.toLowerCase();
    out[key] = value;
  }
  return out;
}

/** Problems the filter bar reports before asking the server (the server checks again). */
export function filterProblems(filters: Filters): string[] {
  const problems: string[] = [];
  if (filters.quad !== undefined && !/^[0-4]$/.test(filters.quad)) problems.push("quad must be 0 to 4");
  for (const key of ["since", "until"] as const) {
    const value = filters[key];
    if (value !== undefined && !DATE.test(value)) problems.push(`${key} must be YYYY-MM-DD`);
  }
  if (filters.since && filters.until && filters.since > filters.until) problems.push("since is after until");
  return problems;
}

export function filterParams(filters: Filters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  return params;
}

export function filtersFromSearch(search: string): Filters {
  const params = new URLSearchParams(search);
  return cleanFilters(Object.fromEntries(FILTER_KEYS.map((key) => [key, params.get(key)])));
}

export function sameFilters(a: Filters, b: Filters): boolean {
  return FILTER_KEYS.every((key) => (a[key] ?? "") === (b[key] ?? ""));
}

interface FieldSpec {
  key: FilterKey;
  label: string;
  input: () => HTMLInputElement | HTMLSelectElement;
}

function textInput(placeholder: string, { size = 8, type = "text" }: { size?: number; type?: string } = {}): HTMLInputElement {
  const input = el("input", { attrs: { type, placeholder, size: String(size), spellcheck: "false" } });
  return input;
}

function select(options: [string, string][]): HTMLSelectElement {
  return el(
    "select",
    {},
    options.map(([value, label]) => el("option", { text: label, attrs: { value } })),
  );
}

/** The filter bar: a form whose fields mirror `Filters`; `onApply` gets the cleaned filters. */
export class FilterBar {
  private readonly form: HTMLFormElement;
  private readonly fields = new Map<FilterKey, HTMLInputElement | HTMLSelectElement>();
  private readonly typeList: HTMLDataListElement;

  constructor(form: HTMLFormElement, private readonly onApply: (filters: Filters) => void) {
    this.form = form;
    this.typeList = el("datalist", { attrs: { id: "plover-types" } });
    const specs: FieldSpec[] = [
      { key: "actor", label: "Actor", input: () => textInput("RUS, USA GOV") },
      { key: "source", label: "Source", input: () => textInput("any") },
      { key: "target", label: "Target", input: () => textInput("any") },
      { key: "country", label: "Country", input: () => textInput("SYR", { size: 4 }) },
      {
        key: "type",
        label: "Type",
        input: () => {
          const input = textInput("ASSAULT", { size: 10 });
          input.setAttribute("list", "plover-types");
          return input;
        },
      },
      { key: "quad", label: "Quad", input: () => select([["", "any"], ...QUAD_NAMES.map((name, i): [string, string] => [String(i), `${i} ${name}`])]) },
      { key: "status", label: "Status", input: () => select([["", "any"], ...STATUSES.map((s): [string, string] => [s, s])]) },
      { key: "since", label: "Since", input: () => textInput("YYYY-MM-DD", { type: "date" }) },
      { key: "until", label: "Until", input: () => textInput("YYYY-MM-DD", { type: "date" }) },
      { key: "q", label: "Text", input: () => textInput("words in the sentence", { size: 14, type: "search" }) },
    ];
    for (const spec of specs) {
      const input = spec.input();
      input.name = spec.key;
      input.dataset.testid = `filter-${spec.key}`;
      input.id = `filter-${spec.key}`;
      this.fields.set(spec.key, input);
      form.append(el("label", { class: `field field-${spec.key}`, attrs: { for: input.id } }, [el("span", { text: spec.label }), input]));
    }
    const apply = el("button", { text: "Apply", testid: "filter-apply", attrs: { type: "submit" } });
    const reset = el("button", { text: "Reset", testid: "filter-reset", attrs: { type: "button" } });
    form.append(el("div", { class: "buttons" }, [apply, reset]), this.typeList);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.onApply(this.read());
    });
    // selects and dates apply at once; text fields on Enter / leaving the field
    form.addEventListener("change", () => this.onApply(this.read()));
    reset.addEventListener("click", () => {
      this.write({});
      this.onApply({});
    });
  }

  read(): Filters {
    return cleanFilters(Object.fromEntries([...this.fields].map(([key, input]) => [key, input.value])));
  }

  write(filters: Filters): void {
    for (const [key, input] of this.fields) input.value = filters[key] ?? "";
  }

  setTypes(types: string[]): void {
    this.typeList.replaceChildren(...types.map((type) => el("option", { attrs: { value: type } })));
  }

  setBusy(busy: boolean): void {
    this.form.classList.toggle("busy", busy);
  }
}
