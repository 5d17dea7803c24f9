/**
 * When a change of an input property replaces a resource (deletes it and creates a new one)
 * instead of updating it in place:
 * - `change`: any change of the value at the path (or below it);
 * - `presence`: the block at the path is added or removed, or a list there changes length
 *   (terraform-plugin-sdk ForceNew on a block: only its count forces a new resource);
 * - `customdiff`: the provider's CustomizeDiff may force a new resource when this value changes
 *   (e.g. customdiff.ForceNewIfChange with a condition): reported as a replacement.
 */
export type ReplaceWhen = "change" | "presence" | "customdiff";

export interface ReplaceRule {
  /** The Pulumi input path, dot-separated; list elements are not indexed (`a.list.field`). */
  readonly path: string;
  readonly when: ReplaceWhen;
}

export interface ProviderReplaceRules {
  /** The provider's own resource type, where it bridges one (Terraform). */
  readonly terraformType?: string;
  /** Where the rules were read: repository@version and path. */
  readonly source: string;
  readonly rules: readonly ReplaceRule[];
  /**
   * Paths the provider updates in place but the API refuses to change (the update fails): a change
   * there needs a new resource name, or the resource deleted first.
   */
  readonly refusedUpdates?: readonly { readonly path: string; readonly source: string }[];
}
