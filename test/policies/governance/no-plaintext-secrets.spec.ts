import * as assert from "node:assert";
import { noPlaintextSecrets } from "../../../policies/governance/policies/no-plaintext-secrets";
import { messagesOf } from "../../helpers/policy";

const deployment = (env: Record<string, unknown>[]) => ({
  type: "kubernetes:apps/v1:Deployment",
  inputs: { spec: { template: { spec: { containers: [{ name: "app", image: "x:1", env }] } } } },
});
const chart = (values: Record<string, unknown>, type = "kubernetes:helm.sh/v4:Chart") => ({
  type,
  inputs: { chart: "c", values },
});
const configMap = (data: Record<string, string>) => ({
  type: "kubernetes:core/v1:ConfigMap",
  inputs: { metadata: { name: "cm" }, data },
});
const run = (envs: Record<string, unknown>[]) => ({
  type: "gcp:cloudrunv2/service:Service",
  inputs: { template: { containers: [{ image: "x:1", envs }] } },
});

describe("policy cnai-no-plaintext-secrets", () => {
  it("passes secret references and non-secret literals", async () => {
    const resources = [
      deployment([
        { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
        { name: "LOG_LEVEL", value: "info" },
        { name: "HF_TOKEN_FILE", value: "/var/run/token" },
        { name: "API_KEY", value: "" },
      ]),
      run([
        { name: "HF_TOKEN", valueSource: { secretKeyRef: { secret: "hf", version: "latest" } } },
        { name: "PORT", value: "8080" },
      ]),
      chart({
        grafana: { admin: { existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" } },
        auth: { secretName: "s", tokenSecretRef: { name: "t" } },
        extraEnv: [{ name: "LD_LIBRARY_PATH", value: "/usr/local/nvidia/lib64" }],
      }),
      configMap({ "dashboard.json": "{}", POSTGRES_HOST: "10.0.0.2" }),
      { type: "kubernetes:core/v1:Secret", inputs: { stringData: { password: "in a Secret, where it belongs" } } },
    ];
    assert.deepStrictEqual(await messagesOf(noPlaintextSecrets, resources), []);
  });

  it('rejects literal secret-looking env values in Kubernetes containers, including "[secret]"', async () => {
    const messages = await messagesOf(noPlaintextSecrets, [
      deployment([
        { name: "DB_PASSWORD", value: "hunter2" },
        { name: "HF_TOKEN", value: "[secret]" },
        { name: "OPENAI_API_KEY", value: "sk-1" },
      ]),
    ]);
    assert.deepStrictEqual(messages, [
      "spec.template.spec.containers.0.env.0 sets DB_PASSWORD as a literal value. Use valueFrom.secretKeyRef to a Kubernetes Secret (synced from Secret Manager).",
      "spec.template.spec.containers.0.env.1 sets HF_TOKEN as a literal value. Use valueFrom.secretKeyRef to a Kubernetes Secret (synced from Secret Manager).",
      "spec.template.spec.containers.0.env.2 sets OPENAI_API_KEY as a literal value. Use valueFrom.secretKeyRef to a Kubernetes Secret (synced from Secret Manager).",
    ]);
  });

  it("treats a value unknown during preview as a literal (a generated password is still plaintext)", async () => {
    assert.strictEqual(
      (await messagesOf(noPlaintextSecrets, [deployment([{ name: "DB_PASSWORD", value: "[unknown]" }])])).length,
      1,
    );
  });

  it("checks TrainJob trainers' env and Cloud Run envs", async () => {
    const trainJob = {
      type: "kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob",
      inputs: { spec: { trainer: { image: "x:1", env: [{ name: "WANDB_API_KEY", value: "abc" }] } } },
    };
    const messages = await messagesOf(noPlaintextSecrets, [trainJob, run([{ name: "HF_TOKEN", value: "hf_abc" }])]);
    assert.deepStrictEqual(messages, [
      "spec.trainer.env.0 sets WANDB_API_KEY as a literal value. Use valueFrom.secretKeyRef to a Kubernetes Secret (synced from Secret Manager).",
      "template.containers.0.envs.0 sets HF_TOKEN as a literal value. Use valueSource.secretKeyRef to a Secret Manager secret.",
    ]);
  });

  it("rejects literal secrets in Helm values, as keys and as env entries, on v4 Charts and v3 Releases", async () => {
    const messages = await messagesOf(noPlaintextSecrets, [
      chart({
        grafana: { adminPassword: "admin" },
        s3: { accessKey: "AK", secretKey: "SK" },
        extraEnv: [{ name: "SLACK_TOKEN", value: "xoxb" }],
      }),
      chart({ auth: { apiKey: "k" } }, "kubernetes:helm.sh/v3:Release"),
    ]);
    assert.deepStrictEqual(messages, [
      "values.grafana.adminPassword is a literal adminPassword. Put it in a Secret (or Secret Manager) and pass the chart its reference (existingSecret, secretName, ...).",
      "values.s3.accessKey is a literal accessKey. Put it in a Secret (or Secret Manager) and pass the chart its reference (existingSecret, secretName, ...).",
      "values.s3.secretKey is a literal secretKey. Put it in a Secret (or Secret Manager) and pass the chart its reference (existingSecret, secretName, ...).",
      "values.extraEnv.0 sets SLACK_TOKEN as a literal value. Use valueFrom.secretKeyRef (or the chart's secret option).",
      "values.auth.apiKey is a literal apiKey. Put it in a Secret (or Secret Manager) and pass the chart its reference (existingSecret, secretName, ...).",
    ]);
  });

  it("rejects secret-looking ConfigMap keys", async () => {
    const messages = await messagesOf(noPlaintextSecrets, [configMap({ POSTGRES_PASSWORD: "x", "api-token": "y" })]);
    assert.deepStrictEqual(
      messages.map((m) => m.split(" looks")[0]),
      ["ConfigMap data key POSTGRES_PASSWORD", "ConfigMap data key api-token"],
    );
    assert.match(messages[0], /Move it to a Secret\.$/);
  });

  it("takes the secret and reference name patterns from config", async () => {
    const config = { secretNames: "pin", referenceNames: "_ref$" };
    const messages = await messagesOf(
      noPlaintextSecrets,
      [
        deployment([
          { name: "CARD_PIN", value: "1234" },
          { name: "PIN_REF", value: "vault:pin" },
          { name: "DB_PASSWORD", value: "x" },
        ]),
      ],
      config,
    );
    assert.deepStrictEqual(
      messages.map((m) => m.split(" ")[2]),
      ["CARD_PIN"],
    );
  });

  it("walks Helm values through lists: secret keys of list items, env lists inside list items, and plain string lists", async () => {
    const messages = await messagesOf(noPlaintextSecrets, [
      chart({
        users: [{ name: "admin", password: "changeme" }],
        sidecars: [{ name: "proxy", image: "p:1", env: [{ name: "UPSTREAM_TOKEN", value: "t" }] }],
        args: ["--port", "8080", "--api-key-file", "/var/run/key"],
      }),
    ]);
    assert.deepStrictEqual(messages, [
      "values.users.0.password is a literal password. Put it in a Secret (or Secret Manager) and pass the chart its reference (existingSecret, secretName, ...).",
      "values.sidecars.0.env.0 sets UPSTREAM_TOKEN as a literal value. Use valueFrom.secretKeyRef (or the chart's secret option).",
    ]);
  });

  // core/v1 ConfigMap: binaryData holds keys as data does, base64 values; neither is a Secret.
  it("checks ConfigMap binaryData keys too", async () => {
    const cm = {
      type: "kubernetes:core/v1:ConfigMap",
      inputs: {
        metadata: { name: "cm" },
        binaryData: { "tls-private-key": "LS0tLS1CRUdJTg==", "logo.png": "iVBORw0=" },
      },
    };
    assert.deepStrictEqual(await messagesOf(noPlaintextSecrets, [cm]), [
      "ConfigMap binaryData key tls-private-key looks like a secret; ConfigMaps are not access-controlled or encrypted as Secrets are. Move it to a Secret.",
    ]);
  });
});
