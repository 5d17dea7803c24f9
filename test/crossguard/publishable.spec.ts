import * as assert from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PACKS } from "../../policies/lib/packs";
import { analyzerResources } from "../../scripts/lib/crossguard/analyzer-resource";
import { cliConfigureLocalPack } from "../../scripts/lib/crossguard/config";
import {
  buildPack,
  HOST_RUNTIME,
  PACK_META_FILES,
  selfContainmentProblems,
  typesPackageOf,
} from "../../scripts/lib/pack-build";
import { readStackPolicyConfig } from "../../scripts/lib/policy-check";
import { analyzerInfoOf, evaluatePolicies } from "../../scripts/lib/policy-engine";
import { HostStartError, startPackHost } from "../helpers/crossguard-host";
import { planOf } from "../helpers/policy";
import { ROOT } from "../helpers/run";

const rootManifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const rootVersions: Record<string, string> = { ...rootManifest.dependencies, ...rootManifest.devDependencies };

/** A folder outside the repository, so nothing resolves from the repository's node_modules by walking up. */
const outside = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** Installs only these packages, as links to the repository's copies (what `npm install` would put there, at the same versions). */
function linkDependencies(dir: string, names: readonly string[]): void {
  for (const name of names) {
    const target = path.join(dir, "node_modules", name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.symlinkSync(path.dirname(require.resolve(`${name}/package.json`, { paths: [ROOT] })), target, "dir");
  }
}

/**
 * `npm run build-packs`: each pack as a folder `pulumi policy publish` can upload alone, and one
 * copied to a temporary folder with only its declared dependencies, loaded by the real host.
 */
describe("publishable policy packs", function () {
  this.timeout(180_000);
  let out: string;
  const temporary: string[] = [];
  before(() => {
    out = outside("cnai-packs-");
    temporary.push(out);
  });
  after(() =>
    temporary.forEach((dir) => {
      fs.rmSync(dir, { recursive: true, force: true });
    }),
  );

  for (const pack of PACKS) {
    it(`builds ${pack.dir} self-contained: its files at their repository paths, byte for byte, and a package.json with exact versions of what it imports and what the host needs`, () => {
      const built = buildPack(ROOT, pack, out);
      const files = new Set(built.closure.files);
      for (const file of [
        "index.ts",
        "pack.ts",
        ...fs.readdirSync(path.join(ROOT, "policies", pack.dir, "policies")).map((f) => `policies/${f}`),
      ]) {
        assert.ok(files.has(path.join("policies", pack.dir, file)), `${pack.dir}: ${file}`);
      }
      for (const file of files)
        assert.ok(fs.readFileSync(path.join(built.dir, file)).equals(fs.readFileSync(path.join(ROOT, file))), file);
      for (const file of PACK_META_FILES)
        assert.ok(
          fs
            .readFileSync(path.join(built.dir, file))
            .equals(fs.readFileSync(path.join(ROOT, "policies", pack.dir, file))),
          file,
        );
      const manifest = JSON.parse(fs.readFileSync(path.join(built.dir, "package.json"), "utf8"));
      assert.strictEqual(manifest.main, `policies/${pack.dir}/index.ts`);
      assert.strictEqual(manifest.version, pack.version, "PolicyPack reports package.json's version");
      // Exactly what it imports (here @pulumi/policy), the typings of those that ship none, and what the host loads, at the versions the root pins.
      const imported = [...new Set([...built.closure.packages, ...HOST_RUNTIME])];
      const expected = [...new Set([...imported, ...imported.flatMap((name) => typesPackageOf(ROOT, name))])].sort();
      assert.deepStrictEqual(Object.keys(manifest.dependencies), expected);
      assert.ok(built.closure.packages.includes("@pulumi/policy"));
      for (const name of expected)
        assert.strictEqual(manifest.dependencies[name], rootVersions[name], `${name} at the root's exact version`);
      assert.deepStrictEqual(selfContainmentProblems(built.dir), []);
    });
  }

  it("carries the typings of a package that ships none (js-yaml), so the host's type-check of a lone pack finds them", () => {
    assert.deepStrictEqual(typesPackageOf(ROOT, "js-yaml"), ["@types/js-yaml"]);
    assert.deepStrictEqual(typesPackageOf(ROOT, "yaml"), [], "yaml ships its own");
    assert.deepStrictEqual(typesPackageOf(ROOT, "@pulumi/policy"), []);
  });

  for (const pack of PACKS) {
    it(`a built ${pack.dir} pack type-checks alone, with its own tsconfig.json and only its declared dependencies`, () => {
      const built = buildPack(ROOT, pack, outside(`cnai-typecheck-${pack.dir}-`));
      temporary.push(path.dirname(built.dir));
      linkDependencies(
        built.dir,
        Object.keys(JSON.parse(fs.readFileSync(path.join(built.dir, "package.json"), "utf8")).dependencies),
      );
      const tsc = spawnSync(
        process.execPath,
        [path.join(ROOT, "node_modules", "typescript-native", "bin", "tsc"), "--noEmit", "-p", "tsconfig.json"],
        { cwd: built.dir, encoding: "utf8" },
      );
      assert.strictEqual(tsc.status, 0, tsc.stdout + tsc.stderr);
    });
  }

  it("finds what would stop a copied pack from loading: a package it does not declare, a file it does not carry", () => {
    const built = buildPack(ROOT, PACKS[0], outside("cnai-broken-pack-"));
    temporary.push(path.dirname(built.dir));
    const policyFile = path.join(built.dir, "policies", "lib", "policy.ts");
    fs.appendFileSync(policyFile, '\nimport "left-pad";\n');
    assert.deepStrictEqual(selfContainmentProblems(built.dir), [
      "imports left-pad, which package.json does not declare",
    ]);
    fs.rmSync(path.join(built.dir, "policies", "lib", "resources.ts"));
    assert.match(
      selfContainmentProblems(built.dir).join("\n"),
      /^policies\/[a-z/-]+\.ts: cannot resolve "(\.\.?\/)+(lib\/)?resources"$/,
    );
  });

  it("loads a built pack copied alone, with only its declared dependencies, under the real host, and it enforces its policies as the offline engine does", async () => {
    // One pack under the host proves the mechanism (its files at their repository paths, its
    // dependencies from its own node_modules, ts-node's type-check): the one cheaper to start. Every
    // pack's closure is checked above (selfContainmentProblems), and parity.spec.ts type-checks
    // every pack under the host from its folder.
    const pack = PACKS.find((p) => p.dir === "sustainability")!;
    const built = buildPack(ROOT, pack, outside("cnai-packs-build-"));
    temporary.push(path.dirname(built.dir));
    const alone = outside("cnai-pack-alone-");
    temporary.push(alone);
    fs.cpSync(built.dir, alone, { recursive: true });
    const manifest = JSON.parse(fs.readFileSync(path.join(alone, "package.json"), "utf8"));
    linkDependencies(alone, Object.keys(manifest.dependencies));
    const host = await startPackHost(alone);
    try {
      assert.deepStrictEqual(host.info, analyzerInfoOf(pack));
      const file = path.join("policies", "config", "prod", `${pack.dir}.json`);
      const request = cliConfigureLocalPack(host.info, alone, {
        path: file,
        text: fs.readFileSync(path.join(ROOT, file), "utf8"),
      });
      await host.configure(request);
      // A bucket without labels, lifecycle rules or public-access prevention breaks policies of both packs.
      const plan = planOf([
        { type: "gcp:storage/bucket:Bucket", name: "raw", inputs: { location: "US", labels: { env: "prod" } } },
      ]);
      const [resource] = analyzerResources(plan);
      const fromHost = [...(await host.analyze(resource)), ...(await host.analyzeStack([resource]))];
      const offline = (await evaluatePolicies(plan, [pack], readStackPolicyConfig(ROOT, "prod", [pack]))).violations;
      const sorted = (rows: string[][]) => rows.map((r) => JSON.stringify(r)).sort();
      assert.deepStrictEqual(
        sorted(fromHost.map((d) => [d.policyName, d.enforcementLevel, d.message])),
        sorted(offline.map((v) => [v.policy, v.enforcementLevel, v.message])),
      );
      assert.ok(
        fromHost.length > 0 && fromHost.every((d) => d.enforcementLevel === "mandatory"),
        JSON.stringify(fromHost),
      );
    } finally {
      host.close();
    }
  });

  it("the host type-checks a pack with the pack's tsconfig.json: a type error the repository's type-check does not see stops the pack (a mocha global here)", async () => {
    const dir = outside("cnai-pack-typeerror-");
    temporary.push(dir);
    fs.copyFileSync(path.join(ROOT, "policies", "governance", "tsconfig.json"), path.join(dir, "tsconfig.json"));
    fs.writeFileSync(
      path.join(dir, "package.json"),
      JSON.stringify({ name: "typeerror", version: "0.0.1", main: "index.ts" }),
    );
    // The repository's tsconfig.json has mocha's types; a pack's has none, as a published pack has none.
    fs.writeFileSync(path.join(dir, "index.ts"), 'describe("a mocha global", () => undefined);\n');
    linkDependencies(dir, HOST_RUNTIME);
    await assert.rejects(startPackHost(dir), (error: unknown) => {
      assert.ok(error instanceof HostStartError, String(error));
      assert.match(
        error.stderr,
        /TSError: ⨯ Unable to compile TypeScript:\nindex\.ts\(1,1\): error TS2593: Cannot find name 'describe'/,
      );
      return true;
    });
  });
});
