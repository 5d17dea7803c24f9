import * as assert from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "../helpers/run";

/** scripts/ts-register.js: transpile-only loading with a content-addressed cache. */
describe("TypeScript loader", function () {
  this.timeout(60_000);
  let dir: string;
  let cache: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cnai-ts-"));
    cache = path.join(dir, "cache");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (file: string, env: Record<string, string> = {}) =>
    spawnSync(process.execPath, ["-r", path.join(ROOT, "scripts", "ts-register.js"), file], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, CNAI_TS_CACHE: cache, ...env },
    });
  const cached = () =>
    fs.existsSync(cache) ? fs.readdirSync(cache).flatMap((d) => fs.readdirSync(path.join(cache, d))) : [];

  it("runs TypeScript without type-checking, caches each file once, and reuses it unchanged", () => {
    const file = path.join(dir, "main.ts");
    fs.writeFileSync(
      file,
      'const n: number = "not a number" as unknown as number;\nexport const x: string = String(n);\nconsole.log(`ran ${x}`);\n',
    );
    assert.strictEqual(run(file).stdout, "ran not a number\n");
    assert.strictEqual(cached().length, 1);
    assert.strictEqual(run(file).stdout, "ran not a number\n");
    assert.strictEqual(cached().length, 1, "the same content hits the same entry");
    fs.appendFileSync(file, "console.log('changed');\n");
    assert.strictEqual(run(file).stdout, "ran not a number\nchanged\n");
    assert.strictEqual(cached().length, 2, "changed content is a new entry, never a stale one");
  });

  it("reports a syntax error with the file, line and column", () => {
    const file = path.join(dir, "broken.ts");
    fs.writeFileSync(file, "const a = 1;\nconst b = ;\n");
    const result = run(file);
    assert.notStrictEqual(result.status, 0);
    assert.match(result.stderr, /broken\.ts:2:11: Expression expected/);
    assert.deepStrictEqual(cached(), [], "nothing cached for a file that does not compile");
  });

  it("maps stack traces to TypeScript lines with diagnostics on, and writes no cache with CNAI_TS_CACHE=off", () => {
    const file = path.join(dir, "throws.ts");
    fs.writeFileSync(
      file,
      "interface A {\n  a: number;\n}\nconst value: A = { a: 1 };\nthrow new Error(`boom ${value.a}`);\n",
    );
    const mapped = run(file, { CNAI_DIAGNOSTICS: "1" });
    assert.match(mapped.stderr, /throws\.ts:5:7/);
    fs.rmSync(cache, { recursive: true, force: true });
    const off = spawnSync(process.execPath, ["-r", path.join(ROOT, "scripts", "ts-register.js"), file], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, CNAI_TS_CACHE: "off" },
    });
    assert.match(off.stderr, /boom 1/);
    assert.ok(!fs.existsSync(cache));
  });

  it("names each file once in mapped stack traces, in a sub-folder and in the project (no stacks/stacks/, test/test/)", () => {
    // tsconfig's outDir once made the inline maps name "../<dir>/<file>.ts", resolved against the file itself.
    const sub = path.join(dir, "pkg", "sub");
    fs.mkdirSync(sub, { recursive: true });
    const file = path.join(sub, "throws.ts");
    fs.writeFileSync(file, "const n: number = 1;\nthrow new Error(`boom ${n}`);\n");
    const nested = run(file, { CNAI_DIAGNOSTICS: "1" });
    assert.ok(nested.stderr.includes(`${file}:2:7`), nested.stderr);
    const cli = path.join(ROOT, "scripts", "lib", "cli.ts");
    const probe = path.join(dir, "probe.ts");
    fs.writeFileSync(
      probe,
      `import { parseFlags } from ${JSON.stringify(cli)};\ntry {\n  parseFlags(["--nope"], {}, "usage");\n} catch (error) {\n  console.log((error as Error).stack);\n}\n`,
    );
    const project = run(probe, { CNAI_DIAGNOSTICS: "1" });
    assert.match(project.stdout, /UsageError/);
    assert.ok(project.stdout.includes(`(${cli}:`), project.stdout);
    assert.ok(project.stdout.includes(`(${probe}:3:`), project.stdout);
    assert.doesNotMatch(project.stdout, /scripts\/scripts\/|\/lib\/lib\//);
  });
});
