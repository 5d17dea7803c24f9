import * as assert from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ensureCrds } from "../../scripts/ensure-crds";
import {
  type CrdIndex,
  checkObjects,
  closeSchema,
  conformanceCrdDir,
  crdSearchPath,
  type KubernetesObject,
  LazyValidators,
  loadCrds,
  untranslatedPatterns,
} from "../../scripts/lib/conformance";
import { CRD_SOURCES, crdUrl } from "../../scripts/lib/crd-sources";
import { DiskCache } from "../../scripts/lib/disk-cache";
import { manifestsOf } from "../../scripts/lib/manifests";
import { planFromRun } from "../../scripts/lib/plan-document";
import { captureOutput, ROOT } from "../helpers/run";
import { STACKS, stackRun } from "../helpers/stacks";

/**
 * Every Kubernetes object the shipped stacks declare validates: custom resources against the
 * upstream CRD of the version their apiVersion names (closed schemas, so typos fail), core objects
 * against the Kubernetes schemas, names and labels by Kubernetes' rules. The CRDs come from
 * $CNAI_CRD_DIR (CI's copy, .ci/crd-dir.sh) or .cache/crds (npm run fetch-crds). Outside CI the suite
 * skips when there are none; in CI (CI=true) that is a failure.
 */
describe("conformance", () => {
  let crds: CrdIndex;
  let CRD_DIR: string;

  before(function () {
    const found = conformanceCrdDir(ROOT);
    if ("skip" in found) this.skip();
    else CRD_DIR = found.dir;
    crds = loadCrds(CRD_DIR);
  });

  it("has a schema for every pinned CRD, and the download table names exactly the CRD files present", () => {
    const files = fs
      .readdirSync(CRD_DIR)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
    assert.deepStrictEqual(CRD_SOURCES.flatMap((s) => s.files).sort(), files);
    assert.strictEqual(
      crdUrl(CRD_SOURCES[0], CRD_SOURCES[0].files[0]),
      "https://raw.githubusercontent.com/kserve/kserve/v0.20.0/config/crd/full/serving.kserve.io_inferenceservices.yaml",
    );
    assert.ok(crds.validators.size >= 22, `${crds.validators.size} served versions`);
    assert.deepStrictEqual(
      crds.validators.untranslatablePatterns(),
      [],
      "every CRD pattern compiles as a JavaScript regular expression",
    );
    assert.deepStrictEqual(untranslatedPatterns, [], "and none failed in the validators compiled so far");
  });

  for (const stack of STACKS) {
    it(`${stack}: every custom resource and core object validates`, async () => {
      const objects = manifestsOf(planFromRun(await stackRun(stack))).map((m) => m.object as KubernetesObject);
      const report = await checkObjects(objects, crds);
      assert.deepStrictEqual(report.problems, []);
      assert.ok(report.customResources >= 10, `${report.customResources} custom resources`);
      assert.ok(report.coreObjects >= 30, `${report.coreObjects} core objects`);
      assert.strictEqual(report.customResources + report.coreObjects, objects.length);
      const kinds = new Set(objects.map((o) => o.kind));
      for (const kind of [
        "TrainJob",
        "ClusterTrainingRuntime",
        "InferenceService",
        "ClusterQueue",
        "LocalQueue",
        "ResourceFlavor",
        "WorkloadPriorityClass",
        "Cohort",
        "NetworkPolicy",
        "ResourceQuota",
        "LimitRange",
        // The model gateway (Gateway API v1.6.1, inference extension v1.6.0, GKE's policies) and tracing (OTel operator).
        "Gateway",
        "HTTPRoute",
        "InferencePool",
        "GCPBackendPolicy",
        "HealthCheckPolicy",
        "OpenTelemetryCollector",
        "Instrumentation",
      ]) {
        if (stack === "dev" && kind === "TrainJob") continue;
        assert.ok(kinds.has(kind), `${stack} declares a ${kind}`);
      }
      if (stack === "dev") assert.ok(kinds.has("PyTorchJob"), "dev's example job is a PyTorchJob");
    });
  }

  describe("the validator fails what Kubernetes would prune or refuse", () => {
    const check = (object: KubernetesObject) =>
      checkObjects([object], crds).then((r) => r.problems.map((p) => `${p.path} ${p.message}`));

    it("a Gateway API object or GKE policy with a misspelled field (the gateway's kinds are checked, not passed)", async () => {
      const route = await check({
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name: "chat", namespace: "team-nlp" },
        spec: { parentRefs: [{ name: "models" }], rules: [{ backendRef: [{ name: "chat-predictor", port: 80 }] }] },
      });
      assert.ok(
        route.some((p) => p.includes('unknown field "backendRef"')),
        route.join("; "),
      );
      const policy = await check({
        apiVersion: "networking.gke.io/v1",
        kind: "GCPBackendPolicy",
        metadata: { name: "chat", namespace: "team-nlp" },
        spec: { targetRef: { group: "", kind: "Service", name: "chat" }, default: { iap: { enable: true } } },
      });
      assert.ok(
        policy.some((p) => p.includes('unknown field "enable"')),
        policy.join("; "),
      );
      const pool = await check({
        apiVersion: "inference.networking.k8s.io/v1",
        kind: "InferencePool",
        metadata: { name: "chat", namespace: "team-nlp" },
        spec: {
          selector: { matchLabels: { app: "chat" } },
          endpointPickerRef: { name: "chat-epp", port: { number: 9002 } },
        },
      });
      assert.ok(
        pool.some((p) => p.includes("targetPorts")),
        pool.join("; "),
      );
    });

    it("a misspelled field of a custom resource", async () => {
      assert.deepStrictEqual(
        await check({
          apiVersion: "kueue.x-k8s.io/v1beta2",
          kind: "LocalQueue",
          metadata: { name: "q", namespace: "team-a" },
          spec: { clusterQeue: "gpu" },
        }),
        ['/spec unknown field "clusterQeue"'],
      );
    });

    it("a wrong type, a missing required field, a malformed quantity", async () => {
      const problems = await check({
        apiVersion: "kueue.x-k8s.io/v1beta2",
        kind: "ClusterQueue",
        metadata: { name: "q" },
        spec: {
          resourceGroups: [
            { coveredResources: ["cpu"], flavors: [{ name: "f", resources: [{ name: "cpu", nominalQuota: "lots" }] }] },
          ],
          cohortName: 5,
        },
      });
      assert.ok(
        problems.some((p) => p.startsWith("/spec/cohortName must be string")),
        problems.join("\n"),
      );
      assert.ok(
        problems.some((p) => p.includes("nominalQuota must match pattern")),
        problems.join("\n"),
      );
      const required = await check({
        apiVersion: "trainer.kubeflow.org/v1alpha1",
        kind: "TrainJob",
        metadata: { name: "j", namespace: "n" },
        spec: {},
      });
      assert.ok(
        required.some((p) => p.includes("must have required property 'runtimeRef'")),
        required.join("\n"),
      );
    });

    it("a version the CRD does not serve, and a group with no CRD", async () => {
      assert.match(
        (
          await check({
            apiVersion: "kueue.x-k8s.io/v1alpha9",
            kind: "LocalQueue",
            metadata: { name: "q", namespace: "n" },
          })
        )[0],
        /no served version v1alpha9 of LocalQueue/,
      );
      assert.match(
        (
          await check({ apiVersion: "widgets.example.com/v1", kind: "Widget", metadata: { name: "w", namespace: "n" } })
        )[0],
        /no schema: widgets\.example\.com\/v1 .*npm run fetch-crds/,
      );
    });

    it("core objects: a wrong type, and names and labels Kubernetes refuses", async () => {
      const problems = await check({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "Bad_Name", namespace: "n", labels: { "a/b/c": "x", ok: "not ok!" } },
        spec: {
          selector: { matchLabels: { a: "b" } },
          template: { spec: { containers: [{ name: "c", image: "i", ports: [{ containerPort: "http" }] }] } },
        },
      });
      assert.ok(problems.includes('/metadata/name "Bad_Name" is not a DNS subdomain name'), problems.join("\n"));
      assert.ok(problems.includes('/metadata/labels/a/b/c "a/b/c" is not a valid label key'), problems.join("\n"));
      assert.ok(problems.includes('/metadata/labels/ok "not ok!" is not a valid label value'), problems.join("\n"));
      assert.ok(
        problems.some((p) => p.startsWith("/spec/template/spec/containers/0/ports/0/containerPort must be integer")),
        problems.join("\n"),
      );
    });

    it("closes objects that list properties, but not maps or objects that keep unknown fields", () => {
      const closed = closeSchema({
        type: "object",
        properties: {
          spec: { type: "object", properties: { a: { type: "string" } } },
          map: { type: "object", additionalProperties: { type: "string" } },
          raw: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { b: {} } },
        },
      }) as { additionalProperties: boolean; properties: Record<string, Record<string, unknown>> };
      assert.strictEqual(closed.additionalProperties, false);
      assert.strictEqual(closed.properties.spec.additionalProperties, false);
      assert.deepStrictEqual(closed.properties.map.additionalProperties, { type: "string" });
      assert.strictEqual(closed.properties.raw.additionalProperties, undefined);
    });
  });
});

describe("compiled CRD validators on disk", () => {
  const crd = (source: string) =>
    new Map([
      [
        "example.dev/v1/Widget",
        {
          source,
          schema: {
            type: "object",
            properties: {
              spec: { type: "object", properties: { size: { type: "string", pattern: "(?i)^(small|large)$" } } },
            },
          },
        },
      ],
    ]);
  const errors = (validators: LazyValidators, object: unknown) => {
    const validate = validators.get("example.dev/v1/Widget")!;
    return validate(object) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`);
  };

  it("validates the same from the cache as freshly compiled, and reads the cache when it is there", () => {
    const source = `test-${process.pid}-${Date.now()}`;
    const fresh = new LazyValidators(crd(source));
    const wrong = { spec: { sise: "small", size: "medium" } };
    const expected = ["/spec additionalProperties", "/spec/size pattern"];
    assert.deepStrictEqual(errors(fresh, wrong), expected);
    assert.deepStrictEqual(errors(fresh, { spec: { size: "LARGE" } }), [], "RE2's (?i) is honoured");

    const file = fresh.cacheFile("example.dev/v1/Widget")!;
    assert.ok(file.startsWith(path.join(ROOT, "node_modules", ".cache", "cnai-crd-validators")), file);
    assert.ok(
      fs.readFileSync(file, "utf8").includes('"(?i)^(small|large)$"'),
      "the compiled validator was written to the cache",
    );
    try {
      assert.deepStrictEqual(errors(new LazyValidators(crd(source)), wrong), expected);
      assert.deepStrictEqual(errors(new LazyValidators(crd(source)), { spec: { size: "LARGE" } }), []);
      fs.writeFileSync(
        file,
        'module.exports = function validate() { validate.errors = [{ instancePath: "/from-disk", keyword: "sentinel" }]; return false; };',
      );
      assert.deepStrictEqual(
        errors(new LazyValidators(crd(source)), {}),
        ["/from-disk sentinel"],
        "a second process loads the cached code instead of compiling",
      );
      assert.deepStrictEqual(
        errors(new LazyValidators(crd(`${source}-changed`)), {}),
        [],
        "another source compiles anew",
      );
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it("reads and writes nothing with CNAI_CACHE=off", () => {
    const off = new DiskCache("cnai-crd-validators", { CNAI_CACHE: "off" });
    const file = off.file(DiskCache.key("anything"), ".js");
    off.write(file, "x");
    assert.strictEqual(fs.existsSync(file), false);
    assert.strictEqual(off.read(file), undefined);
  });
});

describe("conformance without CRDs", () => {
  const empty = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "cnai-no-crds-"));
  after(() => fs.rmSync(empty, { recursive: true, force: true }));

  it("looks in CNAI_CRD_DIR, then where the download script writes, and nowhere outside the checkout", () => {
    assert.deepStrictEqual(crdSearchPath("/repo", { CNAI_CRD_DIR: "/custom/crds" }), [
      "/custom/crds",
      "/repo/.cache/crds",
    ]);
    assert.deepStrictEqual(crdSearchPath("/repo", {}), ["/repo/.cache/crds"]);
    // Product code names no folder a fork does not have (../shared is this project's workshop, not a user's).
    for (const dir of ["scripts", "components", "stacks", "policies"]) {
      const files = fs.readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" });
      for (const file of files.filter((f) => /\.(ts|js)$/.test(f))) {
        const code = fs.readFileSync(path.join(ROOT, dir, file), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
        assert.doesNotMatch(code, /\.\.\/shared|"\.\.", "shared"/, `${dir}/${file}`);
      }
    }
  });

  it("CI takes the CRDs from ../shared/fixtures/crds where the checkout has it beside, and keeps a CNAI_CRD_DIR set", () => {
    const ciRun = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
    assert.ok(ciRun.indexOf("source .ci/crd-dir.sh") < ciRun.indexOf("npm test"), ".ci/run sources it before npm test");
    const workshop = fs.mkdtempSync(path.join(empty, "workshop-"));
    const checkout = path.join(workshop, "repo");
    fs.mkdirSync(path.join(checkout, ".ci"), { recursive: true });
    fs.copyFileSync(path.join(ROOT, ".ci", "crd-dir.sh"), path.join(checkout, ".ci", "crd-dir.sh"));
    const dirAfter = (env: Record<string, string> = {}) => {
      const { CNAI_CRD_DIR: _, ...rest } = process.env;
      return execFileSync("bash", ["-c", 'source .ci/crd-dir.sh >/dev/null; echo "${CNAI_CRD_DIR:-}"'], {
        cwd: checkout,
        encoding: "utf8",
        env: { ...rest, ...env },
      }).trim();
    };
    assert.strictEqual(dirAfter(), "", "a checkout on its own downloads");
    fs.mkdirSync(path.join(workshop, "shared", "fixtures", "crds"), { recursive: true });
    assert.strictEqual(dirAfter(), fs.realpathSync(path.join(workshop, "shared", "fixtures", "crds")));
    assert.strictEqual(dirAfter({ CNAI_CRD_DIR: "/mine" }), "/mine");
  });

  it("npm test's pretest says what it downloads, from where and into where, before it does", async () => {
    const root = fs.mkdtempSync(path.join(empty, "repo-"));
    const fetchBefore = globalThis.fetch;
    globalThis.fetch = async () => {
      throw new TypeError("fetch failed (offline in this test)");
    };
    try {
      const { result, stderr } = await captureOutput(() => ensureCrds(root, {}));
      assert.strictEqual(result, 0);
      const files = CRD_SOURCES.flatMap((s) => s.files).length;
      const [notice, ...rest] = stderr.split("\n");
      assert.match(notice, new RegExp(`^ensure-crds: no CRDs for the conformance tests in ${root}/\\.cache/crds; `));
      assert.ok(notice.includes(`downloading the ${files} pinned CRD files from GitHub`), notice);
      assert.ok(notice.includes("kubernetes-sigs/kueue@v0.19.2"), notice);
      assert.ok(notice.includes(`into ${path.relative(process.cwd(), path.join(root, ".cache", "crds"))}`), notice);
      assert.match(rest.join("\n"), /fetch-crds: cannot reach GitHub: fetch failed[\s\S]*they skip/);
    } finally {
      globalThis.fetch = fetchBefore;
    }
  });

  it("npm test's pretest downloads nothing when CRDs are found", async () => {
    const dir = fs.mkdtempSync(path.join(empty, "crds-"));
    fs.writeFileSync(path.join(dir, "example.yaml"), "kind: CustomResourceDefinition\n");
    const root = path.join(empty, "repo");
    assert.strictEqual(await ensureCrds(root, { CNAI_CRD_DIR: dir }), 0);
    assert.strictEqual(fs.existsSync(path.join(root, ".cache")), false);
  });

  it("fails in CI instead of skipping, and skips with the reason elsewhere", () => {
    const root = path.join(empty, "repo");
    assert.throws(
      () => conformanceCrdDir(root, { CI: "true" }),
      /conformance: no CRDs in .*run npm run fetch-crds or set CNAI_CRD_DIR/,
    );
    assert.match((conformanceCrdDir(root, {}) as { skip: string }).skip, /no CRDs in /);
  });
});
