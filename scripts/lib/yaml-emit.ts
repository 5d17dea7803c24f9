/**
 * YAML for plain JSON data (objects, arrays, strings, numbers, booleans, null), in block style as
 * kubectl and GitOps tools show it. A small emitter for the one shape the plan writes: at thousands
 * of manifests a general YAML library's stringify was a tenth of a plan's time. Strings are plain
 * where YAML reads them back as the same string, a literal block when they span lines, and
 * double-quoted (JSON's escapes are YAML's) otherwise; test/engine/yaml-emit.spec.ts reads every
 * manifest of the shipped stacks back with the `yaml` library and compares.
 */
export function toYaml(value: unknown): string {
  const lines: string[] = [];
  emitValue(value, 0, lines);
  return `${lines.join("\n")}\n`;
}

const RESERVED = /^(?:true|false|yes|no|on|off|y|n|null|~|\.nan|\.inf|-\.inf|\+\.inf)$/i;
const NUMBER_LIKE = /^[-+]?(?:\.?\d|0x|0o|\.(?:inf|nan))/i;
const PLAIN = /^[A-Za-z_/.][A-Za-z0-9_ ./:@=+,()-]*$/;
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_./-]*$/;

function key(name: string): string {
  return PLAIN_KEY.test(name) && !RESERVED.test(name) ? name : JSON.stringify(name);
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`toYaml: ${value} is not a JSON number`);
    return String(value);
  }
  const text = String(value);
  const plain =
    text.length > 0 &&
    PLAIN.test(text) &&
    !RESERVED.test(text) &&
    !NUMBER_LIKE.test(text) &&
    !text.endsWith(" ") &&
    !text.includes(": ") &&
    !text.includes(" #");
  return plain ? text : JSON.stringify(text);
}

/** A multi-line string as a literal block (`|` or `|-`), if it can be one exactly. */
function literalBlock(text: string, indent: number): string[] | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters a YAML literal block cannot hold
  if (!text.includes("\n") || /[\r\t\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u0085\u2028\u2029\ufeff]/.test(text))
    return undefined;
  const trailing = text.match(/\n*$/)![0].length;
  if (trailing > 1 || text.startsWith(" ") || text.startsWith("\n")) return undefined;
  const body = trailing ? text.slice(0, -1) : text;
  if (body.split("\n").some((line) => /\s$/.test(line))) return undefined;
  const pad = " ".repeat(indent);
  return [trailing ? "|" : "|-", ...body.split("\n").map((line) => (line.length ? pad + line : ""))];
}

function isCollection(value: unknown): value is Record<string, unknown> | unknown[] {
  return value !== null && typeof value === "object";
}

function isEmpty(value: Record<string, unknown> | unknown[]): boolean {
  return Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
}

/** Emits a value that starts on a new line at `indent` (a document, or a collection under a key). */
function emitValue(value: unknown, indent: number, lines: string[]): void {
  const pad = " ".repeat(indent);
  if (Array.isArray(value)) {
    if (!value.length) return void lines.push(`${pad}[]`);
    for (const item of value) emitItem(item, indent, lines);
  } else if (isCollection(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (!entries.length) return void lines.push(`${pad}{}`);
    for (const [name, inner] of entries) emitEntry(name, inner, indent, lines);
  } else {
    lines.push(pad + scalar(value));
  }
}

function emitEntry(name: string, value: unknown, indent: number, lines: string[]): void {
  const pad = " ".repeat(indent);
  if (isCollection(value) && !isEmpty(value)) {
    lines.push(`${pad}${key(name)}:`);
    // Sequence items may sit at the key's indentation, as kubectl writes them.
    emitValue(value, Array.isArray(value) ? indent : indent + 2, lines);
  } else if (typeof value === "string" && literalBlock(value, indent + 2)) {
    const [header, ...body] = literalBlock(value, indent + 2)!;
    lines.push(`${pad}${key(name)}: ${header}`, ...body);
  } else {
    lines.push(`${pad}${key(name)}: ${isCollection(value) ? (Array.isArray(value) ? "[]" : "{}") : scalar(value)}`);
  }
}

function emitItem(value: unknown, indent: number, lines: string[]): void {
  const pad = " ".repeat(indent);
  if (isCollection(value) && !isEmpty(value)) {
    const nested: string[] = [];
    emitValue(value, indent + 2, nested);
    // The first line of the item goes after the dash.
    lines.push(`${pad}- ${nested[0].slice(indent + 2)}`, ...nested.slice(1));
  } else if (typeof value === "string" && literalBlock(value, indent + 2)) {
    const [header, ...body] = literalBlock(value, indent + 2)!;
    lines.push(`${pad}- ${header}`, ...body);
  } else {
    lines.push(`${pad}- ${isCollection(value) ? (Array.isArray(value) ? "[]" : "{}") : scalar(value)}`);
  }
}
