import type { Json, JsonObject } from "../../../components/json";
import { rawAt } from "./values";

/**
 * IAM members that mean "anyone": on the internet (allUsers), or with any Google account
 * (allAuthenticatedUsers), and their principal-identifier forms.
 */
export const PUBLIC_MEMBERS: readonly string[] = [
  "allUsers",
  "allAuthenticatedUsers",
  "principalSet://goog/public:all",
];

export const isPublicMember = (member: unknown): boolean =>
  typeof member === "string" && PUBLIC_MEMBERS.includes(member.trim());

/** IAM resource types of every service (`*IamMember`, `*IAMBinding`, `*IAMPolicy`), matched by class name. */
export const isIamType = (type: string): boolean =>
  type.startsWith("gcp:") && /(iam)(member|binding|policy)$/i.test(type.slice(type.lastIndexOf(":") + 1));

export interface Grant {
  role: string;
  members: string[];
  /** Where the grant is: `role`/`member`, `members`, or `policyData.bindings[i]`. */
  where: string;
}

/**
 * The grants of an IAM resource: a member (role, member), a binding (role, members), or a policy
 * (policyData, a JSON document of bindings). A policyData that is not JSON yields a problem.
 * Roles and members are read without the unknown check: a value unknown during preview is computed
 * from another resource (a service account's email), and the roles and members these policies
 * look for (basic roles, allUsers) are always literals. An unknown policyData still throws.
 */
export function grantsOf(props: JsonObject): { grants: Grant[]; problem?: string } {
  if (props.policyData !== undefined) {
    let policy: Json;
    try {
      policy = typeof props.policyData === "string" ? JSON.parse(props.policyData) : props.policyData;
    } catch {
      return { grants: [], problem: "policyData is not a JSON IAM policy" };
    }
    const bindings = Array.isArray(policy?.bindings) ? policy.bindings : [];
    return {
      grants: bindings.map((b: Json, i: number) => ({
        role: String(b?.role ?? ""),
        members: Array.isArray(b?.members) ? b.members.map(String) : [],
        where: `policyData.bindings[${i}]`,
      })),
    };
  }
  const role = String(rawAt(props, "role") ?? "");
  const members = rawAt(props, "members");
  if (Array.isArray(members)) return { grants: [{ role, members: members.map(String), where: "members" }] };
  const member = rawAt(props, "member");
  if (member !== undefined) return { grants: [{ role, members: [String(member)], where: "member" }] };
  return { grants: [] };
}
