import { at, type Props } from "../../lib/resources";

/**
 * Whether a resource input is set, for checks that only need to know it is there (a KMS key name, a
 * service account). The last segment is read without CrossGuard's unknown-checking proxy (its
 * descriptor, not its value), so a value unknown during preview counts as set: a key created in
 * the same stack is not known until it exists, yet the resource does name one. An unknown parent
 * object still throws, as it should: whether the field is in it cannot be known.
 */
export function isSet(props: unknown, path: string): boolean {
  const value = rawAt(props, path);
  return value !== undefined && value !== null && value !== "";
}

/**
 * A value by dotted path, its last segment read without the unknown check: a value unknown during
 * preview comes back as CrossGuard's opaque placeholder string instead of throwing. Only for checks
 * that an unknown value passes (it is not "default", it is not empty).
 */
export function rawAt(props: unknown, path: string): unknown {
  const keys = path.split(".");
  const parent = keys.length > 1 ? at(props, keys.slice(0, -1).join(".")) : props;
  if (parent === undefined || parent === null || typeof parent !== "object") return undefined;
  return Object.getOwnPropertyDescriptor(parent, keys[keys.length - 1])?.value;
}

/** A boolean input, or the provider's default when it is absent. */
export function flag(props: Props, path: string, providerDefault: boolean): boolean {
  const value = at(props, path);
  return value === undefined || value === null ? providerDefault : value === true || value === "true";
}
