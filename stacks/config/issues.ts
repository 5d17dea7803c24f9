import type { z } from "zod";
import { type ConfigProblem, keyPath } from "./errors";

/**
 * Turns zod issues into config problems that say what was given and what is allowed. The allowed
 * text comes from the schema itself (bounds, options, known keys) or from the custom message of a
 * format or cross-field rule.
 */
export function problemsFromIssues(
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
  namespace: string,
): ConfigProblem[] {
  return issues.flatMap((issue) => problemsFromIssue(issue, schema, namespace));
}

function problemsFromIssue(issue: z.core.$ZodIssue, root: z.ZodType, namespace: string): ConfigProblem[] {
  const key = (path: readonly PropertyKey[]) => `${namespace}:${keyPath(path)}`;
  const given = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = objectKeys(schemaAt(root, issue.path));
      return issue.keys.map((unknown) => ({
        key: key([...issue.path, unknown]),
        given: unknown,
        allowed: known.length ? `one of ${known.join(", ")}` : "no keys here",
        unknownKey: true,
      }));
    }
    case "invalid_key":
      return [
        {
          key: key(issue.path),
          given,
          allowed: issue.issues.map((inner) => inner.message).join("; "),
          unknownKey: false,
        },
      ];
    case "invalid_value":
      return [
        { key: key(issue.path), given, allowed: `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}` },
      ];
    case "invalid_type":
    case "too_small":
    case "too_big":
      return [{ key: key(issue.path), given, allowed: describe(schemaAt(root, issue.path)) ?? issue.message }];
    default:
      return [{ key: key(issue.path), given, allowed: issue.message }];
  }
}

type AnySchema = z.core.$ZodType & { _zod: { def: Record<string, unknown> & { type: string } } };

/** The schema at a path, looking through optional, default, array and object wrappers. */
export function schemaAt(root: z.ZodType, path: readonly PropertyKey[]): AnySchema | undefined {
  let current: AnySchema | undefined = unwrap(root as unknown as AnySchema);
  for (const part of path) {
    // Zod reports issues at paths of its schema, so a walk never leaves it midway (defensive).
    // Stryker disable next-line ConditionalExpression
    if (!current) return undefined;
    const def: Record<string, unknown> & { type: string } = current._zod.def;
    if (def.type === "object") current = (def.shape as Record<string, AnySchema>)[String(part)];
    else if (def.type === "array") current = def.element as AnySchema;
    else if (def.type === "record") current = def.valueType as AnySchema;
    else return undefined;
    current = current ? unwrap(current) : undefined;
  }
  return current;
}

function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  // Every zod wrapper with an inner type; the schema uses optional and default today, and a pipe
  // (a transform after an object, as the transfer source has) is read by its input.
  // Stryker disable next-line StringLiteral
  while (["optional", "default", "nullable", "prefault", "pipe"].includes(current._zod.def.type)) {
    const def = current._zod.def;
    current = (def.type === "pipe" ? def.in : def.innerType) as AnySchema;
  }
  return current;
}

function objectKeys(schema: AnySchema | undefined): string[] {
  return schema && schema._zod.def.type === "object" ? Object.keys(schema._zod.def.shape as object) : [];
}

/** A short description of what a schema accepts, for "allowed: ...". */
export function describe(schema: AnySchema | undefined): string | undefined {
  if (!schema) return undefined;
  const def = schema._zod.def;
  switch (def.type) {
    case "number": {
      const n = schema as unknown as { minValue: number | null; maxValue: number | null; isInt: boolean };
      const what = n.isInt ? "an integer" : "a number";
      const exclusive = exclusiveBounds(def);
      if (!exclusive.min && !exclusive.max) return `${what}${range(bound(n.minValue), bound(n.maxValue), "")}`;
      // `.positive()` and `.gt()` refuse the bound itself: "a number >= 0" would allow the 0 it refuses.
      const min = bound(n.minValue);
      const max = bound(n.maxValue);
      const parts = [
        ...(min === undefined ? [] : [`${exclusive.min ? ">" : ">="} ${min}`]),
        ...(max === undefined ? [] : [`${exclusive.max ? "<" : "<="} ${max}`]),
      ];
      return `${what} ${parts.join(" and ")}`;
    }
    case "string": {
      const s = schema as unknown as { minLength: number | null; maxLength: number | null };
      if (s.minLength === 1 && s.maxLength === null) return "a non-empty string";
      return `a string${range(s.minLength || undefined, s.maxLength ?? undefined, " characters")}`;
    }
    case "boolean":
      return "true or false";
    case "enum":
      return `one of ${Object.values(def.entries as object)
        .map((v) => JSON.stringify(v))
        .join(", ")}`;
    case "array": {
      const checks = (
        (def.checks ?? []) as Array<{ _zod: { def: { check: string; minimum?: number; maximum?: number } } }>
      ).map((c) => c._zod.def);
      const min = checks.find((c) => c.check === "min_length")?.minimum;
      const max = checks.find((c) => c.check === "max_length")?.maximum;
      return `a list${range(min, max, " items")}`;
    }
    case "object":
      return `a mapping with keys ${objectKeys(schema).join(", ")}`;
    case "record":
      return "a mapping of names to values";
    default:
      return undefined;
  }
}

/** Whether a number schema's lower and upper bounds exclude the bound (zod 4 `greater_than`/`less_than` checks, `inclusive: false`). */
function exclusiveBounds(def: Record<string, unknown>): { min: boolean; max: boolean } {
  const checks = ((def.checks ?? []) as Array<{ _zod: { def: { check: string; inclusive?: boolean } } }>).map(
    (c) => c._zod.def,
  );
  return {
    min: checks.some((c) => c.check === "greater_than" && c.inclusive === false),
    max: checks.some((c) => c.check === "less_than" && c.inclusive === false),
  };
}

/** Bounds zod reports for unbounded numbers are the safe-integer limits: treat them as none. */
function bound(value: number | null): number | undefined {
  return value === null || !Number.isFinite(value) || Math.abs(value) >= Number.MAX_SAFE_INTEGER ? undefined : value;
}

function range(min: number | undefined, max: number | undefined, unit: string): string {
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}${unit}`;
  if (min !== undefined) return ` of at least ${min}${unit}`.replace(/^ of at least (\S+)$/, " >= $1");
  if (max !== undefined) return ` of at most ${max}${unit}`.replace(/^ of at most (\S+)$/, " <= $1");
  return "";
}
