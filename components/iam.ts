import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

/** IAM member prefixes a grant may name (Google Cloud IAM "principal identifiers"). */
export const IAM_MEMBER_PATTERN = /^(user|group|serviceAccount|domain|principal|principalSet):\S+$/;

/** Members that make a resource public; never granted anything. */
export const PUBLIC_MEMBERS = ["allUsers", "allAuthenticatedUsers"] as const;

/**
 * Checks the members a component is asked to grant. Members known now (strings) must be IAM
 * principals and never public; members that are outputs (service account emails) are checked by
 * the policy packs on the plan.
 */
export function checkMembers(
  component: string,
  field: string,
  members: readonly pulumi.Input<string>[] | undefined,
  resource?: pulumi.Resource,
): void {
  for (const member of members ?? []) {
    if (typeof member !== "string") continue;
    if ((PUBLIC_MEMBERS as readonly string[]).includes(member)) {
      throw new pulumi.ResourceError(
        `${component}: ${field}: ${member} would make the resource public; grant named principals only`,
        resource,
      );
    }
    if (!IAM_MEMBER_PATTERN.test(member)) {
      throw new pulumi.ResourceError(
        `${component}: ${field}: "${member}" is not an IAM member (user:, group:, serviceAccount:, domain:, principal: or principalSet:)`,
        resource,
      );
    }
  }
}

/** A stable resource-name suffix for a member given in config, so reordering a list replaces nothing. */
export function memberKey(member: string): string {
  const cleaned = member
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  return cleaned.length <= 40
    ? cleaned
    : `${cleaned.slice(0, 33)}-${createHash("sha256").update(member).digest("hex").slice(0, 6)}`;
}
