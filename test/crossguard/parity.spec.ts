import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { PACKS } from "../../policies/lib/packs";
import { cliConfigureLocalPack } from "../../scripts/lib/crossguard/config";
import { type Plan, type PolicyViolation, planFromRun } from "../../scripts/lib/plan-document";
import { checkPlan, readStackPolicyConfig } from "../../scripts/lib/policy-check";
import {
  analyzerInfoOf,
  evaluatePolicies,
  reconcilePolicyConfig,
  type ServedPack,
} from "../../scripts/lib/policy-engine";
import { brokenPlans } from "../helpers/broken-plans";
import { hostCpuSeconds, packHost } from "../helpers/crossguard-host";
import { hostViolations, type PackArgument, sortedViolations, stackPackArguments } from "../helpers/crossguard-parity";
import { ROOT } from "../helpers/run";
import { stackRun } from "../helpers/stacks";

const STACKS = ["dev", "staging", "prod"];

interface Row {
  readonly plan: string;
  readonly resources: number;
  readonly offline: PolicyViolation[];
  readonly host: PolicyViolation[];
  readonly seconds: number;
}

/**
 * The policy packs under the real CrossGuard host (test/helpers/crossguard-host.ts: started as the
 * CLI starts them, configured with what the CLI would send for the config file, every resource
 * analyzed, then the stack) against the offline engine, on the shipped stacks in both modes and on
 * deliberately broken plans. No difference is allowed in violations, levels or messages.
 * The table is written to out/crossguard/parity.md.
 */
describe("CrossGuard parity: the real host and the offline engine report the same", function () {
  this.timeout(300_000);
  const rows: Row[] = [];
  let startup = { ms: 0, packs: [] as Array<{ pack: string; ms: number; cpu?: number }> };
  const started = Date.now();
  const cpuAtStart = process.cpuUsage();

  before(async () => {
    const begun = Date.now();
    const hosts = await Promise.all(PACKS.map((pack) => packHost(path.join(ROOT, "policies", pack.dir))));
    startup = {
      ms: Date.now() - begun,
      packs: hosts.map((h, i) => ({ pack: PACKS[i].name, ms: h.startupMs, cpu: hostCpuSeconds(h) })),
    };
  });

  after(async () => {
    const used = process.cpuUsage(cpuAtStart);
    const hostsCpu = (
      await Promise.all(
        [
          ...PACKS.map((p) => path.join(ROOT, "policies", p.dir)),
          path.join(ROOT, "test", "fixtures", "probe-pack"),
        ].map(packHost),
      )
    ).map(hostCpuSeconds);
    const seconds = (n: number | undefined) => (n === undefined ? "?" : n.toFixed(1));
    const out = path.join(ROOT, "out", "crossguard");
    fs.mkdirSync(out, { recursive: true });
    const count = (vs: PolicyViolation[], level: string) => vs.filter((v) => v.enforcementLevel === level).length;
    const lines = [
      "| plan | resources | offline (mandatory / advisory) | host (mandatory / advisory) | differences | host s |",
      "|---|---:|---|---|---:|---:|",
      ...rows.map(
        (r) =>
          `| ${r.plan} | ${r.resources} | ${r.offline.length} (${count(r.offline, "mandatory")} / ${count(r.offline, "advisory")}) | ${r.host.length} (${count(r.host, "mandatory")} / ${count(r.host, "advisory")}) | ${differences(r.offline, r.host)} | ${r.seconds.toFixed(2)} |`,
      ),
      "",
      `Pack start-up under the host (ts-node type-check included), both at once: ${(startup.ms / 1000).toFixed(1)} s wall (${startup.packs.map((p) => `${p.pack} ${(p.ms / 1000).toFixed(1)} s, ${seconds(p.cpu)} s CPU`).join("; ")}).`,
      `This spec: ${((Date.now() - started) / 1000).toFixed(1)} s wall; CPU ${((used.user + used.system) / 1e6).toFixed(1)} s in the test process (shipped plans included when not cached) and ${seconds(hostsCpu.reduce<number | undefined>((a, b) => (a === undefined || b === undefined ? undefined : a + b), 0))} s in the three packs (governance, sustainability, probe: ${hostsCpu.map(seconds).join(", ")}).`,
      "",
    ];
    fs.writeFileSync(path.join(out, "parity.md"), lines.join("\n"));
  });

  it("starts each pack as the CLI does (ts-node type-checking it with the pack folder's tsconfig.json): Handshake unimplemented (accepted), and GetAnalyzerInfo matches the pack definitions the offline engine uses", async () => {
    for (const pack of PACKS) {
      const host = await packHost(path.join(ROOT, "policies", pack.dir));
      assert.strictEqual(
        host.handshakeCode,
        12,
        "UNIMPLEMENTED: the Node.js policy server has no Handshake; the CLI carries on (analyzer_plugin.go)",
      );
      // Same info in, same config out: the offline engine reconciles from analyzerInfoOf(pack).
      assert.deepStrictEqual(host.info, analyzerInfoOf(pack));
    }
  });

  const compare = async (
    name: string,
    plan: Plan,
    args: readonly PackArgument[],
    offlineConfigs: ReturnType<typeof readStackPolicyConfig>,
    preview: boolean,
  ) => {
    const offline = (await checkPlan(plan, offlineConfigs)).plan.policy.violations;
    const begun = Date.now();
    const host = await hostViolations(plan, args, preview);
    rows.push({
      plan: name,
      resources: plan.resources.length,
      offline,
      host: host.violations,
      seconds: (Date.now() - begun) / 1000,
    });
    assert.deepStrictEqual(sortedViolations(host.violations), sortedViolations(offline));
    return offline;
  };

  for (const stack of STACKS) {
    for (const preview of [false, true]) {
      it(`${stack}${preview ? " (preview)" : ""}: every resource and the stack, with policies/config/${stack}/*.json`, async () => {
        const plan = planFromRun(await stackRun(stack, preview));
        const offline = await compare(
          `${stack}${preview ? " (preview)" : ""}`,
          plan,
          stackPackArguments(stack),
          readStackPolicyConfig(ROOT, stack),
          preview,
        );
        assert.deepStrictEqual(
          offline.filter((v) => v.enforcementLevel === "mandatory"),
          [],
          "the shipped stacks pass",
        );
      });
    }
  }

  it("a probe pack reports the same arguments from both: every field, option, provider, property, config and stack link a policy receives", async () => {
    const dir = path.join(ROOT, "test", "fixtures", "probe-pack");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const probe = {
      ...require(path.join(dir, "policies.js")).PROBE,
      version: JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version,
    } as ServedPack;
    const host = await packHost(dir);
    assert.deepStrictEqual(host.info, analyzerInfoOf(probe));
    // One mode: the broken plans cover values unknown in preview.
    const plan = planFromRun(await stackRun("prod"));
    const config = reconcilePolicyConfig(probe, {}, "probe.json");
    const offline = (await evaluatePolicies(plan, [probe], new Map([[probe.name, config]]))).violations;
    const begun = Date.now();
    const fromHost = await hostViolations(
      plan,
      [{ pack: { dir: "probe-pack", name: probe.name }, packPath: "test/fixtures/probe-pack" }],
      false,
    );
    rows.push({
      plan: "probe pack, prod",
      resources: plan.resources.length,
      offline,
      host: fromHost.violations,
      seconds: (Date.now() - begun) / 1000,
    });
    assert.deepStrictEqual(sortedViolations(fromHost.violations), sortedViolations(offline));
    const seen = offline
      .filter((v) => v.policy === "probe-args" && v.message.startsWith(`${v.description}\n{`))
      .map((v) => JSON.parse(v.message.slice(v.description!.length + 1)));
    assert.ok(
      offline.some(
        (v) => v.policy === "probe-args" && v.message === "object form" && v.urn?.endsWith("::cnai-platform-prod"),
      ),
      "an object report is taken as is, at the analyzed resource",
    );
    assert.ok(seen.length > 100, `${seen.length} resources described`);
    for (const args of seen) {
      assert.deepStrictEqual(
        args.keys.filter((k: string) => k !== "provider"),
        ["asType", "getConfig", "isType", "name", "notApplicable", "opts", "props", "stackTags", "type", "urn"],
      );
      assert.ok(!("retainOnDelete" in args.opts), "retainOnDelete is not in the Analyzer protocol");
      assert.ok(!("scribbled" in args.props), "each validation reads its own copy of the properties");
    }
    const ring = seen.find((a) => a.type === "gcp:kms/keyRing:KeyRing");
    assert.deepStrictEqual(ring.optKeys, [
      "additionalSecretOutputs",
      "aliases",
      "customTimeouts",
      "ignoreChanges",
      "parent",
      "protect",
    ]);
    assert.ok(
      seen.some((a) => a.provider?.type === "pulumi:providers:kubernetes"),
      "Kubernetes objects carry their explicit provider",
    );
    assert.ok(
      offline.some(
        (v) =>
          v.policy === "probe-stack" &&
          v.urn === null &&
          v.message === "Reports what a stack policy receives.\na URN outside the plan",
      ),
      "a stack finding naming no resource of the plan is the stack's",
    );
  });

  it("deliberately broken plans: the same violations, levels and messages, and each case breaks what it means to", async () => {
    for (const broken of await brokenPlans()) {
      const args = stackPackArguments(broken.stack).map((arg) => {
        const replacement = broken.configs?.[arg.pack.dir];
        return replacement
          ? { ...arg, config: { path: `${broken.name}/${arg.pack.dir}.json`, text: JSON.stringify(replacement) } }
          : arg;
      });
      const configs = readStackPolicyConfig(ROOT, broken.stack);
      for (const pack of PACKS) {
        const replacement = broken.configs?.[pack.dir];
        if (replacement)
          configs.set(pack.name, reconcilePolicyConfig(pack, replacement, `${broken.name}/${pack.dir}.json`));
      }
      const offline = await compare(broken.name, broken.plan, args, configs, broken.preview);
      const reported = new Set(offline.map((v) => v.policy));
      for (const policy of broken.expectPolicies)
        assert.ok(reported.has(policy), `${broken.name}: ${policy} reports (${[...reported].join(", ")})`);
    }
  });

  it("the README's pulumi preview command, and the workflows', name pack folders and config files the CLI accepts, for every stack", async () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const command = /```sh\n(pulumi preview[\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(command, "README has a pulumi preview command with the packs");
    const commands: Array<{ where: string; text: string }> = [{ where: "README.md", text: command }];
    for (const file of ["pull-request.yml", "pulumi-up.yml"]) {
      const text = fs.readFileSync(path.join(ROOT, ".github", "workflows", file), "utf8");
      commands.push({ where: file, text: JSON.stringify(parse(text)) });
    }
    for (const { where, text } of commands) {
      for (const stack of STACKS) {
        const line = text
          .replace(/\$\{\{ (matrix|inputs)\.stack \}\}/g, stack)
          .replace(/\/dev\//g, `/${stack}/`)
          .replace(/\\"/g, '"')
          .replace(/\\\\\n/g, " ");
        const pairs = [...line.matchAll(/--policy-pack "?([^\s"]+)"? --policy-pack-config "?([^\s"]+)"?/g)].map(
          (m) => ({ packPath: m[1], configPath: m[2] }),
        );
        assert.deepStrictEqual(
          pairs.map((p) => p.packPath),
          PACKS.map((p) => `policies/${p.dir}`),
          `${where}: one --policy-pack per pack, each with its config`,
        );
        for (const pair of pairs) {
          const host = await packHost(path.join(ROOT, pair.packPath));
          const text = fs.readFileSync(path.join(ROOT, pair.configPath), "utf8");
          const request = cliConfigureLocalPack(host.info, pair.packPath, { path: pair.configPath, text });
          await host.configure(request);
        }
      }
    }
  });
});

/** How many violations one side has that the other has not (as multisets). */
function differences(a: readonly PolicyViolation[], b: readonly PolicyViolation[]): number {
  const key = (v: PolicyViolation) => JSON.stringify(sortedViolations([v])[0]);
  const counts = new Map<string, number>();
  for (const v of a) counts.set(key(v), (counts.get(key(v)) ?? 0) + 1);
  for (const v of b) counts.set(key(v), (counts.get(key(v)) ?? 0) - 1);
  return [...counts.values()].reduce((sum, n) => sum + Math.abs(n), 0);
}
