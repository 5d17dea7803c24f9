import type { z } from "zod";
import { CONFIG_NAMESPACE } from "../../../stacks/config/load";
import type { Profile } from "../../../stacks/config/profiles";
import { escapeCell, markdownTable } from "./markdown";

/**
 * The configuration reference (docs/configuration.md), walked from the config schema and the
 * profiles: every key with its type, what it allows, its default in each profile and its
 * description (zod's `.describe()`). Generic: a key added to the schema appears here without a
 * change to this file. Reads zod 4's schema definitions (`_zod.def`: type, shape, element,
 * innerType, defaultValue, entries, checks), the structure zod's own `z.toJSONSchema` walks
 * (zod v4.6 packages/zod/src/v4/core/to-json-schema.ts).
 */

/** One key of the reference: its dotted path (`cluster.systemPool.max`, `gpuPools[].name`). */
export interface ConfigKey {
  readonly path: string;
  readonly type: string;
  /** The schema's own default (`.default()`), shown where no profile sets the key. */
  readonly schemaDefault?: unknown;
  readonly optional: boolean;
  readonly description?: string;
}

// The parts of zod 4's schema definitions the walker reads.
interface Def {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly element?: z.ZodType;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly keyType?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly entries?: Record<string, string | number>;
  readonly values?: readonly unknown[];
  readonly defaultValue?: unknown;
  readonly checks?: readonly { readonly _zod: { readonly def: CheckDef } }[];
}
interface CheckDef {
  readonly check: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly value?: number;
  readonly inclusive?: boolean;
  readonly format?: string;
  readonly pattern?: RegExp;
  readonly error?: (issue: unknown) => unknown;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
const descriptionOf = (schema: z.ZodType): string | undefined => (schema as { description?: string }).description;

/** The schema under optional, default and similar wrappers, with what the wrappers said. */
function unwrap(schema: z.ZodType): {
  inner: z.ZodType;
  optional: boolean;
  schemaDefault?: unknown;
  description?: string;
} {
  let inner = schema;
  let optional = false;
  let schemaDefault: unknown;
  let description = descriptionOf(schema);
  for (;;) {
    const def = defOf(inner);
    if (def.type === "optional" || def.type === "nullable" || def.type === "readonly") {
      optional ||= def.type === "optional";
      inner = def.innerType!;
    } else if (def.type === "default" || def.type === "prefault") {
      schemaDefault ??= def.defaultValue;
      inner = def.innerType!;
    } else if (def.type === "pipe") {
      inner = def.in!;
    } else {
      break;
    }
    description ??= descriptionOf(inner);
  }
  return { inner, optional, schemaDefault, description };
}

/** A check's own message, when it does not depend on the value given (a constant "allowed" text). */
function constantMessage(check: CheckDef): string | undefined {
  if (!check.error) return undefined;
  try {
    const a = check.error({ input: "a", code: "custom" });
    const b = check.error({ input: "b", code: "custom" });
    return typeof a === "string" && a === b ? a : undefined;
  } catch {
    return undefined;
  }
}

function bounds(checks: readonly CheckDef[], unit: string): string[] {
  const parts: string[] = [];
  let min: number | undefined;
  let max: number | undefined;
  for (const check of checks) {
    if (check.check === "min_length") min = check.minimum;
    if (check.check === "max_length") max = check.maximum;
    if (check.check === "greater_than") parts.push(`${check.inclusive ? ">=" : ">"} ${check.value}`);
    if (check.check === "less_than") parts.push(`${check.inclusive ? "<=" : "<"} ${check.value}`);
  }
  if (min !== undefined && max !== undefined) parts.push(`${min}-${max} ${unit}`);
  else if (min !== undefined) parts.push(`at least ${min} ${unit}`);
  else if (max !== undefined) parts.push(`at most ${max} ${unit}`);
  return parts;
}

/** What a leaf accepts, in words: `integer, >= 1, <= 365`, `` `zonal` \| `regional` ``, a format's message. */
export function typeOf(schema: z.ZodType): string {
  const { inner } = unwrap(schema);
  const def = defOf(inner);
  const checks = (def.checks ?? []).map((c) => c._zod.def);
  const messages = checks.map(constantMessage).filter((m): m is string => m !== undefined);
  switch (def.type) {
    case "string": {
      if (messages.length) return `string: ${messages.join("; ")}`;
      const patterns = checks.filter((c) => c.format === "regex" && c.pattern).map((c) => `\`${c.pattern!.source}\``);
      return ["string", ...bounds(checks, "characters"), ...patterns].join(", ");
    }
    case "number": {
      const integer = checks.some((c) => c.check === "number_format" && /int/.test(c.format ?? ""));
      return [integer ? "integer" : "number", ...bounds(checks, ""), ...messages].join(", ");
    }
    case "boolean":
      return "boolean";
    case "enum":
      return Object.values(def.entries ?? {})
        .map((v) => `\`${v}\``)
        .join(" | ");
    case "literal":
      return (def.values ?? []).map((v) => `\`${JSON.stringify(v)}\``).join(" | ");
    case "array":
      return [`list of ${typeOf(def.element!)}`, ...bounds(checks, "items"), ...messages].join(", ");
    case "record":
      return `map of ${typeOf(def.keyType!)} to ${typeOf(def.valueType!)}${messages.length ? `; ${messages.join("; ")}` : ""}`;
    case "object":
      return "object";
    default:
      return def.type;
  }
}

/** Every key under a schema, depth first in the schema's order; arrays of objects as `key[].field`. */
export function configKeys(schema: z.ZodType, prefix = ""): ConfigKey[] {
  const { inner } = unwrap(schema);
  const def = defOf(inner);
  const keys: ConfigKey[] = [];
  if (def.type !== "object") return keys;
  for (const [name, child] of Object.entries(def.shape ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name;
    const wrapped = unwrap(child);
    const childDef = defOf(wrapped.inner);
    const elementObject =
      childDef.type === "array" && defOf(unwrap(childDef.element!).inner).type === "object"
        ? childDef.element
        : undefined;
    const key: ConfigKey = {
      path,
      type:
        childDef.type === "object"
          ? "object"
          : elementObject
            ? `list of objects${arrayBounds(childDef)}`
            : typeOf(child),
      optional: wrapped.optional,
      ...(wrapped.schemaDefault !== undefined ? { schemaDefault: wrapped.schemaDefault } : {}),
      ...(wrapped.description ? { description: wrapped.description } : {}),
    };
    keys.push(key);
    if (childDef.type === "object") keys.push(...configKeys(wrapped.inner, path));
    if (elementObject) keys.push(...configKeys(elementObject, `${path}[]`));
  }
  return keys;
}

function arrayBounds(def: Def): string {
  const parts = bounds(
    (def.checks ?? []).map((c) => c._zod.def),
    "items",
  );
  return parts.length ? `, ${parts.join(", ")}` : "";
}

/**
 * A key's default in a profile: the profile's value at the key's path (`gpuPools[].x` from the
 * profile's `gpuPool` defaults), else undefined.
 */
export function profileDefault(profile: Profile, path: string): unknown {
  const [head, ...rest] = path.split("[].");
  let value: unknown;
  if (rest.length === 0) value = at(profile.settings, head!.split("."));
  else if (head === "gpuPools" && rest.length === 1) value = at(profile.gpuPool, rest[0]!.split("."));
  return value;
}

function at(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== "object" || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** A default value as the stack file would hold it, in a table cell. */
export function renderValue(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string") return `\`${escapeCell(value)}\``;
  if (typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 0)
    return "`{}`";
  return `\`${escapeCell(JSON.stringify(value))}\``;
}

/** Is the key's whole value an object whose keys have rows of their own? Its defaults then show on those rows. */
const isContainer = (key: ConfigKey) => key.type === "object";

export interface ReferenceInput {
  readonly settings: z.ZodType;
  readonly gcp: z.ZodType;
  readonly profiles: Readonly<Record<string, Profile>>;
  /** By profile: keys whose default the loader derives from the stack and region, with how. */
  readonly derived: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** docs/configuration.md. */
export function configurationReference(input: ReferenceInput): string {
  const profileNames = Object.keys(input.profiles);
  const settingsKeys = configKeys(input.settings);
  const defaultCell = (key: ConfigKey, profileName: string): string => {
    if (isContainer(key)) return "";
    const profile = input.profiles[profileName]!;
    const derived = input.derived[profileName]?.[key.path];
    if (derived) return derived;
    const fromProfile = profileDefault(profile, key.path);
    if (fromProfile !== undefined) return renderValue(fromProfile);
    if (key.schemaDefault !== undefined) return renderValue(key.schemaDefault);
    return key.optional ? "unset" : "**required**";
  };
  const lines: string[] = [
    "# Configuration reference",
    "",
    "<!-- Generated by `npm run docs` from stacks/config/schema.ts and stacks/config/profiles.ts. Do not edit: change the schema's `.describe()` texts or the profiles and run `npm run docs`. -->",
    "",
    `Every setting of a stack lives in \`stacks/Pulumi.<stack>.yaml\` under \`config:\`. The \`${CONFIG_NAMESPACE}:*\` keys`,
    `are merged over the stack's profile (${profileNames.map((p) => `\`${p}\``).join(", ")}: a stack of that name gets it, any other stack names one`,
    `with \`${CONFIG_NAMESPACE}:profile\`) and validated before anything is created; unknown keys are errors. A key below`,
    `written \`cluster.systemPool.max\` is \`max\` under \`systemPool\` under \`${CONFIG_NAMESPACE}:cluster\`; \`gpuPools[].name\` is`,
    "`name` in each entry of the list. A profile column shows the value a stack gets when its file leaves the key out;",
    "**required** means the stack file must set it (inside a list entry or an optional object: when it gives that entry",
    "or object), and unset that the key is off unless set. Objects are merged key by key: a stack file sets only the",
    "keys it changes.",
    "",
    "## Google Cloud (`gcp:`)",
    "",
    markdownTable(
      ["key", "type", "description"],
      configKeys(input.gcp).map((key) => [
        `\`gcp:${key.path}\``,
        escapeCell(key.type),
        escapeCell(key.description ?? ""),
      ]),
    ),
    "",
    "The stack's other `gcp:*` keys (`gcp:credentials`, `gcp:impersonateServiceAccount`, `gcp:billingProject`, ...) are",
    "passed to the Google provider as the Pulumi CLI passes them.",
    "",
  ];
  const sections = new Map<string, ConfigKey[]>();
  for (const key of settingsKeys) {
    const top = key.path.split(/[.[]/)[0]!;
    const sectionKeys = sections.get(top) ?? [];
    sectionKeys.push(key);
    sections.set(top, sectionKeys);
  }
  const general = [...sections.values()].filter((keys) => keys.length === 1).map((keys) => keys[0]!);
  const table = (keys: ConfigKey[]) =>
    markdownTable(
      ["key", "type", ...profileNames, "description"],
      keys.map((key) => [
        `\`${key.path}\``,
        escapeCell(key.type),
        ...profileNames.map((p) => defaultCell(key, p)),
        escapeCell(key.description ?? ""),
      ]),
    );
  lines.push(`## General (\`${CONFIG_NAMESPACE}:<key>\`)`, "", table(general), "");
  for (const [top, keys] of sections) {
    if (keys.length === 1) continue;
    lines.push(`## \`${CONFIG_NAMESPACE}:${top}\``, "");
    const [head, ...rest] = keys;
    if (head!.description) lines.push(head!.description, "");
    lines.push(table(head!.type === "object" ? rest : keys), "");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
