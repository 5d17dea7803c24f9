import type { JsonObject } from "../../../components/json";
import { resourcePolicy } from "../../lib/policy";
import { at, containersOf, isKubernetes, podSpecsOf } from "../../lib/resources";

export interface PrivilegedContainersConfig {
  /** Capabilities a container may add (Pod Security "restricted" allows only NET_BIND_SERVICE). */
  allowedCapabilities: string[];
}

const normalizeCapability = (c: unknown): string => String(c).toUpperCase().replace(/^CAP_/, "");

/**
 * Every Pod spec and container of a Kubernetes object, whatever its role: a template or a patch
 * ends up in a running Pod as much as a workload does. No annotation or label turns a check off;
 * the only way out is an exemption in the policy config, with a reason a reviewer reads.
 * (Pods inside Helm charts are not in the program's inputs; the namespace's Pod Security level
 * covers them at admission.)
 */
export const privilegedContainers = resourcePolicy<PrivilegedContainersConfig>({
  name: "cnai-privileged-containers",
  description:
    "Pods do not run privileged containers, allow privilege escalation, add capabilities beyond a safe list, share the host's network, " +
    "PID or IPC namespaces, or mount host paths: each of these lets a compromised container take over its node, and a GPU node's " +
    "neighbours, data and credentials with it.",
  config: {
    allowedCapabilities: { type: "array", items: { type: "string" }, default: ["NET_BIND_SERVICE"] },
  },
  validate: (args, report, config) => {
    if (!isKubernetes(args.type)) return;
    const allowed = config.allowedCapabilities.map(normalizeCapability);
    for (const pod of podSpecsOf(args.type, args.props)) {
      for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
        if (at(pod.spec, field) === true)
          report(`${pod.path}.${field} is true: the Pod shares the node's ${field.slice(4)} namespace. Remove it.`);
      }
      ((at(pod.spec, "volumes") ?? []) as JsonObject[]).forEach((volume, i) => {
        if (volume?.hostPath !== undefined) {
          report(
            `${pod.path}.volumes.${i} (${volume.name ?? "unnamed"}) mounts host path ${at(volume, "hostPath.path") ?? ""}: the container can read or change the node. Use a PersistentVolumeClaim, emptyDir, a CSI volume or a ConfigMap.`,
          );
        }
      });
    }
    for (const { path, container } of containersOf(args.type, args.props)) {
      const name = container.name ?? "unnamed";
      if (at(container, "securityContext.privileged") === true) {
        report(
          `${path} (${name}) is privileged: it has every capability and the node's devices. Remove securityContext.privileged (GPUs are exposed through the nvidia.com/gpu resource, not privilege).`,
        );
      }
      if (at(container, "securityContext.allowPrivilegeEscalation") === true) {
        report(
          `${path} (${name}) sets allowPrivilegeEscalation: true, so setuid binaries can gain root. Set it to false.`,
        );
      }
      const added = ((at(container, "securityContext.capabilities.add") ?? []) as unknown[])
        .map(normalizeCapability)
        .filter((c) => !allowed.includes(c));
      if (added.length) {
        report(
          `${path} (${name}) adds capabilities ${added.join(", ")} (allowed: ${allowed.join(", ") || "none"}). Drop them, or exempt the resource in the policy config with the reason.`,
        );
      }
    }
  },
});
