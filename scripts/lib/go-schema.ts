/**
 * Reads the resource schemas of a Terraform provider written with terraform-plugin-sdk/v2 (Go
 * source, not compiled): the nested `"field": { ... }` literals of `map[string]*schema.Schema`,
 * which of them carry `ForceNew: true`, the schema functions and variables they reference
 * (`"node_config": schemaNodeConfig()`, `tpgresource.MergeSchemas(a, b)`, `Elem: resourceX()`),
 * and the CustomizeDiff helpers that force a new resource on a named field
 * (`customdiff.ForceNewIfChange("field", ...)`, `d.ForceNew("a.0.b")`).
 *
 * A reader for generating the replace-on-change table (scripts/generate-replace-on-change.ts), not
 * a Go parser: it relies on the provider's uniform literal style (hashicorp/terraform-provider-google-beta).
 */

export interface SchemaField {
  /** The schema's `ForceNew: true`. */
  forceNew: boolean;
  /** `Type: schema.TypeList` etc., when written. */
  type?: string;
  children: Map<string, SchemaField>;
  /** Schema definitions merged under this field (resolved later). */
  refs: string[];
}

/** A top-level `func NAME(...)` or `var NAME =` that defines or returns schema. */
export interface SchemaDefinition {
  name: string;
  /** A function returning, or a variable holding, `*schema.Schema`, `*schema.Resource` or `map[string]*schema.Schema`. */
  definesSchema: boolean;
  root: SchemaField;
  /** Field paths (TF attribute syntax, e.g. `dns_config.0.additive_vpc_scope_dns_domain`) forced new in code. */
  customForceNew: string[];
}

type Token = { kind: "string" | "ident" | "punct"; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i];
    if (c === "/" && source[i + 1] === "/") {
      while (i < n && source[i] !== "\n") i++;
    } else if (c === "/" && source[i + 1] === "*") {
      i = source.indexOf("*/", i + 2);
      i = i < 0 ? n : i + 2;
    } else if (c === '"') {
      let j = i + 1;
      let text = "";
      while (j < n && source[j] !== '"') {
        if (source[j] === "\\") j++;
        text += source[j];
        j++;
      }
      tokens.push({ kind: "string", text });
      i = j + 1;
    } else if (c === "`") {
      const j = source.indexOf("`", i + 1);
      tokens.push({ kind: "string", text: source.slice(i + 1, j) });
      i = j + 1;
    } else if (c === "'") {
      let j = i + 1;
      while (j < n && source[j] !== "'") j += source[j] === "\\" ? 2 : 1;
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < n && /[A-Za-z0-9_.]/.test(source[j])) j++;
      tokens.push({ kind: "ident", text: source.slice(i, j) });
      i = j;
    } else if ("{}(),:=".includes(c)) {
      tokens.push({ kind: "punct", text: c });
      i++;
    } else {
      i++;
    }
  }
  return tokens;
}

const field = (): SchemaField => ({ forceNew: false, children: new Map(), refs: [] });

/** The last segment of a possibly qualified Go identifier (`tpgresource.MergeSchemas` → `MergeSchemas`). */
const bare = (ident: string) => ident.slice(ident.lastIndexOf(".") + 1);

/** Every top-level function and variable of a Go file, with the schema fields written in it. */
export function readSchemaDefinitions(source: string): SchemaDefinition[] {
  const tokens = tokenize(source);
  const definitions: SchemaDefinition[] = [];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i];
    const isFunc = t.kind === "ident" && t.text === "func";
    const isVar = t.kind === "ident" && t.text === "var";
    if (!isFunc && !isVar) {
      i++;
      continue;
    }
    // func NAME( or func (recv) NAME(: methods are skipped (their name follows a receiver).
    const nameToken = tokens[i + 1];
    if (nameToken?.kind !== "ident" || (isVar && tokens[i + 2]?.text !== "=")) {
      i++;
      continue;
    }
    // The body: from the first "{" after the signature to its matching "}".
    let j = i + 2;
    let parens = 0;
    while (j < tokens.length) {
      const x = tokens[j].text;
      if (x === "(") parens++;
      else if (x === ")") parens--;
      else if (x === "{" && parens === 0) break;
      j++;
    }
    const end = matching(tokens, j);
    // The signature's result (or the variable's type): the tokens between the name and the body.
    const signature = tokens.slice(i + 2, j).map((x) => x.text);
    const definesSchema =
      signature.some((x) => x === "schema.Schema" || x === "schema.Resource") &&
      !signature.includes("schema.ResourceData");
    definitions.push({ ...readBody(nameToken.text, tokens.slice(j, end + 1)), definesSchema });
    i = end + 1;
  }
  return definitions;
}

function matching(tokens: Token[], open: number): number {
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    if (tokens[k].text === "{") depth++;
    else if (tokens[k].text === "}" && --depth === 0) return k;
  }
  return tokens.length - 1;
}

function readBody(name: string, tokens: Token[]): Omit<SchemaDefinition, "definesSchema"> {
  const root = field();
  const customForceNew: string[] = [];
  // A frame per "{": the field it opens, or the enclosing one for any other literal.
  const stack: SchemaField[] = [];
  const current = () => stack[stack.length - 1] ?? root;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    const next = tokens[k + 1];
    if (t.kind === "string" && next?.text === ":" && tokens[k + 2]?.text === "{" && /^[a-z0-9_]+$/.test(t.text)) {
      const f = current().children.get(t.text) ?? field();
      current().children.set(t.text, f);
      stack.push(f);
      k += 2;
    } else if (
      t.kind === "string" &&
      next?.text === ":" &&
      tokens[k + 2]?.kind === "ident" &&
      /^[a-z0-9_]+$/.test(t.text)
    ) {
      // "node_config": schemaNodeConfig(),  or  "labels": someSchemaVar,
      const f = current().children.get(t.text) ?? field();
      f.refs.push(bare(tokens[k + 2].text));
      current().children.set(t.text, f);
      k += 2;
    } else if (t.text === "{") {
      stack.push(current());
    } else if (t.text === "}") {
      stack.pop();
    } else if (t.kind === "ident" && t.text === "ForceNew" && next?.text === ":" && tokens[k + 2]?.text === "true") {
      current().forceNew = true;
    } else if (t.kind === "ident" && t.text === "Type" && next?.text === ":" && tokens[k + 2]?.kind === "ident") {
      if (!current().type) current().type = bare(tokens[k + 2].text);
    } else if (t.kind === "ident" && /(^|\.)(ForceNewIfChange|ForceNewIf)$/.test(t.text) && next?.text === "(") {
      if (tokens[k + 2]?.kind === "string") customForceNew.push(tokens[k + 2].text);
    } else if (t.kind === "ident" && /\.ForceNew$/.test(t.text) && next?.text === "(") {
      if (tokens[k + 2]?.kind === "string") customForceNew.push(tokens[k + 2].text);
    } else if (
      (t.kind === "ident" && next?.text === "(") ||
      (t.kind === "ident" && (next?.text === "," || next?.text === ")"))
    ) {
      // A call or an argument: a schema function or variable merged here (resolved against the definitions later).
      current().refs.push(bare(t.text));
    }
  }
  return { name, root, customForceNew };
}

/** Resolves references against the definitions, merging the fields they define. */
export function resolveField(
  f: SchemaField,
  definitions: ReadonlyMap<string, SchemaDefinition>,
  seen: ReadonlySet<string> = new Set(),
): SchemaField {
  const out: SchemaField = { forceNew: f.forceNew, type: f.type, children: new Map(), refs: [] };
  const merge = (from: SchemaField) => {
    out.forceNew ||= from.forceNew;
    out.type ??= from.type;
    for (const [key, child] of from.children) {
      const resolved = resolveField(child, definitions, seen);
      const existing = out.children.get(key);
      out.children.set(key, existing ? mergeFields(existing, resolved) : resolved);
    }
  };
  for (const [key, child] of f.children) out.children.set(key, resolveField(child, definitions, seen));
  for (const ref of f.refs) {
    const def = definitions.get(ref);
    if (!def?.definesSchema || seen.has(ref)) continue;
    merge(resolveField(def.root, definitions, new Set([...seen, ref])));
  }
  return out;
}

function mergeFields(a: SchemaField, b: SchemaField): SchemaField {
  const children = new Map(a.children);
  for (const [key, child] of b.children) {
    const existing = children.get(key);
    children.set(key, existing ? mergeFields(existing, child) : child);
  }
  return { forceNew: a.forceNew || b.forceNew, type: a.type ?? b.type, children, refs: [] };
}

/** The CustomizeDiff ForceNew paths of a definition and every definition it references. */
export function customForceNewOf(
  def: SchemaDefinition,
  definitions: ReadonlyMap<string, SchemaDefinition>,
  seen: Set<string> = new Set(),
): string[] {
  if (seen.has(def.name)) return [];
  seen.add(def.name);
  const refs: string[] = [];
  const walk = (f: SchemaField) => {
    refs.push(...f.refs);
    for (const child of f.children.values()) walk(child);
  };
  walk(def.root);
  return [
    ...def.customForceNew,
    ...refs.flatMap((ref) => {
      const d = definitions.get(ref);
      return d ? customForceNewOf(d, definitions, seen) : [];
    }),
  ];
}
