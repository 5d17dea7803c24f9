import { resourcePolicy } from "../../lib/policy";
import { k8sLabels } from "../../lib/resources";

export interface NamespacePodSecurityConfig {
  /** Pod Security levels a namespace may enforce; privileged needs an exemption. */
  levels: string[];
}

const NAMESPACE = "kubernetes:core/v1:Namespace";
export const ENFORCE = "pod-security.kubernetes.io/enforce";
const LEVELS = ["privileged", "baseline", "restricted"];

/**
 * A namespace without the enforce label runs at the cluster's default, which on GKE is privileged.
 * The privileged level is allowed only for a namespace exempted in the policy config (the dev
 * stack's self-hosted monitoring runs node-exporter and dcgm-exporter with host access).
 */
export const namespacePodSecurity = resourcePolicy<NamespacePodSecurityConfig>({
  name: "cnai-namespace-pod-security",
  description:
    "Namespaces enforce a Pod Security Standard (baseline or restricted) with the pod-security.kubernetes.io/enforce label: admission then " +
    "rejects privileged, host-access and root Pods in them, including Pods that Helm charts and operators create, which no policy on the " +
    "program's inputs can see.",
  config: {
    levels: {
      type: "array",
      items: { type: "string", enum: LEVELS },
      minItems: 1,
      default: ["baseline", "restricted"],
    },
  },
  types: [NAMESPACE],
  validate: (args, report, config) => {
    const level = k8sLabels(args.props)[ENFORCE];
    if (level === undefined || level === "") {
      report(
        `No ${ENFORCE} label: the namespace admits any Pod (the cluster default is privileged). Label it with one of ${config.levels.join(", ")} (podSecurityLabels() in components/labels.ts).`,
      );
    } else if (!config.levels.includes(level)) {
      report(
        `${ENFORCE} is "${level}"; allowed: ${config.levels.join(", ")}. Use ${config.levels.join(" or ")}, or, if its Pods truly need host access, exempt the namespace in the policy config with the reason.`,
      );
    }
  },
});
