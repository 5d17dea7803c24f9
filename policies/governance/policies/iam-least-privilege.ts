import { resourcePolicy } from "../../lib/policy";
import { grantsOf, isIamType, isPublicMember } from "../lib/iam";

export interface IamLeastPrivilegeConfig {
  /** Roles forbidden besides the basic (primitive) roles; a trailing `*` matches a prefix (`roles/iam.serviceAccountKey*`). */
  extraForbiddenRoles: string[];
}

/** The basic roles: project-wide powers over every service, never least privilege. */
export const PRIMITIVE_ROLES: readonly string[] = ["roles/owner", "roles/editor", "roles/viewer"];

const matches = (role: string, pattern: string): boolean =>
  pattern.endsWith("*") ? role.startsWith(pattern.slice(0, -1)) : role === pattern;

/**
 * Every IAM member, binding and policy resource of every service (project, folder, bucket,
 * dataset, topic, subscription, secret, repository, service account, KMS key, Cloud Run, datascan,
 * ...), matched by its class name (`*IamMember`, `*IAMBinding`, `*IAMPolicy`) so a new service is
 * covered without a list. Policies are read from their policyData JSON.
 */
export const iamLeastPrivilege = resourcePolicy<IamLeastPrivilegeConfig>({
  name: "cnai-iam-least-privilege",
  description:
    "IAM grants use predefined or custom roles, never the basic roles owner, editor or viewer (or roles the config forbids), and never " +
    "allUsers or allAuthenticatedUsers: basic roles grant every permission of every service, and public members grant it to anyone.",
  config: {
    extraForbiddenRoles: {
      type: "array",
      items: { type: "string", pattern: "^(roles|projects|organizations)/" },
      default: [],
    },
  },
  validate: (args, report, config) => {
    if (!isIamType(args.type)) return;
    const { grants, problem } = grantsOf(args.props);
    if (problem)
      report(
        `${problem}; its grants cannot be checked. Generate it with gcp.organizations.getIAMPolicy, or use IamMember resources.`,
      );
    for (const grant of grants) {
      if (PRIMITIVE_ROLES.includes(grant.role)) {
        report(
          `${grant.where} grants the basic role ${grant.role}, which covers every service in the project. Grant the predefined roles the principal needs instead (e.g. roles/storage.objectViewer).`,
        );
      } else {
        const forbidden = config.extraForbiddenRoles.find((pattern) => matches(grant.role, pattern));
        if (forbidden)
          report(
            `${grant.where} grants ${grant.role}, which the policy config forbids (${forbidden}). Grant a narrower role, or ask for an exemption with a reason.`,
          );
      }
      const open = grant.members.filter(isPublicMember);
      if (open.length)
        report(
          `${grant.where} grants ${grant.role} to ${open.join(", ")}: anyone could use it. Grant named groups or service accounts instead.`,
        );
    }
  },
});
