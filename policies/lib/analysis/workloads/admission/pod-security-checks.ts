import type { PodObject, Props } from "../model";

/**
 * The Pod Security Standards checks as kubernetes/pod-security-admission registers them
 * (policy/check_*.go, tags v0.34.0 to v0.36.2): each check has a level and a list of versions, each
 * version applying from its minimum policy version (1.N, given here as N) to the next; a restricted
 * check may override baseline checks (policy/registry.go populate). Each check visits init
 * containers, containers and ephemeral containers (policy/visitor.go). Reasons and details are the checks'
 * ForbiddenReason and ForbiddenDetail, word for word (as each check's _test.go expects them).
 */
export type Failure = { reason: string; detail: string; fix: string };
type CheckFn = (spec: Props, metadata: PodObject["metadata"]) => Failure | undefined;
export interface VersionedCheck {
  readonly min: number;
  readonly check: CheckFn;
  readonly overrides?: readonly string[];
}
export interface PodSecurityCheck {
  readonly id: string;
  readonly level: "baseline" | "restricted";
  readonly versions: readonly VersionedCheck[];
}

// policy/helpers.go joinQuote, pluralize
const quote = (names: readonly string[]) => names.map((n) => `"${n}"`).join(", ");
const pluralize = (singular: string, plural: string, count: number) => (count === 1 ? singular : plural);
const plural = (word: string, names: string[]) => `${pluralize(word, `${word}s`, names.length)} ${quote(names)}`;
/** A sets.String's List(): unique, sorted. */
const sortedSet = (items: readonly string[]) => [...new Set(items)].sort();
/** The setters a check names: "pod" and/or `container(s) "a", "b"`, joined with " and ". */
const setters = (pod: boolean, names: string[]) =>
  [...(pod ? ["pod"] : []), ...(names.length ? [plural("container", names)] : [])].join(" and ");
const containers = (spec: Props): Props[] => [
  ...(spec.initContainers ?? []),
  ...(spec.containers ?? []),
  ...(spec.ephemeralContainers ?? []),
];
const bad = (spec: Props, predicate: (c: Props) => boolean): string[] =>
  containers(spec)
    .filter(predicate)
    .map((c) => String(c.name));
/** Pods in a user namespace (policy/helpers.go relaxPolicyForUserNamespacePod). */
const userNamespace = (spec: Props): boolean => spec.hostUsers === false;
/** Windows Pods, exempt from some restricted checks from v1.25 (their API validation forbids the fields). */
const windows = (spec: Props): boolean => spec.os?.name === "windows";

// policy/check_capabilities_baseline.go capabilities_allowed_1_0
const BASELINE_CAPABILITIES = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);
// policy/check_sysctls.go sysctlsAllowedV1Dot0, V1Dot27, V1Dot29, V1Dot32
const SYSCTLS_1_0 = [
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_unprivileged_port_start",
];
const SYSCTLS_1_27 = [...SYSCTLS_1_0, "net.ipv4.ip_local_reserved_ports"];
const SYSCTLS_1_29 = [
  ...SYSCTLS_1_27,
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
];
const SYSCTLS_1_32 = [...SYSCTLS_1_29, "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"];
// policy/check_seLinuxOptions.go selinuxAllowedTypes1_0, 1_31
const SELINUX_1_0 = ["", "container_t", "container_init_t", "container_kvm_t"];
const SELINUX_1_31 = [...SELINUX_1_0, "container_engine_t"];
// policy/check_restrictedVolumes.go: the volume sources restricted allows
const RESTRICTED_VOLUMES = [
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "image",
  "persistentVolumeClaim",
  "projected",
  "secret",
];
// policy/check_restrictedVolumes.go: the volume types restricted names when it refuses a volume (else "unknown")
const RESTRICTED_VOLUME_TYPES = [
  "hostPath",
  "gcePersistentDisk",
  "awsElasticBlockStore",
  "gitRepo",
  "nfs",
  "iscsi",
  "glusterfs",
  "rbd",
  "flexVolume",
  "cinder",
  "cephfs",
  "flocker",
  "fc",
  "azureFile",
  "vsphereVolume",
  "quobyte",
  "azureDisk",
  "photonPersistentDisk",
  "portworxVolume",
  "scaleIO",
  "storageos",
];
// policy/check_seccompProfile_baseline.go annotationKeyPod, annotationKeyContainerPrefix
const SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/";

const sysctls =
  (allowed: readonly string[]): CheckFn =>
  (spec) => {
    const names = ((spec.securityContext?.sysctls ?? []) as Props[])
      .map((s) => String(s.name))
      .filter((n) => !allowed.includes(n));
    return names.length
      ? {
          reason: "forbidden sysctls",
          detail: names.join(", "),
          fix: "remove the unsafe sysctls (or raise the namespace's enforce-version where a newer policy allows them)",
        }
      : undefined;
  };

const seLinux =
  (types: readonly string[]): CheckFn =>
  (spec) => {
    const badTypes: string[] = [];
    let setUser = false;
    let setRole = false;
    const invalid = (o: Props | undefined) => {
      if (!o) return false;
      const type = String(o.type ?? "");
      const badType = !types.includes(type);
      if (badType) badTypes.push(type);
      if (o.user) setUser = true;
      if (o.role) setRole = true;
      return badType || !!o.user || !!o.role;
    };
    const pod = invalid(spec.securityContext?.seLinuxOptions);
    const names = bad(spec, (c) => invalid(c.securityContext?.seLinuxOptions));
    const badTypeList = sortedSet(badTypes);
    const data = [
      ...(badTypeList.length ? [`${pluralize("type", "types", badTypeList.length)} ${quote(badTypeList)}`] : []),
      ...(setUser ? ["user may not be set"] : []),
      ...(setRole ? ["role may not be set"] : []),
    ];
    return pod || names.length
      ? {
          reason: "seLinuxOptions",
          detail: `${setters(pod, names)} set forbidden securityContext.seLinuxOptions: ${data.join("; ")}`,
          fix: "remove seLinuxOptions user and role, and use an allowed type",
        }
      : undefined;
  };

const procMount: CheckFn = (spec) => {
  const forbidden = (c: Props) =>
    c.securityContext?.procMount !== undefined && c.securityContext.procMount !== "Default";
  const names = bad(spec, forbidden);
  const types = sortedSet(
    containers(spec)
      .filter(forbidden)
      .map((c) => String(c.securityContext.procMount)),
  );
  return names.length
    ? {
        reason: "procMount",
        detail: `${plural("container", names)} must not set securityContext.procMount to ${quote(types)}`,
        fix: "remove procMount",
      }
    : undefined;
};

const allowPrivilegeEscalation: CheckFn = (spec) => {
  const names = bad(spec, (c) => c.securityContext?.allowPrivilegeEscalation !== false);
  return names.length
    ? {
        reason: "allowPrivilegeEscalation != false",
        detail: `${plural("container", names)} must set securityContext.allowPrivilegeEscalation=false`,
        fix: "set allowPrivilegeEscalation: false on every container",
      }
    : undefined;
};

const capabilitiesRestricted: CheckFn = (spec) => {
  const missing = bad(spec, (c) => !((c.securityContext?.capabilities?.drop ?? []) as string[]).includes("ALL"));
  const forbidden = (c: Props) =>
    ((c.securityContext?.capabilities?.add ?? []) as string[]).filter((cap) => cap !== "NET_BIND_SERVICE");
  const added = bad(spec, (c) => forbidden(c).length > 0);
  const caps = sortedSet(containers(spec).flatMap(forbidden));
  const details = [
    ...(missing.length ? [`${plural("container", missing)} must set securityContext.capabilities.drop=["ALL"]`] : []),
    ...(added.length
      ? [`${plural("container", added)} must not include ${quote(caps)} in securityContext.capabilities.add`]
      : []),
  ];
  return details.length
    ? {
        reason: "unrestricted capabilities",
        detail: details.join("; "),
        fix: "drop ALL capabilities on every container (and add at most NET_BIND_SERVICE)",
      }
    : undefined;
};

const runAsNonRoot: CheckFn = (spec) => {
  const podNonRoot = spec.securityContext?.runAsNonRoot;
  const explicit = bad(spec, (c) => c.securityContext?.runAsNonRoot === false);
  const implicit = podNonRoot === true ? [] : bad(spec, (c) => c.securityContext?.runAsNonRoot === undefined);
  if (podNonRoot === false || explicit.length)
    return {
      reason: "runAsNonRoot != true",
      detail: `${setters(podNonRoot === false, explicit)} must not set securityContext.runAsNonRoot=false`,
      fix: "set runAsNonRoot: true (and run as a non-zero UID)",
    };
  return implicit.length
    ? {
        reason: "runAsNonRoot != true",
        detail: `pod or ${plural("container", implicit)} must set securityContext.runAsNonRoot=true`,
        fix: "set runAsNonRoot: true in the Pod's securityContext",
      }
    : undefined;
};

const runAsUser: CheckFn = (spec) => {
  const pod = spec.securityContext?.runAsUser === 0;
  const names = bad(spec, (c) => c.securityContext?.runAsUser === 0);
  return pod || names.length
    ? {
        reason: "runAsUser=0",
        detail: `${setters(pod, names)} must not set runAsUser=0`,
        fix: "run as a non-zero UID",
      }
    : undefined;
};

const seccompRestricted: CheckFn = (spec) => {
  const valid = (t: unknown) => t === "RuntimeDefault" || t === "Localhost";
  const podType = spec.securityContext?.seccompProfile?.type;
  const explicitType = (t: unknown) => t !== undefined && !valid(t);
  const pod = explicitType(podType);
  const explicit = bad(spec, (c) => explicitType(c.securityContext?.seccompProfile?.type));
  const values = sortedSet(
    [podType, ...containers(spec).map((c) => c.securityContext?.seccompProfile?.type)].filter(explicitType).map(String),
  );
  if (pod || explicit.length)
    return {
      reason: "seccompProfile",
      detail: `${setters(pod, explicit)} must not set securityContext.seccompProfile.type to ${quote(values)}`,
      fix: "use the RuntimeDefault seccomp profile",
    };
  const implicit = valid(podType) ? [] : bad(spec, (c) => c.securityContext?.seccompProfile?.type === undefined);
  return implicit.length
    ? {
        reason: "seccompProfile",
        detail: `pod or ${plural("container", implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
        fix: "set seccompProfile: { type: RuntimeDefault } in the Pod's securityContext",
      }
    : undefined;
};

/** A check skipped for Pods in a user namespace (the v1.35 versions) or for Windows Pods (the v1.25 versions). */
const unless =
  (skip: (spec: Props) => boolean, check: CheckFn): CheckFn =>
  (spec, metadata) =>
    skip(spec) ? undefined : check(spec, metadata);

export const CHECKS: readonly PodSecurityCheck[] = [
  {
    id: "hostNamespaces",
    level: "baseline",
    versions: [
      {
        min: 0,
        check: (spec) => {
          const set = ["hostNetwork", "hostPID", "hostIPC"].filter((f) => spec[f] === true);
          return set.length
            ? {
                reason: "host namespaces",
                detail: set.map((f) => `${f}=true`).join(", "),
                fix: `remove ${set.join(", ")} from the Pod`,
              }
            : undefined;
        },
      },
    ],
  },
  {
    id: "privileged",
    level: "baseline",
    versions: [
      {
        min: 0,
        check: (spec) => {
          const names = bad(spec, (c) => c.securityContext?.privileged === true);
          return names.length
            ? {
                reason: "privileged",
                detail: `${plural("container", names)} must not set securityContext.privileged=true`,
                fix: "drop privileged: true",
              }
            : undefined;
        },
      },
    ],
  },
  {
    id: "capabilities_baseline",
    level: "baseline",
    versions: [
      {
        min: 0,
        check: (spec) => {
          const caps = new Set<string>();
          const names = bad(spec, (c) => {
            const added = ((c.securityContext?.capabilities?.add ?? []) as string[]).filter(
              (cap) => !BASELINE_CAPABILITIES.has(cap),
            );
            added.forEach((cap) => {
              caps.add(cap);
            });
            return added.length > 0;
          });
          return names.length
            ? {
                reason: "non-default capabilities",
                detail: `${plural("container", names)} must not include ${quote([...caps].sort())} in securityContext.capabilities.add`,
                fix: `do not add ${[...caps].join(", ")}`,
              }
            : undefined;
        },
      },
    ],
  },
  {
    id: "hostPathVolumes",
    level: "baseline",
    versions: [
      {
        min: 0,
        check: (spec) => {
          const names = ((spec.volumes ?? []) as Props[]).filter((v) => v.hostPath).map((v) => String(v.name));
          return names.length
            ? {
                reason: "hostPath volumes",
                detail: plural("volume", names),
                fix: "replace the hostPath volumes (or run the Pod in a namespace whose level allows them)",
              }
            : undefined;
        },
      },
    ],
  },
  {
    id: "hostPorts",
    level: "baseline",
    versions: [
      {
        min: 0,
        check: (spec) => {
          const hostPorts = (c: Props) =>
            ((c.ports ?? []) as Props[]).filter((p) => p.hostPort).map((p) => String(p.hostPort));
          const names = bad(spec, (c) => hostPorts(c).length > 0);
          const ports = sortedSet(containers(spec).flatMap(hostPorts));
          return names.length
            ? {
                reason: "hostPort",
                detail: `${plural("container", names)} ${pluralize("uses", "use", names.length)} ${pluralize("hostPort", "hostPorts", ports.length)} ${ports.join(", ")}`,
                fix: "remove hostPort",
              }
            : undefined;
        },
      },
    ],
  },
  {
    id: "appArmorProfile",
    level: "baseline",
    versions: [
      {
        min: 0,
        check: (spec, metadata) => {
          // allowedProfileType, allowedAnnotationValue
          const forbidden = (p: Props | undefined) => !!p && p.type !== "RuntimeDefault" && p.type !== "Localhost";
          const pod = forbidden(spec.securityContext?.appArmorProfile);
          const names = bad(spec, (c) => forbidden(c.securityContext?.appArmorProfile));
          const annotations = Object.entries(metadata.annotations)
            .filter(
              ([k, v]) =>
                k.startsWith("container.apparmor.security.beta.kubernetes.io/") &&
                v !== "" &&
                v !== "runtime/default" &&
                !String(v).startsWith("localhost/"),
            )
            .map(([k, v]) => `${k}=${JSON.stringify(String(v))}`)
            .sort();
          const values = [
            ...sortedSet(
              [spec.securityContext, ...containers(spec).map((c) => c.securityContext)]
                .map((s) => s?.appArmorProfile)
                .filter(forbidden)
                .map((p) => String(p.type)),
            ),
            ...annotations,
          ];
          const who = [
            ...(pod || names.length ? [setters(pod, names)] : []),
            ...(annotations.length ? [pluralize("annotation", "annotations", annotations.length)] : []),
          ];
          return who.length
            ? {
                reason: pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", values.length),
                detail: `${who.join(" and ")} must not set AppArmor profile type to ${quote(values)}`,
                fix: "use the RuntimeDefault or a Localhost AppArmor profile",
              }
            : undefined;
        },
      },
    ],
  },
  {
    id: "seLinuxOptions",
    level: "baseline",
    versions: [
      { min: 0, check: seLinux(SELINUX_1_0) },
      { min: 31, check: seLinux(SELINUX_1_31) },
    ],
  },
  {
    id: "procMount",
    level: "baseline",
    versions: [
      { min: 0, check: procMount },
      { min: 35, check: unless(userNamespace, procMount) },
    ],
  },
  {
    id: "seccompProfile_baseline",
    level: "baseline",
    versions: [
      {
        min: 0,
        check: (spec, metadata) => {
          const ok = (v: string) => v === "runtime/default" || v === "docker/default" || v.startsWith("localhost/");
          const keys = [
            SECCOMP_POD_ANNOTATION,
            ...containers(spec).map((c) => `${SECCOMP_CONTAINER_ANNOTATION}${c.name}`),
          ];
          const forbidden = sortedSet(
            keys
              .filter((k) => metadata.annotations[k] !== undefined && !ok(String(metadata.annotations[k])))
              .map((k) => `${k}=${JSON.stringify(String(metadata.annotations[k]))}`),
          );
          return forbidden.length
            ? {
                reason: "seccompProfile",
                detail: `forbidden ${pluralize("annotation", "annotations", forbidden.length)} ${forbidden.join(", ")}`,
                fix: "use the runtime/default seccomp profile",
              }
            : undefined;
        },
      },
      {
        min: 19,
        check: (spec) => {
          const valid = (t: unknown) => t === undefined || t === "RuntimeDefault" || t === "Localhost";
          const podType = spec.securityContext?.seccompProfile?.type;
          const names = bad(spec, (c) => !valid(c.securityContext?.seccompProfile?.type));
          const setters = [...(!valid(podType) ? ["pod"] : []), ...(names.length ? [plural("container", names)] : [])];
          const values = [
            ...new Set(
              [
                ...(!valid(podType) ? [podType] : []),
                ...containers(spec)
                  .map((c) => c.securityContext?.seccompProfile?.type)
                  .filter((t) => !valid(t)),
              ].map(String),
            ),
          ].sort();
          return setters.length
            ? {
                reason: "seccompProfile",
                detail: `${setters.join(" and ")} must not set securityContext.seccompProfile.type to ${quote(values)}`,
                fix: "use the RuntimeDefault seccomp profile",
              }
            : undefined;
        },
      },
    ],
  },
  {
    id: "sysctls",
    level: "baseline",
    versions: [
      { min: 0, check: sysctls(SYSCTLS_1_0) },
      { min: 27, check: sysctls(SYSCTLS_1_27) },
      { min: 29, check: sysctls(SYSCTLS_1_29) },
      { min: 32, check: sysctls(SYSCTLS_1_32) },
    ],
  },
  {
    id: "windowsHostProcess",
    level: "baseline",
    versions: [
      {
        min: 0,
        check: (spec) => {
          const pod = spec.securityContext?.windowsOptions?.hostProcess === true;
          const names = bad(spec, (c) => c.securityContext?.windowsOptions?.hostProcess === true);
          return pod || names.length
            ? {
                reason: "hostProcess",
                detail: `${setters(pod, names)} must not set securityContext.windowsOptions.hostProcess=true`,
                fix: "remove hostProcess",
              }
            : undefined;
        },
      },
    ],
  },
  {
    id: "hostProbesAndHostLifecycle",
    level: "baseline",
    versions: [
      {
        min: 34,
        check: (spec) => {
          // getForbiddenHostProbes, getForbiddenHostLifecycle
          const hosts = (c: Props): string[] =>
            [c.livenessProbe, c.readinessProbe, c.startupProbe, c.lifecycle?.postStart, c.lifecycle?.preStop]
              .flatMap((h) => [h?.httpGet?.host, h?.tcpSocket?.host])
              .filter((h) => !!h)
              .map(String);
          const names = sortedSet(bad(spec, (c) => hosts(c).length > 0));
          const forbidden = sortedSet(containers(spec).flatMap(hosts));
          return names.length
            ? {
                reason: "probe or lifecycle host",
                detail: `${plural("container", names)} ${pluralize("uses", "use", names.length)} ${pluralize("probe or lifecycle host", "probe or lifecycle hosts", forbidden.length)} ${quote(forbidden)}`,
                fix: "remove the host field from probes and lifecycle handlers",
              }
            : undefined;
        },
      },
    ],
  },
  {
    id: "restrictedVolumes",
    level: "restricted",
    versions: [
      {
        min: 0,
        overrides: ["hostPathVolumes"],
        check: (spec) => {
          const restricted = ((spec.volumes ?? []) as Props[]).filter((v) => !RESTRICTED_VOLUMES.some((k) => v[k]));
          const names = restricted.map((v) => String(v.name));
          const types = sortedSet(restricted.map((v) => RESTRICTED_VOLUME_TYPES.find((k) => v[k]) ?? "unknown"));
          return names.length
            ? {
                reason: "restricted volume types",
                detail: `${plural("volume", names)} ${pluralize("uses", "use", names.length)} ${pluralize("restricted volume type", "restricted volume types", types.length)} ${quote(types)}`,
                fix: `use only ${RESTRICTED_VOLUMES.join(", ")} volumes`,
              }
            : undefined;
        },
      },
    ],
  },
  {
    id: "allowPrivilegeEscalation",
    level: "restricted",
    versions: [
      { min: 8, check: allowPrivilegeEscalation },
      { min: 25, check: unless(windows, allowPrivilegeEscalation) },
    ],
  },
  {
    id: "capabilities_restricted",
    level: "restricted",
    versions: [
      { min: 22, overrides: ["capabilities_baseline"], check: capabilitiesRestricted },
      { min: 25, overrides: ["capabilities_baseline"], check: unless(windows, capabilitiesRestricted) },
    ],
  },
  {
    id: "runAsNonRoot",
    level: "restricted",
    versions: [
      { min: 0, check: runAsNonRoot },
      { min: 35, check: unless(userNamespace, runAsNonRoot) },
    ],
  },
  {
    id: "runAsUser",
    level: "restricted",
    versions: [
      { min: 23, check: runAsUser },
      { min: 35, check: unless(userNamespace, runAsUser) },
    ],
  },
  {
    id: "seccompProfile_restricted",
    level: "restricted",
    versions: [
      { min: 19, overrides: ["seccompProfile_baseline"], check: seccompRestricted },
      { min: 25, overrides: ["seccompProfile_baseline"], check: unless(windows, seccompRestricted) },
    ],
  },
  {
    id: "procMount_restricted",
    level: "restricted",
    versions: [{ min: 35, overrides: ["procMount"], check: procMount }],
  },
];

/**
 * The checks a level runs at a policy version (1.N): each check's latest version at or below N;
 * at restricted, the baseline checks too, less those a restricted check overrides at N. Ordered as
 * the registry orders them: baseline IDs, then restricted IDs, each sorted.
 */
export function checksAt(level: "baseline" | "restricted", minor: number): Array<{ id: string; check: CheckFn }> {
  const active = (c: PodSecurityCheck) => [...c.versions].reverse().find((v) => v.min <= minor);
  const chosen = CHECKS.map((c) => ({ c, v: active(c) })).filter(
    (x): x is { c: PodSecurityCheck; v: VersionedCheck } => !!x.v,
  );
  const restricted = chosen.filter((x) => x.c.level === "restricted");
  const overridden = new Set(restricted.flatMap((x) => x.v.overrides ?? []));
  const baseline = chosen.filter(
    (x) => x.c.level === "baseline" && !(level === "restricted" && overridden.has(x.c.id)),
  );
  // Check IDs are unique, so two never compare equal.
  const byId = (a: { c: PodSecurityCheck }, b: { c: PodSecurityCheck }) => (a.c.id < b.c.id ? -1 : 1);
  return [...baseline.sort(byId), ...(level === "restricted" ? restricted.sort(byId) : [])].map((x) => ({
    id: x.c.id,
    check: x.v.check,
  }));
}
