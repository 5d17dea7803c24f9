import * as assert from "node:assert";
import { checksAt } from "../../../policies/lib/analysis/workloads/admission/pod-security-checks";
import type { Props } from "../../../policies/lib/analysis/workloads/model";

/**
 * The Pod Security Standards checks, one by one, against kubernetes/pod-security-admission at tag
 * v0.35.6: the pods and the expected ForbiddenReason / ForbiddenDetail are those of each
 * policy/check_<id>_test.go (ported to JSON), plus the version boundaries of each check's
 * Versions (MinimumVersion) and the registry's ordering and overrides (policy/registry.go populate).
 */
type Level = "baseline" | "restricted";
const meta = (annotations: Record<string, string> = {}) => ({ name: "p", namespace: "ns", labels: {}, annotations });

/** The result of check `id` at policy version 1.<minor> (found at whichever level runs it). */
function run(id: string, minor: number, spec: Props, annotations: Record<string, string> = {}) {
  const check = [...checksAt("baseline", minor), ...checksAt("restricted", minor)].find((c) => c.id === id);
  assert.ok(check, `check ${id} runs at 1.${minor}`);
  return check.check(spec, meta(annotations));
}
/** Reason and detail only (the fix is ours, asserted separately where it matters). */
function verdict(id: string, minor: number, spec: Props, annotations: Record<string, string> = {}) {
  const failure = run(id, minor, spec, annotations);
  return failure && { reason: failure.reason, detail: failure.detail };
}
const ids = (level: Level, minor: number) => checksAt(level, minor).map((c) => c.id);
const named = (name: string, securityContext?: Props, extra: Props = {}): Props => ({
  name,
  ...(securityContext ? { securityContext } : {}),
  ...extra,
});

describe("Pod Security Standards checks (kubernetes/pod-security-admission policy/check_*.go, v0.35.6)", () => {
  describe("the registry (policy/registry.go populate): each check's latest version at or below the policy version", () => {
    const BASELINE_1_35 = [
      "appArmorProfile",
      "capabilities_baseline",
      "hostNamespaces",
      "hostPathVolumes",
      "hostPorts",
      "hostProbesAndHostLifecycle",
      "privileged",
      "procMount",
      "seLinuxOptions",
      "seccompProfile_baseline",
      "sysctls",
      "windowsHostProcess",
    ];
    it("baseline runs the baseline checks, sorted by ID (Go string order)", () => {
      assert.deepStrictEqual(ids("baseline", 35), BASELINE_1_35);
    });

    it("restricted runs the baseline checks less those overridden, then the restricted checks, each sorted", () => {
      assert.deepStrictEqual(ids("restricted", 35), [
        "appArmorProfile",
        "hostNamespaces",
        "hostPorts",
        "hostProbesAndHostLifecycle",
        "privileged",
        "seLinuxOptions",
        "sysctls",
        "windowsHostProcess",
        // restrictedVolumes overrides hostPathVolumes, capabilities_restricted capabilities_baseline,
        // seccompProfile_restricted seccompProfile_baseline, procMount_restricted (1.35) procMount.
        "allowPrivilegeEscalation",
        "capabilities_restricted",
        "procMount_restricted",
        "restrictedVolumes",
        "runAsNonRoot",
        "runAsUser",
        "seccompProfile_restricted",
      ]);
    });

    it("adds each check at its MinimumVersion and not one minor before", () => {
      const cases: Array<[string, Level, number]> = [
        ["allowPrivilegeEscalation", "restricted", 8], // check_allowPrivilegeEscalation.go 1.8
        ["seccompProfile_restricted", "restricted", 19], // check_seccompProfile_restricted.go 1.19
        ["capabilities_restricted", "restricted", 22], // check_capabilities_restricted.go 1.22
        ["runAsUser", "restricted", 23], // check_runAsUser.go 1.23
        ["hostProbesAndHostLifecycle", "baseline", 34], // check_hostProbesAndhostLifecycle.go 1.34
        ["procMount_restricted", "restricted", 35], // check_procMount_restricted.go 1.35
      ];
      for (const [id, level, min] of cases) {
        assert.ok(ids(level, min).includes(id), `${id} at 1.${min}`);
        assert.ok(!ids(level, min - 1).includes(id), `${id} not at 1.${min - 1}`);
      }
    });

    it("keeps the baseline check a restricted check overrides until that restricted check exists", () => {
      // Before 1.22 restricted still runs capabilities_baseline; before 1.35, procMount.
      assert.ok(ids("restricted", 21).includes("capabilities_baseline"));
      assert.ok(!ids("restricted", 22).includes("capabilities_baseline"));
      assert.ok(ids("restricted", 34).includes("procMount"));
      assert.ok(!ids("restricted", 35).includes("procMount"));
      // Before 1.19 restricted runs the annotation-only seccompProfile_baseline.
      assert.ok(ids("restricted", 18).includes("seccompProfile_baseline"));
      assert.ok(!ids("restricted", 19).includes("seccompProfile_baseline"));
      // baseline never runs a restricted check, nor loses an overridden one.
      assert.deepStrictEqual(ids("baseline", 18), ids("baseline", 33));
      assert.ok(ids("baseline", 35).includes("procMount"));
    });

    it("runs the 1.0 checks at v1.0", () => {
      assert.deepStrictEqual(
        ids("baseline", 0),
        BASELINE_1_35.filter((id) => id !== "hostProbesAndHostLifecycle"),
      );
      assert.deepStrictEqual(ids("restricted", 0).slice(-2), ["restrictedVolumes", "runAsNonRoot"]);
    });
  });

  describe("baseline checks", () => {
    it("hostNamespaces (check_hostNamespaces_test.go)", () => {
      assert.deepStrictEqual(verdict("hostNamespaces", 35, { hostNetwork: true, hostIPC: true, hostPID: true }), {
        reason: "host namespaces",
        detail: "hostNetwork=true, hostPID=true, hostIPC=true",
      });
      assert.deepStrictEqual(verdict("hostNamespaces", 35, { hostIPC: true }), {
        reason: "host namespaces",
        detail: "hostIPC=true",
      });
      assert.deepStrictEqual(verdict("hostNamespaces", 35, { hostPID: true }), {
        reason: "host namespaces",
        detail: "hostPID=true",
      });
      assert.match(run("hostNamespaces", 35, { hostNetwork: true, hostPID: true })!.fix, /hostNetwork, hostPID/);
      assert.strictEqual(run("hostNamespaces", 35, { hostNetwork: false, containers: [named("a")] }), undefined);
    });

    it("privileged (check_privileged_test.go)", () => {
      const spec = {
        containers: [
          named("a"),
          named("b", {}),
          named("c", { privileged: false }),
          named("d", { privileged: true }),
          named("e", { privileged: true }),
        ],
      };
      assert.deepStrictEqual(verdict("privileged", 35, spec), {
        reason: "privileged",
        detail: 'containers "d", "e" must not set securityContext.privileged=true',
      });
      assert.match(run("privileged", 35, spec)!.fix, /privileged/);
      assert.strictEqual(run("privileged", 35, { containers: spec.containers.slice(0, 3) }), undefined);
    });

    it("capabilities_baseline (check_capabilities_baseline_test.go): the 1.0 allowed set only", () => {
      const spec = {
        containers: [
          named("a", { capabilities: { add: ["FOO", "BAR"] } }),
          named("b", { capabilities: { add: ["BAR", "BAZ"] } }),
        ],
      };
      assert.deepStrictEqual(verdict("capabilities_baseline", 35, spec), {
        reason: "non-default capabilities",
        detail: 'containers "a", "b" must not include "BAR", "BAZ", "FOO" in securityContext.capabilities.add',
      });
      assert.match(run("capabilities_baseline", 35, spec)!.fix, /FOO, BAR, BAZ/);
      // capabilities_allowed_1_0: every one of these is admitted.
      const allowed = [
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
      ];
      assert.strictEqual(
        run("capabilities_baseline", 35, { containers: [named("a", { capabilities: { add: allowed } })] }),
        undefined,
      );
    });

    it("hostPathVolumes (check_hostPathVolumes.go)", () => {
      const spec = {
        volumes: [
          { name: "a", hostPath: { path: "/" } },
          { name: "b", emptyDir: {} },
          { name: "c", hostPath: { path: "/var" } },
        ],
      };
      assert.deepStrictEqual(verdict("hostPathVolumes", 35, spec), {
        reason: "hostPath volumes",
        detail: 'volumes "a", "c"',
      });
      assert.match(run("hostPathVolumes", 35, spec)!.fix, /hostPath/);
      assert.strictEqual(run("hostPathVolumes", 35, { volumes: [{ name: "b", emptyDir: {} }] }), undefined);
      assert.strictEqual(run("hostPathVolumes", 35, {}), undefined);
    });

    it("hostPorts (check_hostPorts_test.go)", () => {
      const one = {
        containers: [
          named("a", undefined, { ports: [{ hostPort: 0 }] }),
          named("b", undefined, { ports: [{ hostPort: 0 }, { hostPort: 20 }] }),
        ],
      };
      assert.deepStrictEqual(verdict("hostPorts", 35, one), {
        reason: "hostPort",
        detail: 'container "b" uses hostPort 20',
      });
      const many = {
        containers: [
          named("a", undefined, { ports: [{ hostPort: 0 }] }),
          named("b", undefined, { ports: [{ hostPort: 0 }, { hostPort: 10 }, { hostPort: 20 }] }),
          named("c", undefined, { ports: [{ hostPort: 0 }, { hostPort: 10 }, { hostPort: 30 }] }),
        ],
      };
      assert.deepStrictEqual(verdict("hostPorts", 35, many), {
        reason: "hostPort",
        detail: 'containers "b", "c" use hostPorts 10, 20, 30',
      });
      assert.match(run("hostPorts", 35, many)!.fix, /hostPort/);
      assert.strictEqual(
        run("hostPorts", 35, { containers: [named("a", undefined, { ports: [{ containerPort: 80 }] })] }),
        undefined,
      );
    });

    it("appArmorProfile (check_appArmorProfile_test.go): fields and the deprecated annotations", () => {
      const unconfined = { type: "Unconfined" };
      assert.deepStrictEqual(
        verdict("appArmorProfile", 35, { securityContext: { appArmorProfile: unconfined }, containers: [named("a")] }),
        {
          reason: "forbidden AppArmor profile",
          detail: 'pod must not set AppArmor profile type to "Unconfined"',
        },
      );
      assert.deepStrictEqual(
        verdict("appArmorProfile", 35, {
          containers: [
            named("foo", { appArmorProfile: unconfined }),
            named("ok", { appArmorProfile: { type: "RuntimeDefault" } }),
          ],
        }),
        {
          reason: "forbidden AppArmor profile",
          detail: 'container "foo" must not set AppArmor profile type to "Unconfined"',
        },
      );
      assert.deepStrictEqual(
        verdict("appArmorProfile", 35, {
          initContainers: [named("bar", { appArmorProfile: unconfined })],
          containers: [named("foo", { appArmorProfile: { type: "Localhost", localhostProfile: "p" } })],
        }),
        {
          reason: "forbidden AppArmor profile",
          detail: 'container "bar" must not set AppArmor profile type to "Unconfined"',
        },
      );
      const prefix = "container.apparmor.security.beta.kubernetes.io/";
      const annotations = {
        [prefix]: "bogus",
        [`${prefix}a`]: "",
        [`${prefix}b`]: "runtime/default",
        [`${prefix}c`]: "localhost/",
        [`${prefix}d`]: "localhost/foo",
        [`${prefix}e`]: "unconfined",
        [`${prefix}f`]: "unknown",
        "other.example.com/e": "unconfined",
      };
      const failure = run("appArmorProfile", 35, {}, annotations)!;
      assert.deepStrictEqual(
        { reason: failure.reason, detail: failure.detail },
        {
          reason: "forbidden AppArmor profiles",
          detail: `annotations must not set AppArmor profile type to "${prefix}="bogus"", "${prefix}e="unconfined"", "${prefix}f="unknown""`,
        },
      );
      assert.match(failure.fix, /RuntimeDefault or a Localhost AppArmor profile/);
      // pod, containers and annotations together
      assert.deepStrictEqual(
        verdict(
          "appArmorProfile",
          35,
          {
            securityContext: { appArmorProfile: unconfined },
            containers: [named("a", { appArmorProfile: unconfined }), named("b", { appArmorProfile: unconfined })],
          },
          { [`${prefix}a`]: "unconfined" },
        ),
        {
          reason: "forbidden AppArmor profiles",
          detail: `pod and containers "a", "b" and annotation must not set AppArmor profile type to "Unconfined", "${prefix}a="unconfined""`,
        },
      );
      // The annotations are listed sorted (sort.Strings), whatever their order in the manifest.
      assert.deepStrictEqual(
        verdict("appArmorProfile", 35, {}, { [`${prefix}z`]: "unconfined", [`${prefix}m`]: "unknown" }),
        {
          reason: "forbidden AppArmor profiles",
          detail: `annotations must not set AppArmor profile type to "${prefix}m="unknown"", "${prefix}z="unconfined""`,
        },
      );
      // "container with default AppArmor + extra annotations" and friends are allowed
      assert.strictEqual(
        run(
          "appArmorProfile",
          35,
          { securityContext: { appArmorProfile: { type: "RuntimeDefault" } }, containers: [named("a")] },
          { [`${prefix}a`]: "runtime/default", [`${prefix}b`]: "localhost/x", [`${prefix}c`]: "" },
        ),
        undefined,
      );
    });

    it("seLinuxOptions (check_seLinuxOptions_test.go, at 1.31 where container_engine_t is allowed)", () => {
      const containers = [
        named("a", { seLinuxOptions: { type: "container_t" } }),
        named("b", { seLinuxOptions: { type: "container_init_t" } }),
        named("c", { seLinuxOptions: { type: "container_kvm_t" } }),
        named("d", { seLinuxOptions: { type: "container_engine_t" } }),
        named("e", { seLinuxOptions: { type: "bar" } }),
        named("f", { seLinuxOptions: { user: "bar" } }),
        named("g", { seLinuxOptions: { role: "baz" } }),
      ];
      const pod = { seLinuxOptions: { type: "foo", user: "bar", role: "baz" } };
      assert.deepStrictEqual(verdict("seLinuxOptions", 31, { securityContext: pod, containers }), {
        reason: "seLinuxOptions",
        detail:
          'pod and containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: types "bar", "foo"; user may not be set; role may not be set',
      });
      assert.deepStrictEqual(
        verdict("seLinuxOptions", 31, { securityContext: pod, containers: containers.slice(0, 4) }),
        {
          reason: "seLinuxOptions",
          detail:
            'pod set forbidden securityContext.seLinuxOptions: type "foo"; user may not be set; role may not be set',
        },
      );
      assert.deepStrictEqual(verdict("seLinuxOptions", 31, { containers }), {
        reason: "seLinuxOptions",
        detail:
          'containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: type "bar"; user may not be set; role may not be set',
      });
      const single: Array<[Props, string]> = [
        [{ type: "bad" }, 'type "bad"'],
        [{ user: "bad" }, "user may not be set"],
        [{ role: "bad" }, "role may not be set"],
      ];
      for (const [opts, data] of single)
        assert.deepStrictEqual(verdict("seLinuxOptions", 31, { securityContext: { seLinuxOptions: opts } }), {
          reason: "seLinuxOptions",
          detail: `pod set forbidden securityContext.seLinuxOptions: ${data}`,
        });
      assert.match(run("seLinuxOptions", 31, { securityContext: pod })!.fix, /seLinuxOptions/);
      // selinuxAllowedTypes1_0 lacks container_engine_t (added at 1.31); the empty type is allowed.
      const engine = { containers: [named("d", { seLinuxOptions: { type: "container_engine_t" } })] };
      assert.deepStrictEqual(verdict("seLinuxOptions", 30, engine), {
        reason: "seLinuxOptions",
        detail: 'container "d" set forbidden securityContext.seLinuxOptions: type "container_engine_t"',
      });
      assert.strictEqual(run("seLinuxOptions", 31, engine), undefined);
      assert.strictEqual(
        run("seLinuxOptions", 30, { securityContext: { seLinuxOptions: { level: "s0:c1" } } }),
        undefined,
      );
    });

    it("procMount (check_procMount_baseline_test.go): relaxed for user namespaces from 1.35 only", () => {
      const containers = [
        named("a"),
        named("b", {}),
        named("c", { procMount: "Default" }),
        named("d", { procMount: "Unmasked" }),
        named("e", { procMount: "other" }),
      ];
      const expected = {
        reason: "procMount",
        detail: 'containers "d", "e" must not set securityContext.procMount to "Unmasked", "other"',
      };
      assert.deepStrictEqual(verdict("procMount", 35, { hostUsers: true, containers }), expected);
      assert.strictEqual(run("procMount", 35, { hostUsers: false, containers }), undefined);
      assert.deepStrictEqual(verdict("procMount", 34, { hostUsers: false, containers }), expected);
      assert.match(run("procMount", 35, { containers })!.fix, /procMount/);
      assert.strictEqual(run("procMount", 35, { containers: containers.slice(0, 3) }), undefined);
    });

    it("seccompProfile_baseline 1.0 (check_seccompProfile_baseline_test.go): the deprecated annotations", () => {
      const pod = "seccomp.security.alpha.kubernetes.io/pod";
      const c = "container.seccomp.security.alpha.kubernetes.io/";
      const spec = { containers: [named("a"), named("b"), named("c")] };
      assert.deepStrictEqual(verdict("seccompProfile_baseline", 18, {}, { [pod]: "unconfined" }), {
        reason: "seccompProfile",
        detail: `forbidden annotation ${pod}="unconfined"`,
      });
      assert.deepStrictEqual(
        verdict("seccompProfile_baseline", 18, spec, { [`${c}a`]: "unconfined", [`${c}b`]: "unknown" }),
        {
          reason: "seccompProfile",
          detail: `forbidden annotations ${c}a="unconfined", ${c}b="unknown"`,
        },
      );
      assert.deepStrictEqual(
        verdict("seccompProfile_baseline", 18, spec, {
          [pod]: "unconfined",
          [`${c}a`]: "unconfined",
          [`${c}b`]: "unknown",
        }),
        {
          reason: "seccompProfile",
          detail: `forbidden annotations ${c}a="unconfined", ${c}b="unknown", ${pod}="unconfined"`,
        },
      );
      assert.match(run("seccompProfile_baseline", 18, {}, { [pod]: "unconfined" })!.fix, /runtime\/default/);
      // validSeccompAnnotationValue: runtime/default, docker/default and localhost/<profile> are allowed;
      // an annotation for a container the Pod does not have is not looked at.
      assert.strictEqual(
        run("seccompProfile_baseline", 18, spec, {
          [pod]: "runtime/default",
          [`${c}a`]: "docker/default",
          [`${c}b`]: "localhost/profile.json",
          [`${c}z`]: "unconfined",
        }),
        undefined,
      );
      assert.ok(run("seccompProfile_baseline", 18, spec, { [`${c}c`]: "xlocalhost/" }));
    });

    it("seccompProfile_baseline 1.19 (check_seccompProfile_baseline_test.go): the fields", () => {
      const rd = { seccompProfile: { type: "RuntimeDefault" } };
      const un = { seccompProfile: { type: "Unconfined" } };
      assert.deepStrictEqual(
        verdict("seccompProfile_baseline", 19, { securityContext: un, containers: [named("a")] }),
        {
          reason: "seccompProfile",
          detail: 'pod must not set securityContext.seccompProfile.type to "Unconfined"',
        },
      );
      const containers = [named("a"), named("b", {}), named("c", un), named("d", un), named("e", rd), named("f", rd)];
      assert.deepStrictEqual(verdict("seccompProfile_baseline", 19, { securityContext: rd, containers }), {
        reason: "seccompProfile",
        detail: 'containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined"',
      });
      assert.deepStrictEqual(verdict("seccompProfile_baseline", 19, { securityContext: un, containers }), {
        reason: "seccompProfile",
        detail: 'pod and containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined"',
      });
      assert.match(run("seccompProfile_baseline", 19, { securityContext: un })!.fix, /RuntimeDefault/);
      // The bad values are a sorted set (sets.String List()).
      assert.deepStrictEqual(
        verdict("seccompProfile_baseline", 19, {
          securityContext: un,
          containers: [named("c", { seccompProfile: { type: "Bogus" } }), named("d", un)],
        }),
        {
          reason: "seccompProfile",
          detail:
            'pod and containers "c", "d" must not set securityContext.seccompProfile.type to "Bogus", "Unconfined"',
        },
      );
      // The annotations are no longer looked at from 1.19; unset and Localhost profiles are fine at baseline.
      assert.strictEqual(
        run(
          "seccompProfile_baseline",
          19,
          { containers: [named("a"), named("b", { seccompProfile: { type: "Localhost" } })] },
          { "seccomp.security.alpha.kubernetes.io/pod": "unconfined" },
        ),
        undefined,
      );
    });

    it("sysctls (check_sysctls_test.go): each allowed set from its version", () => {
      const withSysctls = (...names: string[]) => ({
        securityContext: { sysctls: names.map((name) => ({ name, value: "1" })) },
      });
      assert.deepStrictEqual(verdict("sysctls", 35, withSysctls("a", "b")), {
        reason: "forbidden sysctls",
        detail: "a, b",
      });
      assert.match(run("sysctls", 35, withSysctls("a"))!.fix, /sysctls/);
      const added: Array<[string, number]> = [
        ["net.ipv4.ip_local_reserved_ports", 27], // sysctlsAllowedV1Dot27
        ["net.ipv4.tcp_keepalive_time", 29], // sysctlsAllowedV1Dot29
        ["net.ipv4.tcp_fin_timeout", 29],
        ["net.ipv4.tcp_keepalive_intvl", 29],
        ["net.ipv4.tcp_keepalive_probes", 29],
        ["net.ipv4.tcp_rmem", 32], // sysctlsAllowedV1Dot32
        ["net.ipv4.tcp_wmem", 32],
      ];
      for (const [name, min] of added) {
        assert.deepStrictEqual(
          verdict("sysctls", min - 1, withSysctls(name)),
          { reason: "forbidden sysctls", detail: name },
          `${name} at 1.${min - 1}`,
        );
        assert.strictEqual(run("sysctls", min, withSysctls(name)), undefined, `${name} at 1.${min}`);
      }
      // sysctlsAllowedV1Dot0
      const v1_0 = [
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start",
      ];
      assert.strictEqual(run("sysctls", 0, withSysctls(...v1_0)), undefined);
      assert.strictEqual(run("sysctls", 35, {}), undefined);
    });

    it("windowsHostProcess (check_windowsHostProcess_test.go)", () => {
      const containers = [
        named("a"),
        named("b", {}),
        named("c", { windowsOptions: {} }),
        named("d", { windowsOptions: { hostProcess: false } }),
        named("e", { windowsOptions: { hostProcess: true } }),
        named("f", { windowsOptions: { hostProcess: true } }),
      ];
      assert.deepStrictEqual(
        verdict("windowsHostProcess", 35, { securityContext: { windowsOptions: { hostProcess: true } }, containers }),
        {
          reason: "hostProcess",
          detail: 'pod and containers "e", "f" must not set securityContext.windowsOptions.hostProcess=true',
        },
      );
      assert.deepStrictEqual(
        verdict("windowsHostProcess", 35, { securityContext: { windowsOptions: { hostProcess: true } } }),
        {
          reason: "hostProcess",
          detail: "pod must not set securityContext.windowsOptions.hostProcess=true",
        },
      );
      assert.match(run("windowsHostProcess", 35, { containers })!.fix, /hostProcess/);
      assert.strictEqual(
        run("windowsHostProcess", 35, {
          securityContext: { windowsOptions: { hostProcess: false } },
          containers: containers.slice(0, 4),
        }),
        undefined,
      );
    });

    it("hostProbesAndHostLifecycle (check_hostProbesAndhostLifecycle_test.go)", () => {
      const http = (host: string) => ({ httpGet: { host, port: 80 } });
      const tcp = (host: string) => ({ tcpSocket: { host, port: 80 } });
      const cases: Array<[Props, string]> = [
        [
          {
            containers: [
              named("a", undefined, {
                livenessProbe: http("127.0.0.1"),
                readinessProbe: tcp("localhost"),
                startupProbe: http("::1"),
              }),
            ],
          },
          'container "a" uses probe or lifecycle hosts "127.0.0.1", "::1", "localhost"',
        ],
        [
          { containers: [named("a", undefined, { livenessProbe: http("invalid.host") })] },
          'container "a" uses probe or lifecycle host "invalid.host"',
        ],
        [
          { containers: [named("b", undefined, { readinessProbe: tcp("invalid.host") })] },
          'container "b" uses probe or lifecycle host "invalid.host"',
        ],
        [
          { containers: [named("c", undefined, { startupProbe: http("invalid.host") })] },
          'container "c" uses probe or lifecycle host "invalid.host"',
        ],
        [
          { containers: [named("d", undefined, { lifecycle: { postStart: tcp("invalid.host") } })] },
          'container "d" uses probe or lifecycle host "invalid.host"',
        ],
        [
          { containers: [named("e", undefined, { lifecycle: { preStop: http("another.invalid.host") } })] },
          'container "e" uses probe or lifecycle host "another.invalid.host"',
        ],
        [
          {
            containers: [
              named("valid"),
              named("invalid1", undefined, { livenessProbe: http("a.com") }),
              named("invalid2", undefined, { lifecycle: { preStop: tcp("b.com") }, startupProbe: http("a.com") }),
            ],
          },
          'containers "invalid1", "invalid2" use probe or lifecycle hosts "a.com", "b.com"',
        ],
        [
          { initContainers: [named("init", undefined, { readinessProbe: http("invalid.init.host") })] },
          'container "init" uses probe or lifecycle host "invalid.init.host"',
        ],
      ];
      for (const [spec, detail] of cases)
        assert.deepStrictEqual(verdict("hostProbesAndHostLifecycle", 34, spec), {
          reason: "probe or lifecycle host",
          detail,
        });
      assert.match(run("hostProbesAndHostLifecycle", 34, cases[1][0])!.fix, /host/);
      assert.strictEqual(
        run("hostProbesAndHostLifecycle", 34, {
          containers: [
            named("a", undefined, {
              livenessProbe: { httpGet: { port: 80 } },
              readinessProbe: { tcpSocket: { port: 80 } },
              lifecycle: { preStop: { exec: { command: ["x"] } } },
            }),
          ],
        }),
        undefined,
      );
    });
  });

  describe("restricted checks", () => {
    it("restrictedVolumes (check_restrictedVolumes_test.go): names the volumes and their types", () => {
      const volumes = [
        ["a1", "emptyDir"],
        ["a2", "secret"],
        ["a3", "persistentVolumeClaim"],
        ["a4", "downwardAPI"],
        ["a5", "configMap"],
        ["a6", "projected"],
        ["a7", "csi"],
        ["a8", "ephemeral"],
        ["a9", "image"],
        ["b1", "hostPath"],
        ["b2", "gcePersistentDisk"],
        ["b3", "awsElasticBlockStore"],
        ["b4", "gitRepo"],
        ["b5", "nfs"],
        ["b6", "iscsi"],
        ["b7", "glusterfs"],
        ["b8", "rbd"],
        ["b9", "flexVolume"],
        ["b10", "cinder"],
        ["b11", "cephfs"],
        ["b12", "flocker"],
        ["b13", "fc"],
        ["b14", "azureFile"],
        ["b15", "vsphereVolume"],
        ["b16", "quobyte"],
        ["b17", "azureDisk"],
        ["b18", "photonPersistentDisk"],
        ["b19", "portworxVolume"],
        ["b20", "scaleIO"],
        ["b21", "storageos"],
      ].map(([name, type]) => ({ name, [type]: {} }));
      const failure = run("restrictedVolumes", 35, { volumes: [...volumes, { name: "c1" }] })!;
      assert.deepStrictEqual(
        { reason: failure.reason, detail: failure.detail },
        {
          reason: "restricted volume types",
          detail:
            'volumes "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10", "b11", "b12", "b13", "b14", "b15", "b16", "b17", "b18", "b19", "b20", "b21", "c1"' +
            " use restricted volume types " +
            '"awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "fc", "flexVolume", "flocker", "gcePersistentDisk", "gitRepo", "glusterfs", ' +
            '"hostPath", "iscsi", "nfs", "photonPersistentDisk", "portworxVolume", "quobyte", "rbd", "scaleIO", "storageos", "unknown", "vsphereVolume"',
        },
      );
      assert.match(
        failure.fix,
        /configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret/,
      );
      assert.deepStrictEqual(
        verdict("restrictedVolumes", 35, { volumes: [{ name: "root", hostPath: { path: "/" } }] }),
        {
          reason: "restricted volume types",
          detail: 'volume "root" uses restricted volume type "hostPath"',
        },
      );
      assert.strictEqual(run("restrictedVolumes", 35, { volumes: volumes.slice(0, 9) }), undefined);
      assert.strictEqual(run("restrictedVolumes", 35, {}), undefined);
    });

    it("allowPrivilegeEscalation (check_allowPrivilegeEscalation_test.go): Windows Pods exempt from 1.25", () => {
      const containers = [
        named("a"),
        named("b", { allowPrivilegeEscalation: null }),
        named("c", { allowPrivilegeEscalation: true }),
        named("d", { allowPrivilegeEscalation: false }),
      ];
      const expected = {
        reason: "allowPrivilegeEscalation != false",
        detail: 'containers "a", "b", "c" must set securityContext.allowPrivilegeEscalation=false',
      };
      assert.deepStrictEqual(verdict("allowPrivilegeEscalation", 8, { containers }), expected);
      assert.deepStrictEqual(verdict("allowPrivilegeEscalation", 35, { containers }), expected);
      assert.match(run("allowPrivilegeEscalation", 35, { containers })!.fix, /allowPrivilegeEscalation: false/);
      // policy/visitor.go visitContainers: init containers, containers, then ephemeral containers.
      assert.deepStrictEqual(
        verdict("allowPrivilegeEscalation", 35, {
          initContainers: [named("init")],
          ephemeralContainers: [named("debug")],
        }),
        {
          reason: "allowPrivilegeEscalation != false",
          detail: 'containers "init", "debug" must set securityContext.allowPrivilegeEscalation=false',
        },
      );
      const windows = { os: { name: "windows" }, containers: [named("a")] };
      assert.strictEqual(run("allowPrivilegeEscalation", 25, windows), undefined);
      assert.ok(run("allowPrivilegeEscalation", 24, windows));
      assert.deepStrictEqual(
        verdict("allowPrivilegeEscalation", 35, { os: { name: "linux" }, containers: [named("a")] }),
        {
          reason: "allowPrivilegeEscalation != false",
          detail: 'container "a" must set securityContext.allowPrivilegeEscalation=false',
        },
      );
    });

    it("capabilities_restricted (check_capabilities_restricted_test.go): Windows Pods exempt from 1.25", () => {
      const containers = [
        named("a", { capabilities: { add: ["FOO", "BAR"] } }),
        named("b", { capabilities: { add: ["BAR", "BAZ"] } }),
        named("c", { capabilities: { add: ["NET_BIND_SERVICE", "CHOWN"], drop: ["ALL", "FOO"] } }),
      ];
      const expected = {
        reason: "unrestricted capabilities",
        detail:
          'containers "a", "b" must set securityContext.capabilities.drop=["ALL"]; containers "a", "b", "c" must not include "BAR", "BAZ", "CHOWN", "FOO" in securityContext.capabilities.add',
      };
      assert.deepStrictEqual(verdict("capabilities_restricted", 22, { containers }), expected);
      assert.deepStrictEqual(verdict("capabilities_restricted", 35, { containers }), expected);
      assert.match(run("capabilities_restricted", 35, { containers })!.fix, /drop ALL/);
      const windows = { os: { name: "windows" }, containers: [named("a")] };
      assert.strictEqual(run("capabilities_restricted", 25, windows), undefined);
      assert.ok(run("capabilities_restricted", 24, windows));
      assert.deepStrictEqual(
        verdict("capabilities_restricted", 35, { os: { name: "linux" }, containers: [named("a")] }),
        {
          reason: "unrestricted capabilities",
          detail: 'container "a" must set securityContext.capabilities.drop=["ALL"]',
        },
      );
      assert.deepStrictEqual(
        verdict("capabilities_restricted", 35, {
          containers: [named("a", { capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] } })],
        }),
        {
          reason: "unrestricted capabilities",
          detail: 'container "a" must not include "SYS_ADMIN" in securityContext.capabilities.add',
        },
      );
      assert.strictEqual(
        run("capabilities_restricted", 35, {
          containers: [named("a", { capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } })],
        }),
        undefined,
      );
    });

    it("runAsNonRoot (check_runAsNonRoot_test.go): relaxed for user namespaces from 1.35", () => {
      const cases: Array<[Props, string]> = [
        [{ containers: [named("a")] }, 'pod or container "a" must set securityContext.runAsNonRoot=true'],
        [
          { securityContext: { runAsNonRoot: false }, containers: [named("a")] },
          "pod must not set securityContext.runAsNonRoot=false",
        ],
        [
          {
            securityContext: { runAsNonRoot: true },
            containers: [
              named("a"),
              named("b", {}),
              named("c", { runAsNonRoot: false }),
              named("d", { runAsNonRoot: false }),
              named("e", { runAsNonRoot: true }),
              named("f", { runAsNonRoot: true }),
            ],
          },
          'containers "c", "d" must not set securityContext.runAsNonRoot=false',
        ],
        [
          {
            containers: [
              named("a"),
              named("b", {}),
              named("d", { runAsNonRoot: true }),
              named("e", { runAsNonRoot: true }),
            ],
          },
          'pod or containers "a", "b" must set securityContext.runAsNonRoot=true',
        ],
        [
          { securityContext: { runAsNonRoot: false }, containers: [named("a", { runAsNonRoot: false }), named("b")] },
          'pod and container "a" must not set securityContext.runAsNonRoot=false',
        ],
      ];
      for (const [spec, detail] of cases)
        assert.deepStrictEqual(verdict("runAsNonRoot", 35, spec), { reason: "runAsNonRoot != true", detail });
      assert.match(run("runAsNonRoot", 35, cases[0][0])!.fix, /runAsNonRoot: true/);
      assert.match(run("runAsNonRoot", 35, cases[1][0])!.fix, /runAsNonRoot: true/);
      assert.strictEqual(run("runAsNonRoot", 35, { hostUsers: false, containers: [named("a")] }), undefined);
      assert.ok(run("runAsNonRoot", 34, { hostUsers: false, containers: [named("a")] }));
      assert.strictEqual(
        run("runAsNonRoot", 35, { securityContext: { runAsNonRoot: true }, containers: [named("a")] }),
        undefined,
      );
    });

    it("runAsUser (check_runAsUser_test.go): relaxed for user namespaces from 1.35", () => {
      assert.deepStrictEqual(
        verdict("runAsUser", 35, { securityContext: { runAsUser: 0 }, containers: [named("a")] }),
        {
          reason: "runAsUser=0",
          detail: "pod must not set runAsUser=0",
        },
      );
      assert.strictEqual(
        run("runAsUser", 35, { securityContext: { runAsUser: 1000 }, containers: [named("a")] }),
        undefined,
      );
      assert.strictEqual(run("runAsUser", 35, { securityContext: {}, containers: [named("a")] }), undefined);
      const containers = [
        named("a"),
        named("b", {}),
        named("c", { runAsUser: 0 }),
        named("d", { runAsUser: 0 }),
        named("e", { runAsUser: 1 }),
        named("f", { runAsUser: 1 }),
      ];
      assert.deepStrictEqual(verdict("runAsUser", 35, { securityContext: { runAsUser: 1000 }, containers }), {
        reason: "runAsUser=0",
        detail: 'containers "c", "d" must not set runAsUser=0',
      });
      assert.deepStrictEqual(
        verdict("runAsUser", 23, { securityContext: { runAsUser: 0 }, containers: [named("c", { runAsUser: 0 })] }),
        {
          reason: "runAsUser=0",
          detail: 'pod and container "c" must not set runAsUser=0',
        },
      );
      assert.match(run("runAsUser", 35, { securityContext: { runAsUser: 0 } })!.fix, /non-zero UID/);
      assert.strictEqual(run("runAsUser", 35, { hostUsers: false, securityContext: { runAsUser: 0 } }), undefined);
      assert.ok(run("runAsUser", 34, { hostUsers: false, securityContext: { runAsUser: 0 } }));
    });

    it("seccompProfile_restricted (check_seccompProfile_restricted_test.go): Windows Pods exempt from 1.25", () => {
      const rd = { seccompProfile: { type: "RuntimeDefault" } };
      const un = { seccompProfile: { type: "Unconfined" } };
      const cases: Array<[Props, string]> = [
        [
          { containers: [named("a")] },
          'pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
        ],
        [
          { os: { name: "linux" }, containers: [named("a")] },
          'pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
        ],
        [
          { securityContext: un, containers: [named("a")] },
          'pod must not set securityContext.seccompProfile.type to "Unconfined"',
        ],
        [
          {
            securityContext: rd,
            containers: [named("a"), named("b", {}), named("c", un), named("d", un), named("e", rd), named("f", rd)],
          },
          'containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined"',
        ],
        [
          { containers: [named("a"), named("b", {}), named("d", rd), named("e", rd)] },
          'pod or containers "a", "b" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
        ],
        [
          {
            securityContext: { seccompProfile: { type: "Bogus" } },
            containers: [named("c", un), named("d", { seccompProfile: { type: "Localhost" } })],
          },
          'pod and container "c" must not set securityContext.seccompProfile.type to "Bogus", "Unconfined"',
        ],
      ];
      for (const [spec, detail] of cases) {
        assert.deepStrictEqual(verdict("seccompProfile_restricted", 19, spec), { reason: "seccompProfile", detail });
        assert.deepStrictEqual(verdict("seccompProfile_restricted", 35, spec), { reason: "seccompProfile", detail });
      }
      assert.match(
        run("seccompProfile_restricted", 35, cases[0][0])!.fix,
        /seccompProfile: \{ type: RuntimeDefault \}/,
      );
      assert.match(run("seccompProfile_restricted", 35, cases[2][0])!.fix, /RuntimeDefault seccomp profile/);
      const windows = { os: { name: "windows" }, containers: [named("a")] };
      assert.strictEqual(run("seccompProfile_restricted", 25, windows), undefined);
      assert.ok(run("seccompProfile_restricted", 24, windows));
      assert.strictEqual(
        run("seccompProfile_restricted", 35, {
          securityContext: { seccompProfile: { type: "Localhost" } },
          containers: [named("a")],
        }),
        undefined,
      );
    });

    it("procMount_restricted (check_procMount_restricted.go): not relaxed for user namespaces", () => {
      assert.deepStrictEqual(
        verdict("procMount_restricted", 35, { hostUsers: false, containers: [named("d", { procMount: "Unmasked" })] }),
        {
          reason: "procMount",
          detail: 'container "d" must not set securityContext.procMount to "Unmasked"',
        },
      );
    });
  });
});
