import * as assert from "node:assert";
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { RunResult } from "../../scripts/lib/engine";
import { input, one, run } from "./run";

/**
 * The Pod Security Admission labels of a platform namespace, written out: enforce at `level`
 * (pinned to the latest policy version), warn and audit at restricted
 * (kubernetes.io/docs/concepts/security/pod-security-admission: "Pod Security Admission labels for namespaces").
 */
export function expectedPodSecurityLabels(level: "privileged" | "baseline" | "restricted"): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": level,
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/audit": "restricted",
  };
}

/**
 * Runs a component made by `make` with a Kubernetes provider and a ConfigMap "before" in its
 * dependsOn, and checks that every child of the component (of type `componentType`) waits for it.
 * Returns the children.
 */
export async function assertDependsOnReachesChildren(
  componentType: string,
  make: (opts: pulumi.ComponentResourceOptions) => void,
): Promise<RunResult["resources"]> {
  const result = await run(() => {
    const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1" });
    const before = new k8s.core.v1.ConfigMap(
      "before",
      { metadata: { name: "before", namespace: "default" } },
      { provider },
    );
    make({ providers: { kubernetes: provider }, dependsOn: [before] });
  });
  const before = one(result, "kubernetes:core/v1:ConfigMap", "before");
  const children = result.resources.filter((r) => r.parent === one(result, componentType).urn);
  for (const object of children) {
    assert.ok(object.options.dependsOn.includes(before.urn), `${object.name} waits for the component's dependencies`);
  }
  return children;
}

/**
 * The one Helm chart of a run: installed from its OCI reference (no repository), as `release` in
 * `namespace`, after the Namespace object of the run. Returns the chart.
 */
export function assertOciChart(
  result: RunResult,
  expected: { chart: string; version: string; namespace: string; release: string },
) {
  const chart = one(result, "kubernetes:helm.sh/v4:Chart");
  assert.strictEqual(chart.remote, true);
  assert.strictEqual(input(chart, "chart"), expected.chart);
  assert.strictEqual(input(chart, "version"), expected.version);
  assert.strictEqual(input(chart, "repositoryOpts"), undefined, "an OCI chart needs no repository");
  assert.strictEqual(input(chart, "namespace"), expected.namespace);
  assert.strictEqual(input(chart, "name"), expected.release);
  const namespace = one(result, "kubernetes:core/v1:Namespace");
  assert.ok(chart.options.dependsOn.includes(namespace.urn), "the chart waits for the namespace");
  return chart;
}
