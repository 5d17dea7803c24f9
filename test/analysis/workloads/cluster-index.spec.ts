import * as assert from "node:assert";
import {
  chartsNamed,
  indexCluster,
  isChart,
  isKustomization,
  objectNamed,
  objectsIn,
  objectsOf,
} from "../../../policies/lib/analysis/workloads/cluster";
import type { AnalysisResource } from "../../../policies/lib/analysis/workloads/model";

const urn = (type: string, name: string) => `urn:pulumi:dev::cnai-platform::${type}::${name}`;
const resource = (type: string, name: string, props: Record<string, unknown>, parent?: unknown): AnalysisResource => ({
  urn: urn(type, name),
  type,
  props,
  ...(parent !== undefined ? { parent } : {}),
});

/**
 * The plan indexed by what Pulumi gives each resource: its URN (urn:pulumi:<stack>::<project>::<type>::<name>),
 * its type token (Kubernetes objects kubernetes:<group>/<version>:<Kind>; Helm charts
 * kubernetes:helm.sh/v3:Release and v4:Chart; kustomizations kubernetes:kustomize/v2:Directory; YAML
 * kubernetes:yaml/v2:ConfigFile/ConfigGroup; GKE gcp:container/nodePool:NodePool and cluster:Cluster),
 * and its parent (a URN string in plan.json, the parent resource in CrossGuard).
 */
describe("workload simulation: the plan's cluster index (Pulumi URNs, type tokens and parents)", () => {
  it("recognises Helm chart and kustomization type tokens, and nothing that merely contains them", () => {
    for (const type of ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Chart"])
      assert.strictEqual(isChart(type), true, type);
    for (const type of [
      "kubernetes:helm.sh/v3:ReleaseList",
      "x-kubernetes:helm.sh/v3:Release",
      "kubernetes:helm.sh/v3:Chart2",
      "kubernetes:kustomize/v2:Directory",
    ])
      assert.strictEqual(isChart(type), false, type);
    assert.strictEqual(isKustomization("kubernetes:kustomize/v2:Directory"), true);
    for (const type of ["kubernetes:kustomize/v2:DirectoryX", "my-kubernetes:kustomize/v2:Directory"])
      assert.strictEqual(isKustomization(type), false, type);
  });

  it("indexes Kubernetes objects by kind (from props, else the type token), namespace and name", () => {
    const index = indexCluster([
      resource("kubernetes:apps/v1:Deployment", "web-res", { metadata: { name: "web", namespace: "team" } }),
      resource("kubernetes:core/v1:ConfigMap", "cm", { kind: "ConfigMap", metadata: { namespace: "team" } }),
      resource("kubernetes:core/v1:Namespace", "ns", { metadata: { name: "team" } }),
      // A generic custom resource: its kind is in its props only.
      resource("kubernetes:apiextensions.k8s.io:CustomResource", "queue", {
        apiVersion: "kueue.x-k8s.io/v1beta2",
        kind: "LocalQueue",
        metadata: { name: "q", namespace: "team" },
      }),
      resource("kubernetes:yaml/v2:ConfigFile", "file", { file: "x.yaml" }),
      resource("kubernetes:helm.sh/v4:Chart", "kserve", { chart: "oci://ghcr.io/kserve/charts/kserve-resources/" }),
      resource("kubernetes:kustomize/v2:Directory", "kfp", { directory: "x" }),
      resource("gcp:container/nodePool:NodePool", "pool", {}),
      resource("gcp:container/cluster:Cluster", "gke", {}),
      resource("pulumi:providers:kubernetes", "k8s", {}),
      resource("gcp:storage/bucket:Bucket", "bucket", {}),
    ]);
    const web = objectNamed(index, "Deployment", "web", "team");
    assert.deepStrictEqual(
      [web?.kind, web?.namespace, web?.objectName, web?.name],
      ["Deployment", "team", "web", "web-res"],
    );
    // No metadata.name: the resource name.
    assert.strictEqual(objectNamed(index, "ConfigMap", "cm", "team")?.objectName, "cm");
    assert.strictEqual(objectNamed(index, "Namespace", "team")?.namespace, undefined);
    assert.deepStrictEqual(
      index.objects.filter((o) => o.kind).map((o) => o.kind),
      ["Deployment", "ConfigMap", "Namespace", "LocalQueue"],
    );
    assert.deepStrictEqual(
      [index.charts, index.kustomizations, index.nodePools, index.clusters].map((list) => list.map((o) => o.name)),
      [["kserve"], ["kfp"], ["pool"], ["gke"]],
    );
    assert.strictEqual(index.byUrn.get(urn("gcp:storage/bucket:Bucket", "bucket"))?.name, "bucket");
    assert.strictEqual(index.objects.length, 11);
    assert.strictEqual(objectNamed(index, "LocalQueue", "q", "team")?.name, "queue");
    assert.deepStrictEqual(
      objectsOf(index, "Deployment").map((o) => o.objectName),
      ["web"],
    );
    assert.deepStrictEqual(objectsOf(index, "StatefulSet"), []);
    assert.deepStrictEqual(
      chartsNamed(index, "kserve-resources").map((c) => c.name),
      ["kserve"],
    );
    assert.deepStrictEqual(chartsNamed(index, "kserve"), []);
  });

  it("takes a namespaced object without a namespace as in default", () => {
    const index = indexCluster([
      resource("kubernetes:core/v1:ConfigMap", "a", { metadata: { name: "a" } }),
      resource("kubernetes:core/v1:ConfigMap", "b", { metadata: { name: "b", namespace: "team" } }),
    ]);
    assert.deepStrictEqual(
      objectsIn(index, "ConfigMap", "default").map((o) => o.objectName),
      ["a"],
    );
    assert.deepStrictEqual(
      objectsIn(index, "ConfigMap", "team").map((o) => o.objectName),
      ["b"],
    );
  });

  it("reads a parent given as a URN or as a resource with one, and marks every ancestor of a rendered workload", () => {
    const chartUrn = urn("kubernetes:helm.sh/v4:Chart", "app");
    const groupUrn = urn("cnai:index:Group", "group");
    const index = indexCluster([
      resource("cnai:index:Group", "group", {}),
      resource("kubernetes:helm.sh/v4:Chart", "app", { chart: "app" }, { urn: groupUrn }),
      resource("kubernetes:apps/v1:Deployment", "web", { metadata: { name: "web" } }, chartUrn),
      resource("kubernetes:core/v1:ConfigMap", "cm", { metadata: { name: "cm" } }, urn("cnai:index:Group", "other")),
      resource("kubernetes:core/v1:Secret", "s", { metadata: { name: "s" } }, { name: "no urn" }),
      resource("kubernetes:core/v1:Secret", "t", { metadata: { name: "t" } }, 42),
    ]);
    assert.strictEqual(index.byUrn.get(chartUrn)?.parent, groupUrn);
    assert.strictEqual(objectNamed(index, "Deployment", "web")?.parent, chartUrn);
    assert.strictEqual(objectNamed(index, "Secret", "s")?.parent, undefined);
    assert.strictEqual(objectNamed(index, "Secret", "t")?.parent, undefined);
    assert.deepStrictEqual([...index.renderedParents].sort(), [chartUrn, groupUrn].sort());
  });

  it("names a resource without a name by the last segment of its URN", () => {
    const index = indexCluster([
      { urn: urn("gcp:container/nodePool:NodePool", "gpu-pool"), type: "gcp:container/nodePool:NodePool", props: {} },
    ]);
    assert.strictEqual(index.nodePools[0].name, "gpu-pool");
  });
});
