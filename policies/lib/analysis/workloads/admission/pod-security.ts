import type { PodObject, Problem, Props } from "../model";

/**
 * Pod Security Admission as the API server runs it: the namespace's
 * `pod-security.kubernetes.io/enforce` level (none: privileged, the GKE default) and version
 * (`enforce-version`, default latest), and the baseline and restricted checks of
 * kubernetes/pod-security-admission policy/check_*.go at v0.34 (Kubernetes 1.34). Each check visits
 * init containers, containers and ephemeral containers (policy/visitor.go). Violations are reported
 * as the plugin reports them: `violates PodSecurity "<level>:<version>": <reason> (<detail>), ...`.
 */
export const ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";
export const ENFORCE_VERSION_LABEL = "pod-security.kubernetes.io/enforce-version";
const SOURCE = "kubernetes/pod-security-admission v0.34 policy/check_*.go";

type Level = "privileged" | "baseline" | "restricted";
type Failure = { reason: string; detail: string; fix: string };
type Check = (spec: Props, metadata: PodObject["metadata"]) => Failure | undefined;

const quote = (names: string[]) => names.map((n) => `"${n}"`).join(", ");
const plural = (word: string, names: string[]) => `${word}${names.length === 1 ? "" : "s"} ${quote(names)}`;
const containers = (spec: Props): Props[] => [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
const bad = (spec: Props, predicate: (c: Props) => boolean): string[] => containers(spec).filter(predicate).map((c) => String(c?.name));

// policy/check_capabilities_baseline.go capabilities_allowed_1_0
const BASELINE_CAPABILITIES = new Set(["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]);
// policy/check_sysctls.go sysctlsAllowedV1Dot32
const SAFE_SYSCTLS = new Set(["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"]);
// policy/check_seLinuxOptions.go selinuxAllowedTypes1_31
const SELINUX_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);
// policy/check_restrictedVolumes.go: the volume sources restricted allows
const RESTRICTED_VOLUMES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret"];

const BASELINE: Array<[string, Check]> = [
  ["hostNamespaces", (spec) => {
    const set = ["hostNetwork", "hostPID", "hostIPC"].filter((f) => spec[f] === true);
    return set.length ? { reason: "host namespaces", detail: set.map((f) => `${f}=true`).join(", "), fix: `remove ${set.join(", ")} from the Pod` } : undefined;
  }],
  ["privileged", (spec) => {
    const names = bad(spec, (c) => c?.securityContext?.privileged === true);
    return names.length ? { reason: "privileged", detail: `${plural("container", names)} must not set securityContext.privileged=true`, fix: "drop privileged: true" } : undefined;
  }],
  ["capabilities_baseline", (spec) => {
    const caps = new Set<string>();
    const names = bad(spec, (c) => {
      const added = ((c?.securityContext?.capabilities?.add ?? []) as string[]).filter((cap) => !BASELINE_CAPABILITIES.has(cap));
      added.forEach((cap) => caps.add(cap));
      return added.length > 0;
    });
    return names.length ? { reason: "non-default capabilities", detail: `${plural("container", names)} must not include ${quote([...caps].sort())} in securityContext.capabilities.add`, fix: `do not add ${[...caps].join(", ")}` } : undefined;
  }],
  ["hostPathVolumes", (spec) => {
    const names = ((spec.volumes ?? []) as Props[]).filter((v) => v?.hostPath).map((v) => String(v.name));
    return names.length ? { reason: "hostPath volumes", detail: plural("volume", names), fix: "replace the hostPath volumes (or run the Pod in a namespace whose level allows them)" } : undefined;
  }],
  ["hostPorts", (spec) => {
    const ports = new Set<number>();
    const names = bad(spec, (c) => ((c?.ports ?? []) as Props[]).some((p) => p?.hostPort && ports.add(p.hostPort)));
    return names.length ? { reason: "hostPort", detail: `${plural("container", names)} ${names.length === 1 ? "uses" : "use"} ${plural("hostPort", [...ports].map(String))}`, fix: "remove hostPort" } : undefined;
  }],
  ["appArmorProfile", (spec, metadata) => {
    const unconfined = (p: Props | undefined) => p?.type === "Unconfined";
    const annotated = Object.entries(metadata.annotations).filter(([k, v]) => k.startsWith("container.apparmor.security.beta.kubernetes.io/") && v !== "runtime/default" && !String(v).startsWith("localhost/"));
    const names = [...(unconfined(spec.securityContext?.appArmorProfile) ? ["pod"] : []), ...bad(spec, (c) => unconfined(c?.securityContext?.appArmorProfile)), ...annotated.map(([k]) => k)];
    return names.length ? { reason: "forbidden AppArmor profile", detail: quote(names), fix: "use the RuntimeDefault or a Localhost AppArmor profile" } : undefined;
  }],
  ["seLinuxOptions", (spec) => {
    const invalid = (o: Props | undefined) => !!o && (!SELINUX_TYPES.has(String(o.type ?? "")) || !!o.user || !!o.role);
    const names = [...(invalid(spec.securityContext?.seLinuxOptions) ? ["pod"] : []), ...bad(spec, (c) => invalid(c?.securityContext?.seLinuxOptions))];
    return names.length ? { reason: "seLinuxOptions", detail: `${names.join(", ")} set forbidden securityContext.seLinuxOptions`, fix: "remove seLinuxOptions user and role, and use an allowed type" } : undefined;
  }],
  ["procMount", (spec) => {
    const names = bad(spec, (c) => c?.securityContext?.procMount !== undefined && c.securityContext.procMount !== "Default");
    return names.length ? { reason: "procMount", detail: `${plural("container", names)} must not set securityContext.procMount`, fix: "remove procMount" } : undefined;
  }],
  ["seccompProfile_baseline", (spec) => {
    const names = [...(spec.securityContext?.seccompProfile?.type === "Unconfined" ? ["pod"] : []), ...bad(spec, (c) => c?.securityContext?.seccompProfile?.type === "Unconfined")];
    return names.length ? { reason: "seccompProfile", detail: `${names.join(", ")} must not set securityContext.seccompProfile.type to "Unconfined"`, fix: "use the RuntimeDefault seccomp profile" } : undefined;
  }],
  ["sysctls", (spec) => {
    const names = ((spec.securityContext?.sysctls ?? []) as Props[]).map((s) => String(s?.name)).filter((n) => !SAFE_SYSCTLS.has(n));
    return names.length ? { reason: "forbidden sysctls", detail: names.join(", "), fix: "remove the unsafe sysctls" } : undefined;
  }],
  ["windowsHostProcess", (spec) => {
    const names = [...(spec.securityContext?.windowsOptions?.hostProcess ? ["pod"] : []), ...bad(spec, (c) => c?.securityContext?.windowsOptions?.hostProcess === true)];
    return names.length ? { reason: "hostProcess", detail: `${names.join(", ")} must not set securityContext.windowsOptions.hostProcess=true`, fix: "remove hostProcess" } : undefined;
  }],
  ["hostProbesAndHostLifecycle", (spec) => {
    const hosted = (h: Props | undefined) => !!(h?.httpGet?.host || h?.tcpSocket?.host);
    const names = bad(spec, (c) => [c?.livenessProbe, c?.readinessProbe, c?.startupProbe, c?.lifecycle?.postStart, c?.lifecycle?.preStop].some(hosted));
    return names.length ? { reason: "probe or lifecycle host", detail: `${plural("container", names)} must not set host in probes or lifecycle handlers`, fix: "remove the host field from probes and lifecycle handlers" } : undefined;
  }],
];

const RESTRICTED: Array<[string, Check]> = [
  ["restrictedVolumes", (spec) => {
    const names = ((spec.volumes ?? []) as Props[]).filter((v) => !RESTRICTED_VOLUMES.some((k) => v?.[k])).map((v) => String(v?.name));
    return names.length ? { reason: "restricted volume types", detail: plural("volume", names), fix: `use only ${RESTRICTED_VOLUMES.join(", ")} volumes` } : undefined;
  }],
  ["allowPrivilegeEscalation", (spec) => {
    const names = bad(spec, (c) => c?.securityContext?.allowPrivilegeEscalation !== false);
    return names.length ? { reason: "allowPrivilegeEscalation != false", detail: `${plural("container", names)} must set securityContext.allowPrivilegeEscalation=false`, fix: "set allowPrivilegeEscalation: false on every container" } : undefined;
  }],
  ["capabilities_restricted", (spec) => {
    const missing = bad(spec, (c) => !((c?.securityContext?.capabilities?.drop ?? []) as string[]).includes("ALL"));
    const added = bad(spec, (c) => ((c?.securityContext?.capabilities?.add ?? []) as string[]).some((cap) => cap !== "NET_BIND_SERVICE"));
    const details = [
      ...(missing.length ? [`${plural("container", missing)} must set securityContext.capabilities.drop=["ALL"]`] : []),
      ...(added.length ? [`${plural("container", added)} must not include capabilities other than "NET_BIND_SERVICE" in securityContext.capabilities.add`] : []),
    ];
    return details.length ? { reason: "unrestricted capabilities", detail: details.join("; "), fix: 'drop ALL capabilities on every container (and add at most NET_BIND_SERVICE)' } : undefined;
  }],
  ["runAsNonRoot", (spec) => {
    if (spec.hostUsers === false) return undefined; // relaxPolicyForUserNamespacePod
    const podNonRoot = spec.securityContext?.runAsNonRoot;
    const explicit = bad(spec, (c) => c?.securityContext?.runAsNonRoot === false);
    const implicit = podNonRoot === true ? [] : bad(spec, (c) => c?.securityContext?.runAsNonRoot === undefined);
    if (podNonRoot === false || explicit.length) return { reason: "runAsNonRoot != true", detail: `${[...(podNonRoot === false ? ["pod"] : []), ...(explicit.length ? [plural("container", explicit)] : [])].join(" and ")} must not set securityContext.runAsNonRoot=false`, fix: "set runAsNonRoot: true (and run as a non-zero UID)" };
    return implicit.length ? { reason: "runAsNonRoot != true", detail: `pod or ${plural("container", implicit)} must set securityContext.runAsNonRoot=true`, fix: "set runAsNonRoot: true in the Pod's securityContext" } : undefined;
  }],
  ["runAsUser", (spec) => {
    if (spec.hostUsers === false) return undefined;
    const names = [...(spec.securityContext?.runAsUser === 0 ? ["pod"] : []), ...bad(spec, (c) => c?.securityContext?.runAsUser === 0)];
    return names.length ? { reason: "runAsUser=0", detail: `${names.join(" and ")} must not set runAsUser=0`, fix: "run as a non-zero UID" } : undefined;
  }],
  ["seccompProfile_restricted", (spec) => {
    const valid = (t: unknown) => t === "RuntimeDefault" || t === "Localhost";
    const podType = spec.securityContext?.seccompProfile?.type;
    const explicit = [...(podType !== undefined && !valid(podType) ? ["pod"] : []), ...bad(spec, (c) => c?.securityContext?.seccompProfile?.type !== undefined && !valid(c.securityContext.seccompProfile.type))];
    if (explicit.length) return { reason: "seccompProfile", detail: `${explicit.join(" and ")} must not set securityContext.seccompProfile.type to a value other than "RuntimeDefault" or "Localhost"`, fix: "use the RuntimeDefault seccomp profile" };
    const implicit = valid(podType) ? [] : bad(spec, (c) => c?.securityContext?.seccompProfile?.type === undefined);
    return implicit.length ? { reason: "seccompProfile", detail: `pod or ${plural("container", implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`, fix: "set seccompProfile: { type: RuntimeDefault } in the Pod's securityContext" } : undefined;
  }],
];

/** The level a namespace enforces, and its version. */
export function enforcedLevel(labels: Record<string, string>): { level: Level; version: string } {
  const value = labels[ENFORCE_LABEL];
  const level: Level = value === "baseline" || value === "restricted" ? value : "privileged";
  return { level, version: labels[ENFORCE_VERSION_LABEL] || "latest" };
}

/** Pod Security Admission's verdict on a Pod in a namespace with these labels; undefined when it admits it. */
export function admitPodSecurity(pod: PodObject, labels: Record<string, string>, groupName: string): Problem | undefined {
  const { level, version } = enforcedLevel(labels);
  if (level === "privileged") return undefined;
  const checks = level === "restricted" ? [...BASELINE.filter(([id]) => !["capabilities_baseline", "seccompProfile_baseline", "hostPathVolumes"].includes(id)), ...RESTRICTED] : BASELINE;
  const failures = checks.map(([, check]) => check(pod.spec, pod.metadata)).filter((f): f is Failure => !!f);
  if (!failures.length) return undefined;
  return {
    pod: groupName,
    step: "PodSecurity",
    message: `violates PodSecurity "${level}:${version}": ${failures.map((f) => `${f.reason} (${f.detail})`).join(", ")}`,
    fix: `${[...new Set(failures.map((f) => f.fix))].join("; ")}; or run it in a namespace whose ${ENFORCE_LABEL} level allows it`,
    source: SOURCE,
  };
}
