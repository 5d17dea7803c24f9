/**
 * Checks policy config properties against the JSON Schema subset the packs declare: type, enum,
 * minimum, maximum, minLength, pattern, minItems, items, properties, additionalProperties, required (plus
 * the annotations default and description). A schema using any other keyword is refused, so a
 * policy cannot declare a rule this checker would silently skip. (A general validator costs a
 * tenth of a second to load and compile on every plan; this covers what the packs use.)
 */
export interface SchemaProblem {
  /** Dotted path below the value checked (`exemptions.0.reason`); empty for the value itself. */
  path: string;
  value: unknown;
  allowed: string;
}

type Schema = Record<string, unknown>;

const KEYWORDS = new Set([
  "type",
  "enum",
  "minimum",
  "maximum",
  "minLength",
  "pattern",
  "minItems",
  "items",
  "properties",
  "additionalProperties",
  "required",
  "default",
  "description",
]);

export function schemaProblems(schema: Schema, value: unknown, path = ""): SchemaProblem[] {
  for (const key of Object.keys(schema)) {
    if (!KEYWORDS.has(key))
      throw new Error(
        `config schema at ${path || "(root)"}: keyword "${key}" is not supported by the offline policy engine`,
      );
  }
  const problem = (allowed: string): SchemaProblem[] => [{ path, value, allowed }];
  const type = schema.type as string | undefined;
  if (type && !hasType(value, type)) return problem(describe(schema));
  if (schema.enum && !(schema.enum as unknown[]).some((e) => e === value))
    return problem(`one of ${(schema.enum as unknown[]).map((e) => JSON.stringify(e)).join(", ")}`);
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum)
      return problem(`${describe(schema)} >= ${schema.minimum}`);
    if (typeof schema.maximum === "number" && value > schema.maximum)
      return problem(`${describe(schema)} <= ${schema.maximum}`);
  }
  if (typeof value === "string") {
    if (typeof schema.minLength === "number" && value.length < schema.minLength)
      return problem(`a string of at least ${schema.minLength} characters`);
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value))
      return problem(`a string matching ${schema.pattern}`);
  }
  if (Array.isArray(value) && typeof schema.minItems === "number" && value.length < schema.minItems)
    return problem(`a list of at least ${schema.minItems}`);
  const problems: SchemaProblem[] = [];
  const at = (key: string | number) => (path ? `${path}.${key}` : String(key));
  if (Array.isArray(value) && schema.items)
    value.forEach((item, i) => {
      problems.push(...schemaProblems(schema.items as Schema, item, at(i)));
    });
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[])
      if (!(key in record)) problems.push({ path: at(key), value: undefined, allowed: `a value (${key} is required)` });
    for (const [key, item] of Object.entries(record)) {
      if (properties[key]) problems.push(...schemaProblems(properties[key], item, at(key)));
      else if (schema.additionalProperties === false)
        problems.push({
          path: at(key),
          value: item,
          allowed: `no property ${key}; allowed: ${Object.keys(properties).join(", ")}`,
        });
      else if (schema.additionalProperties && typeof schema.additionalProperties === "object")
        problems.push(...schemaProblems(schema.additionalProperties as Schema, item, at(key)));
    }
  }
  return problems;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value);
    case "object":
      return !!value && typeof value === "object" && !Array.isArray(value);
    default:
      throw new Error(`config schema: type "${type}" is not supported by the offline policy engine`);
  }
}

function describe(schema: Schema): string {
  switch (schema.type) {
    case "integer":
      return "an integer";
    case "number":
      return "a number";
    case "string":
      return "a string";
    case "boolean":
      return "true or false";
    case "array":
      return "a list";
    case "object":
      return "an object";
    default:
      return "a value";
  }
}
