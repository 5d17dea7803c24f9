/**
 * Pulumi's wire format for property values (the Node SDK's runtime/rpc.ts): special strings and
 * signature objects mark unknowns, secrets, resource references, assets and output values.
 * These turn them into the plan's plain JSON: "[unknown]", "[secret]", URNs.
 */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
export const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
export const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
export const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

export const UNKNOWN = "[unknown]";
export const SECRET = "[secret]";

export type PlainValue = null | boolean | number | string | PlainValue[] | { [key: string]: PlainValue };

/** A wire value as plain JSON, secrets and unknowns replaced by their markers. */
export function plainValue(value: unknown): PlainValue {
  if (value === UNKNOWN_SENTINEL) return UNKNOWN;
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean" || typeof value === "number" || typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(plainValue);
  if (typeof value === "object") {
    const record = value as Record<string, unknown>;
    switch (record[SIG_KEY]) {
      case SECRET_SIG:
        return SECRET;
      case RESOURCE_SIG:
        return typeof record.urn === "string" ? record.urn : UNKNOWN;
      case ASSET_SIG:
      case ARCHIVE_SIG:
        return plainValue(record.path ?? record.uri ?? record.text ?? "[asset]");
      case OUTPUT_VALUE_SIG:
        if (record.secret === true) return SECRET;
        return "value" in record ? plainValue(record.value) : UNKNOWN;
      default: {
        // Keys in sorted order, as a protobuf Struct (the engine's wire format) gives them back.
        const result: Record<string, PlainValue> = {};
        for (const key of Object.keys(record).sort()) {
          const inner = record[key];
          if (inner !== undefined) result[key] = plainValue(inner);
        }
        return result;
      }
    }
  }
  return String(value);
}

export function plainObject(value: unknown): Record<string, PlainValue> {
  const plain = plainValue(value);
  return plain !== null && typeof plain === "object" && !Array.isArray(plain) ? plain : {};
}

/**
 * A wire value as the SDK's deserializer gives it to a mock (keepUnknowns, keepSecrets and
 * keepResources off): unknowns undefined, secrets and output values their plain value, resource
 * references their id (or URN). For synthesising outputs from inputs.
 */
export function valuesOf(value: unknown): unknown {
  if (value === UNKNOWN_SENTINEL) return undefined;
  if (Array.isArray(value)) return value.map(valuesOf);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    switch (record[SIG_KEY]) {
      case SECRET_SIG:
        return valuesOf(record.value);
      case OUTPUT_VALUE_SIG:
        return valuesOf(record.value);
      case RESOURCE_SIG:
        return typeof record.id === "string" && record.id !== "" ? record.id : record.urn;
      default:
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, valuesOf(v)]));
    }
  }
  return value;
}
