import type { PodObject, Props } from "../model";

/**
 * The Pod Security Standards checks as kubernetes/pod-security-admission registers them
 * (policy/check_*.go, tags v0.34.0 to v0.36.2): each check has a level and a list of versions, each
 * version applying from its minimum policy version (1.N, given here as N) to the next; a restricted
 * check may override baseline checks (policy/registry.go populate). Each check visits init
 * containers, containers and ephemeral containers (policy/visitor.go). Messages are the checks'.
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

const quote = (names: string[]) => names.map((n) => `"${n}"`).join(", ");
const plural = (word: string, names: string[]) => `${word}${names.length === 1 ? "" : "s"} ${quote(names)}`;
const containers = (spec: Props): Props[] => [
  ...(spec.initContainers ?? []),
  ...(spec.containers ?? []),
  ...(spec.ephemeralContainers ?? []),
];
const bad = (spec: Props, predicate: (c: Props) => boolean): string[] =>
  containers(spec)
    .filter(predicate)
    .map((c) => String(c?.name));
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
// policy/check_seccompProfile_baseline.go annotationKeyPod, annotationKeyContainerPrefix
const SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/";

const sysctls =
  (allowed: readonly string[]): CheckFn =>
  (spec) => {
    const names = ((spec.securityContext?.sysctls ?? []) as Props[])
      .map((s) => String(s?.name))
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
    const invalid = (o: Props | undefined) => !!o && (!types.includes(String(o.type ?? "")) || !!o.user || !!o.role);
    const names = [
      ...(invalid(spec.securityContext?.seLinuxOptions) ? ["pod"] : []),
      ...bad(spec, (c) => invalid(c?.securityContext?.seLinuxOptions)),
    ];
    return names.length
      ? {
          reason: "seLinuxOptions",
          detail: `${names.join(", ")} set forbidden securityContext.seLinuxOptions`,
          fix: "remove seLinuxOptions user and role, and use an allowed type",
        }
      : undefined;
  };

const procMount: CheckFn = (spec) => {
  const names = bad(
    spec,
    (c) => c?.securityContext?.procMount !== undefined && c.securityContext.procMount !== "Default",
  );
  return names.length
    ? {
        reason: "procMount",
        detail: `${plural("container", names)} must not set securityContext.procMount`,
        fix: "remove procMount",
      }
    : undefined;
};

const allowPrivilegeEscalation: CheckFn = (spec) => {
  const names = bad(spec, (c) => c?.securityContext?.allowPrivilegeEscalation !== false);
  return names.length
    ? {
        reason: "allowPrivilegeEscalation != false",
        detail: `${plural("container", names)} must set securityContext.allowPrivilegeEscalation=false`,
        fix: "set allowPrivilegeEscalation: false on every container",
      }
    : undefined;
};

const capabilitiesRestricted: CheckFn = (spec) => {
  const missing = bad(spec, (c) => !((c?.securityContext?.capabilities?.drop ?? []) as string[]).includes("ALL"));
  const added = bad(spec, (c) =>
    ((c?.securityContext?.capabilities?.add ?? []) as string[]).some((cap) => cap !== "NET_BIND_SERVICE"),
  );
  const details = [
    ...(missing.length ? [`${plural("container", missing)} must set securityContext.capabilities.drop=["ALL"]`] : []),
    ...(added.length
      ? [
          `${plural("container", added)} must not include capabilities other than "NET_BIND_SERVICE" in securityContext.capabilities.add`,
        ]
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
  const explicit = bad(spec, (c) => c?.securityContext?.runAsNonRoot === false);
  const implicit = podNonRoot === true ? [] : bad(spec, (c) => c?.securityContext?.runAsNonRoot === undefined);
  if (podNonRoot === false || explicit.length)
    return {
      reason: "runAsNonRoot != true",
      detail: `${[...(podNonRoot === false ? ["pod"] : []), ...(explicit.length ? [plural("container", explicit)] : [])].join(" and ")} must not set securityContext.runAsNonRoot=false`,
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
  const names = [
    ...(spec.securityContext?.runAsUser === 0 ? ["pod"] : []),
    ...bad(spec, (c) => c?.securityContext?.runAsUser === 0),
  ];
  return names.length
    ? { reason: "runAsUser=0", detail: `${names.join(" and ")} must not set runAsUser=0`, fix: "run as a non-zero UID" }
    : undefined;
};

const seccompRestricted: CheckFn = (spec) => {
  const valid = (t: unknown) => t === "RuntimeDefault" || t === "Localhost";
  const podType = spec.securityContext?.seccompProfile?.type;
  const explicit = [
    ...(podType !== undefined && !valid(podType) ? ["pod"] : []),
    ...bad(
      spec,
      (c) => c?.securityContext?.seccompProfile?.type !== undefined && !valid(c.securityContext.seccompProfile.type),
    ),
  ];
  if (explicit.length)
    return {
      reason: "seccompProfile",
      detail: `${explicit.join(" and ")} must not set securityContext.seccompProfile.type to a value other than "RuntimeDefault" or "Localhost"`,
      fix: "use the RuntimeDefault seccomp profile",
    };
  const implicit = valid(podType) ? [] : bad(spec, (c) => c?.securityContext?.seccompProfile?.type === undefined);
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
          const names = bad(spec, (c) => c?.securityContext?.privileged === true);
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
            const added = ((c?.securityContext?.capabilities?.add ?? []) as string[]).filter(
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
          const names = ((spec.volumes ?? []) as Props[]).filter((v) => v?.hostPath).map((v) => String(v.name));
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
          const ports = new Set<number>();
          const names = bad(spec, (c) =>
            ((c?.ports ?? []) as Props[]).some((p) => p?.hostPort && ports.add(p.hostPort)),
          );
          return names.length
            ? {
                reason: "hostPort",
                detail: `${plural("container", names)} ${names.length === 1 ? "uses" : "use"} ${plural("hostPort", [...ports].map(String))}`,
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
          const unconfined = (p: Props | undefined) => p?.type === "Unconfined";
          const annotated = Object.entries(metadata.annotations).filter(
            ([k, v]) =>
              k.startsWith("container.apparmor.security.beta.kubernetes.io/") &&
              v !== "runtime/default" &&
              !String(v).startsWith("localhost/"),
          );
          const names = [
            ...(unconfined(spec.securityContext?.appArmorProfile) ? ["pod"] : []),
            ...bad(spec, (c) => unconfined(c?.securityContext?.appArmorProfile)),
            ...annotated.map(([k]) => k),
          ];
          return names.length
            ? {
                reason: "forbidden AppArmor profile",
                detail: quote(names),
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
            ...containers(spec).map((c) => `${SECCOMP_CONTAINER_ANNOTATION}${c?.name}`),
          ];
          const names = keys.filter(
            (k) => metadata.annotations[k] !== undefined && !ok(String(metadata.annotations[k])),
          );
          return names.length
            ? {
                reason: "seccompProfile",
                detail: `forbidden annotation${names.length === 1 ? "" : "s"} ${names.map((k) => `${k}="${metadata.annotations[k]}"`).join(", ")}`,
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
          const names = bad(spec, (c) => !valid(c?.securityContext?.seccompProfile?.type));
          const setters = [...(!valid(podType) ? ["pod"] : []), ...(names.length ? [plural("container", names)] : [])];
          const values = [
            ...new Set(
              [
                ...(!valid(podType) ? [podType] : []),
                ...containers(spec)
                  .map((c) => c?.securityContext?.seccompProfile?.type)
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
          const names = [
            ...(spec.securityContext?.windowsOptions?.hostProcess ? ["pod"] : []),
            ...bad(spec, (c) => c?.securityContext?.windowsOptions?.hostProcess === true),
          ];
          return names.length
            ? {
                reason: "hostProcess",
                detail: `${names.join(", ")} must not set securityContext.windowsOptions.hostProcess=true`,
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
          const hosted = (h: Props | undefined) => !!(h?.httpGet?.host || h?.tcpSocket?.host);
          const names = bad(spec, (c) =>
            [c?.livenessProbe, c?.readinessProbe, c?.startupProbe, c?.lifecycle?.postStart, c?.lifecycle?.preStop].some(
              hosted,
            ),
          );
          return names.length
            ? {
                reason: "probe or lifecycle host",
                detail: `${plural("container", names)} must not set host in probes or lifecycle handlers`,
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
          const names = ((spec.volumes ?? []) as Props[])
            .filter((v) => !RESTRICTED_VOLUMES.some((k) => v?.[k]))
            .map((v) => String(v?.name));
          return names.length
            ? {
                reason: "restricted volume types",
                detail: plural("volume", names),
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
const memo = new Map<string, Array<{ id: string; check: CheckFn }>>();
export function checksAt(level: "baseline" | "restricted", minor: number): Array<{ id: string; check: CheckFn }> {
  const key = `${level}:${minor}`;
  if (!memo.has(key)) memo.set(key, select(level, minor));
  return memo.get(key)!;
}

function select(level: "baseline" | "restricted", minor: number): Array<{ id: string; check: CheckFn }> {
  const active = (c: PodSecurityCheck) => [...c.versions].reverse().find((v) => v.min <= minor);
  const chosen = CHECKS.map((c) => ({ c, v: active(c) })).filter(
    (x): x is { c: PodSecurityCheck; v: VersionedCheck } => !!x.v,
  );
  const restricted = chosen.filter((x) => x.c.level === "restricted");
  const overridden = new Set(restricted.flatMap((x) => x.v.overrides ?? []));
  const baseline = chosen.filter(
    (x) => x.c.level === "baseline" && !(level === "restricted" && overridden.has(x.c.id)),
  );
  const byId = (a: { c: PodSecurityCheck }, b: { c: PodSecurityCheck }) =>
    a.c.id < b.c.id ? -1 : a.c.id > b.c.id ? 1 : 0;
  return [...baseline.sort(byId), ...(level === "restricted" ? restricted.sort(byId) : [])].map((x) => ({
    id: x.c.id,
    check: x.v.check,
  }));
}
