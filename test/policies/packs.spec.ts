import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { PACKS } from "../../policies/lib/packs";
import { planFromRun } from "../../scripts/lib/plan-document";
import { readStackPolicyConfig } from "../../scripts/lib/policy-check";
import { ROOT } from "../helpers/run";
import { stackRun } from "../helpers/stacks";

const STACKS = ["dev", "staging", "prod"];

/** Both packs as the Pulumi CLI loads them, and the shipped per-stack policy configs. */
describe("policy packs and their configs", () => {
  it("has two packs whose policies have unique cnai- names, a description, and no enforcementLevel property", () => {
    assert.deepStrictEqual(
      PACKS.map((p) => [p.name, p.dir]),
      [
        ["cnai-governance", "governance"],
        ["cnai-sustainability", "sustainability"],
      ],
    );
    const names = PACKS.flatMap((p) => p.policies.map((x) => x.name));
    assert.strictEqual(
      new Set(names).size,
      names.length,
      "unique across packs (plan.json and the reports name policies alone)",
    );
    for (const policy of PACKS.flatMap((p) => p.policies)) {
      assert.match(policy.name, /^cnai-[a-z0-9-]+$/);
      assert.notStrictEqual(policy.name, "all");
      assert.ok(
        !("enforcementLevel" in (policy.configSchema?.properties ?? {})),
        `${policy.name}: the CLI refuses enforcementLevel among properties`,
      );
    }
  });

  for (const pack of ["governance", "sustainability"]) {
    it(`policies/${pack} is a Node.js policy pack the CLI can run: PulumiPolicy.yaml, package.json with a version, index.ts constructing the PolicyPack from pack.ts`, () => {
      const dir = path.join(ROOT, "policies", pack);
      assert.strictEqual(parse(fs.readFileSync(path.join(dir, "PulumiPolicy.yaml"), "utf8")).runtime, "nodejs");
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
      assert.match(pkg.version, /^\d+\.\d+\.\d+$/, "PolicyPack reads its version from package.json");
      assert.strictEqual(pkg.main, "index.ts");
      assert.ok(!pkg.dependencies && !pkg.devDependencies, "dependencies resolve from the root node_modules");
      const index = fs.readFileSync(path.join(dir, "index.ts"), "utf8");
      assert.match(index, /import \{ PolicyPack \} from "@pulumi\/policy";/);
      assert.match(index, /new PolicyPack\((GOVERNANCE|SUSTAINABILITY)\.name, \{/);
      assert.match(index, /policies: (GOVERNANCE|SUSTAINABILITY)\.policies/);
      assert.match(index, /enforcementLevel: (GOVERNANCE|SUSTAINABILITY)\.enforcementLevel/);
    });
  }

  it("gives each pack folder the tsconfig.json the CLI's ts-node compiles it with: the project's strictness, no ambient types, no extends", () => {
    const [first, ...others] = PACKS.map((pack) =>
      fs.readFileSync(path.join(ROOT, "policies", pack.dir, "tsconfig.json"), "utf8"),
    );
    for (const other of others) assert.strictEqual(other, first, "one set of options for every pack");
    const pack = JSON.parse(first);
    const project = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")).compilerOptions;
    // run-policy-pack (run.ts) merges its defaults (target ES2020, module nodenext) under the pack's
    // raw compilerOptions, read without following "extends": an extended file's options would lose
    // to those defaults, so the options are written out here.
    assert.ok(!("extends" in pack));
    for (const option of [
      "target",
      "lib",
      "module",
      "moduleResolution",
      "strict",
      "noImplicitReturns",
      "noUnusedLocals",
      "noUnusedParameters",
      "esModuleInterop",
    ]) {
      assert.deepStrictEqual(pack.compilerOptions[option], project[option], option);
    }
    // A published pack has only its declared dependencies: no @types, so none in the repository either.
    assert.deepStrictEqual(pack.compilerOptions.types, []);
  });

  it("constructs a PolicyPack nowhere but the packs' index.ts files", () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (!["node_modules", "out", ".git", ".cache"].includes(entry.name)) walk(file);
        } else if (
          entry.name.endsWith(".ts") &&
          /new PolicyPack\(/.test(fs.readFileSync(file, "utf8")) &&
          !/policies\/(governance|sustainability)\/index\.ts$/.test(file)
        ) {
          offenders.push(path.relative(ROOT, file));
        }
      }
    };
    for (const dir of ["components", "stacks", "policies", "scripts"]) walk(path.join(ROOT, dir));
    assert.deepStrictEqual(offenders, []);
  });

  for (const stack of STACKS) {
    it(`policies/config/${stack}/ has one file per pack, each reconciling with its pack, and every exemption names a resource of the ${stack} plan`, async () => {
      assert.deepStrictEqual(
        fs.readdirSync(path.join(ROOT, "policies", "config", stack)).sort(),
        PACKS.map((p) => `${p.dir}.json`).sort(),
      );
      const configs = readStackPolicyConfig(ROOT, stack);
      const urns = new Set(planFromRun(await stackRun(stack)).resources.map((r) => r.urn));
      for (const pack of PACKS) {
        const config = configs.get(pack.name)!;
        for (const policy of pack.policies)
          assert.ok(config.has(policy.name), `${stack}/${pack.dir}.json: ${policy.name}`);
        for (const [policy, entry] of config) {
          for (const exemption of (entry.properties.exemptions ?? []) as Array<{ urn: string }>) {
            assert.ok(
              urns.has(exemption.urn),
              `${policy}: exemption for ${exemption.urn}, which the ${stack} stack does not declare`,
            );
          }
        }
      }
    });
  }

  it("sets dev advisory (but apply order and Google API rules mandatory everywhere) and staging and prod mandatory, and prod-only policies are off outside prod", () => {
    const level = (stack: string, policy: string) =>
      [...readStackPolicyConfig(ROOT, stack).values()].find((c) => c.has(policy))!.get(policy)!.enforcementLevel;
    const all = PACKS.flatMap((p) => p.policies.map((x) => x.name));
    // What breaks a first `pulumi up` blocks in every stack, dev included; the rest never blocks in dev.
    const firstApply = ["cnai-apply-order", "cnai-gcp-api-rules"];
    for (const stack of STACKS)
      for (const policy of firstApply) assert.strictEqual(level(stack, policy), "mandatory", `${policy} in ${stack}`);
    assert.ok(
      all.filter((p) => !firstApply.includes(p)).every((p) => ["advisory", "disabled"].includes(level("dev", p))),
      "dev never blocks otherwise",
    );
    for (const policy of ["cnai-deletion-protection", "cnai-stateful-protected"]) {
      assert.strictEqual(level("prod", policy), "mandatory");
      assert.strictEqual(level("staging", policy), "disabled");
    }
    for (const policy of [
      "cnai-shiftable-gpu-capacity",
      "cnai-inference-scale-to-zero",
      "cnai-ray-gpu-workers-capacity",
    ]) {
      assert.strictEqual(level("staging", policy), "mandatory");
      assert.strictEqual(level("prod", policy), "disabled");
    }
    // Would it run: blocks prod changes, informs dev and staging.
    assert.deepStrictEqual(
      ["dev", "staging", "prod"].map((s) => level(s, "cnai-workloads-runnable")),
      ["advisory", "advisory", "mandatory"],
    );
    // Drains and upgrades: a serving workload without a budget blocks prod changes only.
    assert.deepStrictEqual(
      ["dev", "staging", "prod"].map((s) => level(s, "cnai-disruption-budgets")),
      ["advisory", "advisory", "mandatory"],
    );
  });
});
