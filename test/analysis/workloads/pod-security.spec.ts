import * as assert from "node:assert";
import {
  admitPodSecurity,
  enforcedLevel,
  podSecurityLabelErrors,
  policyMinor,
  refusedNamespace,
} from "../../../policies/lib/analysis/workloads/admission/pod-security";
import type { PodObject } from "../../../policies/lib/analysis/workloads/model";
import type { TestResource } from "../../helpers/policy";
import {
  container,
  deployment,
  namespace,
  problems,
  RESTRICTED_CONTAINER,
  RESTRICTED_POD,
  simulate,
  twoPools,
  workload,
} from "./fixtures";

/**
 * Pod Security Admission's labels and versions. Sources (kubernetes/pod-security-admission, tags
 * v0.34.0 and v0.35.6): api/helpers.go (ParseLevel, ParseVersion, PolicyToEvaluate),
 * admission/admission.go (ValidateNamespace), policy/registry.go (versioned checks, maxVersion),
 * policy/check_sysctls.go, check_hostProbesAndhostLifecycle.go, check_runAsNonRoot.go,
 * check_runAsUser.go, check_procMount_*.go, policy/helpers.go (relaxPolicyForUserNamespacePods).
 */
const psa = (level: string, version?: string) => ({
  "pod-security.kubernetes.io/enforce": level,
  ...(version ? { "pod-security.kubernetes.io/enforce-version": version } : {}),
});
/** A GKE cluster pinned to a minor version (minMasterVersion), so `latest` means that version. */
const gkeCluster = (minor: number): TestResource => ({
  type: "gcp:container/cluster:Cluster",
  name: "gke",
  inputs: { name: "gke", location: "us-central1", minMasterVersion: `1.${minor}`, removeDefaultNodePool: true },
});
const run = (labels: Record<string, string>, spec: object, ...extra: TestResource[]) =>
  workload(simulate([...twoPools(namespace("team", labels), deployment("team", "app", spec)), ...extra]), "app");

const keepalive = {
  securityContext: { sysctls: [{ name: "net.ipv4.tcp_keepalive_time", value: "600" }] },
  containers: [container()],
};
const probeHost = {
  containers: [{ ...container(), readinessProbe: { httpGet: { host: "10.0.0.1", port: 8080, path: "/" } } }],
};
const userNamespaceRoot = {
  hostUsers: false,
  securityContext: { seccompProfile: { type: "RuntimeDefault" }, runAsUser: 0 },
  containers: [container({ securityContext: RESTRICTED_CONTAINER })],
};

describe("workload simulation: Pod Security Admission labels and versions (kubernetes/pod-security-admission)", () => {
  describe("invalid labels refuse the Namespace on create (api/helpers.go ParseLevel, ParseVersion; admission.go ValidateNamespace)", () => {
    it("refuses a Namespace whose enforce level is not a level, and every workload in it", () => {
      const section = simulate(
        twoPools(namespace("team", psa("Restricted")), deployment("team", "app", { containers: [container()] })),
      );
      const ns = section.workloads.find((w) => w.kind === "Namespace")!;
      assert.deepStrictEqual(problems(ns), [
        'PodSecurity: Namespace "team" is refused: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "Restricted": must be one of privileged, baseline, restricted',
      ]);
      const app = workload(section, "app");
      assert.strictEqual(app.status, "refused");
      assert.match(problems(app)[0], /^NamespaceLifecycle: namespaces "team" not found: Namespace "team" is refused/);
    });

    it("refuses an enforce-version without the v, and a warn level that is not a level; admits v1.30 and latest", () => {
      assert.strictEqual(run(psa("baseline", "1.30"), { containers: [container()] }).status, "refused");
      assert.strictEqual(
        run({ "pod-security.kubernetes.io/warn": "strict" }, { containers: [container()] }).status,
        "refused",
      );
      assert.strictEqual(run(psa("baseline", "v1.30"), { containers: [container()] }).status, "runnable");
      assert.strictEqual(run(psa("baseline", "latest"), { containers: [container()] }).status, "runnable");
    });
  });

  describe("the checks of the enforce-version (policy/registry.go; each check's versions)", () => {
    it("refuses net.ipv4.tcp_keepalive_time before v1.29 and allows it from v1.29 (check_sysctls.go sysctlsAllowedV1Dot29)", () => {
      assert.deepStrictEqual(problems(run(psa("baseline", "v1.28"), keepalive)), [
        'PodSecurity: violates PodSecurity "baseline:v1.28": forbidden sysctls (net.ipv4.tcp_keepalive_time)',
      ]);
      assert.strictEqual(run(psa("baseline", "v1.29"), keepalive).status, "runnable");
    });

    it("checks probe and lifecycle hosts from v1.34 only (check_hostProbesAndhostLifecycle.go MinimumVersion 1.34)", () => {
      assert.strictEqual(run(psa("baseline", "v1.33"), probeHost).status, "runnable");
      assert.match(problems(run(psa("baseline", "v1.34"), probeHost))[0], /probe or lifecycle host/);
      assert.match(problems(run(psa("baseline", "latest"), probeHost))[0], /probe or lifecycle host/);
    });

    it("evaluates latest, and a version newer than the cluster, at the cluster's own version (registry.go maxVersion)", () => {
      // On a 1.33 cluster the probe-host check does not exist yet.
      assert.strictEqual(run(psa("baseline", "latest"), probeHost, gkeCluster(33)).status, "runnable");
      assert.strictEqual(run(psa("baseline", "v1.40"), probeHost, gkeCluster(33)).status, "runnable");
      assert.strictEqual(run(psa("baseline", "latest"), probeHost, gkeCluster(34)).status, "refused");
    });
  });

  describe("user namespaces (hostUsers: false) relax runAsNonRoot and runAsUser only at policy v1.35 (check_runAsNonRoot.go runAsNonRoot1_35; v0.34 helpers.go gated the relaxation on an alpha feature)", () => {
    it("refuses a user-namespaced root Pod at restricted v1.34, and on a 1.34 cluster at latest", () => {
      assert.match(
        problems(run(psa("restricted", "v1.34"), userNamespaceRoot))[0],
        /runAsUser=0 \(pod must not set runAsUser=0\)/,
      );
      assert.strictEqual(run(psa("restricted", "latest"), userNamespaceRoot, gkeCluster(34)).status, "refused");
    });

    it("admits it at restricted v1.35 on a 1.35 cluster, and still refuses a user-namespaced Pod's procMount at restricted (check_procMount_restricted.go)", () => {
      assert.strictEqual(
        run(
          psa("restricted", "v1.35"),
          { ...userNamespaceRoot, securityContext: { seccompProfile: { type: "RuntimeDefault" }, runAsUser: 0 } },
          gkeCluster(35),
        ).status,
        "runnable",
      );
      const unmasked = {
        hostUsers: false,
        securityContext: RESTRICTED_POD,
        containers: [container({ securityContext: { ...RESTRICTED_CONTAINER, procMount: "Unmasked" } })],
      };
      assert.strictEqual(
        run(psa("baseline", "v1.35"), unmasked, gkeCluster(35)).status,
        "runnable",
        "baseline relaxes procMount for user namespaces at v1.35",
      );
      assert.match(problems(run(psa("restricted", "v1.35"), unmasked, gkeCluster(35)))[0], /procMount/);
    });
  });
});

describe("Pod Security Admission, unit by unit (kubernetes/pod-security-admission v0.35.6 api/helpers.go, admission/admission.go)", () => {
  const podOf = (spec: object): PodObject => ({
    metadata: { name: "p", namespace: "team", labels: {}, annotations: {} },
    spec: spec as PodObject["spec"],
  });

  it("words every invalid level and version label as PolicyToEvaluate does (appendErr, ParseLevel, ParseVersion)", () => {
    assert.deepStrictEqual(
      podSecurityLabelErrors({
        "pod-security.kubernetes.io/enforce": "baseline",
        "pod-security.kubernetes.io/enforce-version": "1.30",
        "pod-security.kubernetes.io/audit": "strict",
        "pod-security.kubernetes.io/warn-version": "v1.030",
        "pod-security.kubernetes.io/audit-version": "v1.0",
      }),
      [
        'metadata.labels[pod-security.kubernetes.io/enforce-version]: Invalid value: "1.30": must be "latest" or "v1.x"',
        'metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: "strict": must be one of privileged, baseline, restricted',
        'metadata.labels[pod-security.kubernetes.io/warn-version]: Invalid value: "v1.030": must be "latest" or "v1.x"',
      ],
    );
    const refused = refusedNamespace("team", ["a", "b"]);
    assert.strictEqual(refused.message, 'Namespace "team" is refused: a; b');
    assert.match(
      refused.fix,
      /^fix the Pod Security labels of namespace team: levels are privileged, baseline or restricted; versions are latest or v1\.<minor>$/,
    );
    assert.match(refused.source, /api\/helpers\.go/);
  });

  it("evaluates an invalid level as restricted and an invalid version as latest (ParseLevel, ParseVersion), no level as privileged", () => {
    assert.deepStrictEqual(enforcedLevel({ "pod-security.kubernetes.io/enforce": "Baseline" }), {
      level: "restricted",
      version: "latest",
    });
    assert.deepStrictEqual(
      enforcedLevel({
        "pod-security.kubernetes.io/enforce": "baseline",
        "pod-security.kubernetes.io/enforce-version": "1.30",
      }),
      { level: "baseline", version: "latest" },
    );
    assert.deepStrictEqual(
      enforcedLevel({
        "pod-security.kubernetes.io/enforce": "baseline",
        "pod-security.kubernetes.io/enforce-version": "v1.30",
      }),
      { level: "baseline", version: "v1.30" },
    );
    assert.deepStrictEqual(enforcedLevel({}), { level: "privileged", version: "latest" });
    assert.deepStrictEqual(
      [policyMinor("v1.30", 35), policyMinor("v1.40", 35), policyMinor("latest", 34)],
      [30, 35, 34],
    );
  });

  it('reports every failed check, in the registry\'s order, as `violates PodSecurity "<level>:<version>": reason (detail), ...`', () => {
    const problem = admitPodSecurity(
      podOf({ hostNetwork: true, containers: [{ name: "app", securityContext: { privileged: true } }] }),
      { "pod-security.kubernetes.io/enforce": "baseline" },
      "g",
      35,
    )!;
    assert.deepStrictEqual(
      [problem.pod, problem.step, problem.message],
      [
        "g",
        "PodSecurity",
        'violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true), privileged (container "app" must not set securityContext.privileged=true)',
      ],
    );
    assert.match(
      problem.fix,
      /^remove hostNetwork from the Pod; drop privileged: true; or run it in a namespace whose pod-security\.kubernetes\.io\/enforce level allows it$/,
    );
    assert.match(problem.source, /policy\/check_\*\.go.*, at policy version 1\.35 on a 1\.35 cluster$/);
    const pinned = admitPodSecurity(
      podOf({ hostNetwork: true, containers: [{ name: "app" }] }),
      { "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/enforce-version": "v1.30" },
      "g",
      35,
    )!;
    assert.match(pinned.message, /^violates PodSecurity "baseline:v1\.30": host namespaces/);
    assert.match(pinned.source, /at policy version 1\.30 on a 1\.35 cluster$/);
    assert.strictEqual(admitPodSecurity(podOf({ hostNetwork: true }), {}, "g", 35), undefined);
    assert.strictEqual(
      admitPodSecurity(
        podOf({ containers: [{ name: "app" }] }),
        { "pod-security.kubernetes.io/enforce": "baseline" },
        "g",
        35,
      ),
      undefined,
    );
  });
});
