import * as assert from "node:assert";
import { podSecurityLabels } from "../../../components/labels";
import { namespacePodSecurity } from "../../../policies/governance/policies/namespace-pod-security";
import { messagesOf, urnOf, violationsOf } from "../../helpers/policy";

const NAMESPACE = "kubernetes:core/v1:Namespace";
const ns = (labels: Record<string, string>, name = "ns") => ({
  type: NAMESPACE,
  name,
  inputs: { metadata: { name, labels } },
});

describe("policy cnai-namespace-pod-security", () => {
  it("passes namespaces enforcing baseline or restricted", async () => {
    assert.deepStrictEqual(
      await messagesOf(namespacePodSecurity, [ns(podSecurityLabels("baseline")), ns(podSecurityLabels("restricted"))]),
      [],
    );
  });

  it("rejects a namespace without the enforce label", async () => {
    const [message] = await messagesOf(namespacePodSecurity, [ns({ "pod-security.kubernetes.io/warn": "restricted" })]);
    assert.strictEqual(
      message,
      "No pod-security.kubernetes.io/enforce label: the namespace admits any Pod (the cluster default is privileged). Label it with one of baseline, restricted (podSecurityLabels() in components/labels.ts).",
    );
  });

  it("rejects privileged unless the namespace is exempted in config", async () => {
    const monitoring = ns(podSecurityLabels("privileged"), "monitoring");
    const [message] = await messagesOf(namespacePodSecurity, [monitoring]);
    assert.match(
      message,
      /^pod-security\.kubernetes\.io\/enforce is "privileged"; allowed: baseline, restricted\..*exempt the namespace in the policy config/,
    );
    const exemptions = [
      { urn: urnOf(NAMESPACE, "monitoring"), reason: "node-exporter and dcgm-exporter need host access" },
    ];
    assert.deepStrictEqual(await violationsOf(namespacePodSecurity, [monitoring], { exemptions }), []);
  });

  it("takes the allowed levels from config", async () => {
    const messages = await messagesOf(namespacePodSecurity, [ns(podSecurityLabels("baseline"))], {
      levels: ["restricted"],
    });
    assert.match(messages[0], /is "baseline"; allowed: restricted/);
  });

  it("ignores other kinds", async () => {
    assert.deepStrictEqual(
      await messagesOf(namespacePodSecurity, [
        { type: "kubernetes:core/v1:ConfigMap", inputs: { metadata: { name: "x" } } },
      ]),
      [],
    );
  });

  it("treats an empty enforce label as none, and names the allowed levels in a refusal", async () => {
    const [empty] = await messagesOf(namespacePodSecurity, [ns({ "pod-security.kubernetes.io/enforce": "" })]);
    assert.match(empty, /^No pod-security\.kubernetes\.io\/enforce label: the namespace admits any Pod/);
    const [privileged] = await messagesOf(
      namespacePodSecurity,
      [ns({ "pod-security.kubernetes.io/enforce": "privileged" })],
      {
        levels: ["baseline", "restricted"],
      },
    );
    assert.match(
      privileged,
      /^pod-security\.kubernetes\.io\/enforce is "privileged"; allowed: baseline, restricted\. Use baseline or restricted, or, if its Pods truly need host access, exempt the namespace/,
    );
  });
});
