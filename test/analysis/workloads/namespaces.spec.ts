import * as assert from "node:assert";
import { namespaceFacts, namespaceOf } from "../../../policies/lib/analysis/workloads/admission/namespaces";
import { indexCluster } from "../../../policies/lib/analysis/workloads/cluster";
import type { Props } from "../../../policies/lib/analysis/workloads/model";

/**
 * What admission knows of each namespace. Sources (kubernetes): pkg/apis/core/v1/defaults.go
 * SetDefaults_Namespace (the API server labels every namespace `kubernetes.io/metadata.name: <name>`,
 * over any value the manifest gives that label); a namespaced object without metadata.namespace is
 * created in the request's namespace, `default` for a kubectl/Pulumi client without one (client-go
 * rest config; Pulumi's kubernetes provider "default namespace"); kubeflow/training-operator v1.9.4
 * manifests/overlays/standalone creates the namespace `kubeflow`.
 */
const object = (type: string, kind: string, name: string, extra: Props = {}, namespace?: string) => {
  const { metadata = {}, ...rest } = extra;
  return {
    urn: `urn:pulumi:dev::cnai::${type}::${namespace ?? ""}${name}`,
    type,
    inputs: { kind, metadata: { name, ...(namespace ? { namespace } : {}), ...metadata }, ...rest },
  };
};
const ns = (name: string, labels?: Record<string, string>) =>
  object("kubernetes:core/v1:Namespace", "Namespace", name, labels ? { metadata: { labels } } : {});
const limitRange = (name: string, namespace?: string) =>
  object("kubernetes:core/v1:LimitRange", "LimitRange", name, { spec: { limits: [{ type: "Container" }] } }, namespace);
const quota = (name: string, namespace?: string) =>
  object("kubernetes:core/v1:ResourceQuota", "ResourceQuota", name, { spec: { hard: { pods: "10" } } }, namespace);
const trainingOperator = {
  urn: "urn:pulumi:dev::cnai::kubernetes:kustomize/v2:Directory::op",
  type: "kubernetes:kustomize/v2:Directory",
  inputs: { directory: "https://github.com/kubeflow/training-operator.git/manifests/overlays/standalone?ref=v1.9.4" },
};

describe("namespace facts for admission (kubernetes SetDefaults_Namespace)", () => {
  it("labels a declared namespace with kubernetes.io/metadata.name over the manifest's value, and keeps its URN", () => {
    const declared = ns("team", {
      "pod-security.kubernetes.io/enforce": "baseline",
      "kubernetes.io/metadata.name": "x",
    });
    const facts = namespaceFacts(indexCluster([declared])).get("team")!;
    assert.deepStrictEqual(facts, {
      name: "team",
      declared: true,
      urn: declared.urn,
      labels: { "pod-security.kubernetes.io/enforce": "baseline", "kubernetes.io/metadata.name": "team" },
      limitRanges: [],
      quotas: [],
    });
    assert.deepStrictEqual(namespaceFacts(indexCluster([ns("bare")])).get("bare")!.labels, {
      "kubernetes.io/metadata.name": "bare",
    });
  });

  it("files LimitRanges and ResourceQuotas under their namespace, `default` when they name none, and knows an undeclared one only as such", () => {
    const facts = namespaceFacts(
      indexCluster([ns("team"), limitRange("lr", "team"), quota("q", "other"), limitRange("lr0"), quota("q0")]),
    );
    assert.deepStrictEqual(
      facts.get("team")!.limitRanges.map((l) => l.name),
      ["lr"],
    );
    assert.deepStrictEqual(facts.get("team")!.quotas, []);
    assert.deepStrictEqual(facts.get("other"), {
      name: "other",
      declared: false,
      labels: { "kubernetes.io/metadata.name": "other" },
      limitRanges: [],
      quotas: [{ name: "q", spec: { hard: { pods: "10" } } }],
    });
    assert.deepStrictEqual(
      [facts.get("default")!.limitRanges.map((l) => l.name), facts.get("default")!.quotas.map((q) => q.name)],
      [["lr0"], ["q0"]],
    );
  });

  it("counts a namespace a kustomization creates as declared, unless the plan declares it (the plan's labels win)", () => {
    const fromKustomization = namespaceFacts(indexCluster([trainingOperator])).get("kubeflow")!;
    assert.deepStrictEqual(
      [fromKustomization.declared, fromKustomization.labels],
      [true, { "kubernetes.io/metadata.name": "kubeflow" }],
    );
    const both = namespaceFacts(indexCluster([ns("kubeflow", { team: "ml" }), trainingOperator])).get("kubeflow")!;
    assert.deepStrictEqual(
      [both.declared, both.labels, both.urn],
      [true, { team: "ml", "kubernetes.io/metadata.name": "kubeflow" }, ns("kubeflow").urn],
    );
  });

  it("gives a namespace nothing mentions as undeclared, labelled with its name only", () => {
    const facts = namespaceOf(new Map(), "nowhere");
    assert.deepStrictEqual(facts, {
      name: "nowhere",
      declared: false,
      labels: { "kubernetes.io/metadata.name": "nowhere" },
      limitRanges: [],
      quotas: [],
    });
    const known = namespaceFacts(indexCluster([ns("team")]));
    assert.strictEqual(namespaceOf(known, "team"), known.get("team"));
  });
});
