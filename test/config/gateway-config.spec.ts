import * as assert from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { main } from "../../scripts/plan";
import { assertRefused, GOOD_STACK_CONFIG, planStackFile } from "../helpers/config";
import { captureOutput, ROOT } from "../helpers/run";

/**
 * Gateway settings refused through the real `plan` command, with the file, the key, the value and
 * what is allowed: a route to a model nothing serves, a team granted another team's model, IAP off
 * outside dev, a proxy-only range that overlaps the cluster's, a WAF rule Cloud Armor does not have.
 */

type Config = Record<string, unknown>;

// The shared valid stack with its inference pool only, two teams and a model each.
const GOOD: Config = {
  ...GOOD_STACK_CONFIG,
  "cnai-platform:gpuPools": [(GOOD_STACK_CONFIG["cnai-platform:gpuPools"] as Config[])[0]],
  "cnai-platform:teams": [{ name: "vision" }, { name: "nlp" }],
  "cnai-platform:serving": {
    mode: "Standard",
    models: [
      { name: "detector", team: "vision", pool: "l4", storage: "gcs", path: "detector/v1" },
      { name: "chat", team: "nlp", pool: "l4", storage: "gcs", path: "chat/v1" },
    ],
  },
};

const gateway = (changes: Config): Config => ({
  "cnai-platform:gateway": { hostname: "models.dev.acme.example", ...changes },
});

interface Case {
  what: string;
  stack?: string;
  config: Config;
  expect: RegExp;
}

const CASES: Case[] = [
  {
    what: "a route to a model nothing serves",
    config: gateway({ access: [{ team: "vision", members: ["group:vision@acme.example"], models: ["segmenter"] }] }),
    expect:
      /cnai-platform:gateway\.access\[0\]\.models\[0\]: got "segmenter"; allowed: a model the stack serves \(serving\.models\): nothing serves segmenter, so its route would have no backend\. vision's models: detector/,
  },
  {
    what: "a team granted another team's model",
    config: gateway({ access: [{ team: "vision", members: ["group:vision@acme.example"], models: ["chat"] }] }),
    expect:
      /cnai-platform:gateway\.access\[0\]\.models\[0\]: got "chat"; allowed: one of team vision's own models \(detector\); chat belongs to team nlp/,
  },
  {
    what: "access for a team the stack does not have",
    config: gateway({ access: [{ team: "audio", members: ["group:audio@acme.example"] }] }),
    expect: /cnai-platform:gateway\.access\[0\]\.team: got "audio"; allowed: one of the stack's teams: vision, nlp/,
  },
  {
    what: "IAP off outside dev",
    stack: "staging",
    config: gateway({ iap: false }),
    expect:
      /cnai-platform:gateway\.iap: got false; allowed: true outside the dev profile \(this stack's profile is staging\)/,
  },
  {
    what: "a proxy-only range that overlaps the node subnet",
    config: gateway({ proxyOnlyCidr: "10.10.4.0/23" }),
    expect:
      /cnai-platform:gateway\.proxyOnlyCidr: got "10\.10\.4\.0\/23"; allowed: a range that does not overlap network\.subnetCidr/,
  },
  {
    what: "a WAF rule Cloud Armor does not have",
    config: gateway({ cloudArmor: { requestsPerClientPerMinute: 100, wafRules: ["sqli-v99-stable"] } }),
    expect:
      /cnai-platform:gateway\.cloudArmor\.wafRules\[0\]: got "sqli-v99-stable"; allowed: one of "sqli-v33-stable"/,
  },
  {
    what: "a member that is not an IAM principal",
    config: gateway({ access: [{ team: "vision", members: ["vision@acme.example"] }] }),
    expect: /cnai-platform:gateway\.access\[0\]\.members\[0\]: got "vision@acme\.example"; allowed: an IAM member/,
  },
  {
    what: "a sampling ratio above 1",
    config: { "cnai-platform:tracing": { samplingRatio: 1.5 } },
    expect: /cnai-platform:tracing\.samplingRatio: got 1\.5; allowed: a number from 0 to 1/,
  },
];

describe("gateway configuration", () => {
  let project: string;

  before(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), "cnai-gateway-config-"));
    fs.mkdirSync(path.join(project, "stacks"));
    fs.writeFileSync(
      path.join(project, "Pulumi.yaml"),
      stringify({
        name: "cnai-platform",
        runtime: "nodejs",
        main: path.join(ROOT, "stacks", "index.ts"),
        stackConfigDir: "stacks",
      }),
    );
    fs.cpSync(path.join(ROOT, "policies", "config"), path.join(project, "policies", "config"), { recursive: true });
  });
  after(() => fs.rmSync(project, { recursive: true, force: true }));

  for (const c of CASES) {
    it(`${c.what}: exit 2 with the file, key, value and what is allowed`, async () => {
      const stack = c.stack ?? "dev";
      assertRefused(
        await planStackFile(project, stack, stringify({ config: { ...GOOD, ...c.config } })),
        stack,
        c.expect,
      );
    });
  }

  it("accepts the same stack with a team granted its own model", async () => {
    const stack = "dev";
    const file = path.join(project, "stacks", `Pulumi.${stack}.yaml`);
    const config = {
      ...GOOD,
      ...gateway({ access: [{ team: "nlp", members: ["group:nlp@acme.example"], models: ["chat"] }] }),
    };
    fs.writeFileSync(file, stringify({ config }));
    const out = path.join(project, "out", stack);
    try {
      const { result, stderr } = await captureOutput(() => main(["--stack", stack, "--root", project, "--out", out]));
      assert.ok(result === 0 || result === 1, `the plan runs (stderr: ${stderr})`);
      const plan = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8"));
      const grants = plan.resources.filter(
        (r: { type: string }) => r.type === "gcp:iap/webTypeComputeIamMember:WebTypeComputeIamMember",
      );
      assert.deepStrictEqual(
        grants.map((g: { inputs: { member: string; condition: { expression: string } } }) => [
          g.inputs.member,
          g.inputs.condition.expression,
        ]),
        [
          [
            "group:nlp@acme.example",
            'request.host == "models.dev.acme.example" && request.path.startsWith("/nlp/chat/")',
          ],
        ],
      );
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});
