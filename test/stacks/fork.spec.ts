import * as assert from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findCrdDir } from "../../scripts/lib/crd-dir";
import { ROOT } from "../helpers/run";

const GUIDE = path.join(ROOT, "docs", "forking.md");

/** The fenced blocks of a Markdown file, in order: language and text. */
function fencedBlocks(markdown: string): Array<{ lang: string; text: string }> {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map(([, lang, text]) => ({ lang, text }));
}

/** A command as a shell reads it: continuation lines joined. */
const command = (block: string) => block.replace(/\\\n\s*/g, "").trim();

/** Figures that move whenever a component is added; the rest of the output must match the guide. */
const steady = (text: string) => text.replace(/\d+ resources/g, "N resources").trimEnd();

/**
 * docs/forking.md, run as written on a copy of this repository (what a team that forks the
 * blueprint has): every command of the guide, its shown output, and its change, in order; then the
 * stack specs on the new stack. The guide's example is the README's: staging forked into
 * us-central1, whose grid carries more carbon than staging's europe-west4.
 */
describe("forking a stack, as docs/forking.md says", function () {
  this.timeout(600_000);
  let copy: string;
  const blocks = fencedBlocks(fs.readFileSync(GUIDE, "utf8"));
  const [fork, forkOutput, change, plan, specs] = blocks;
  let printed = "";

  before(() => {
    copy = fs.mkdtempSync(path.join(os.tmpdir(), "cnai-fork-"));
    const skip = new Set(["node_modules", ".git", "out", ".cache", "bin", "dist"]);
    fs.cpSync(ROOT, copy, {
      recursive: true,
      filter: (source) => !skip.has(path.relative(ROOT, source).split(path.sep)[0]),
    });
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(copy, "node_modules"), "dir");
  });
  after(() => fs.rmSync(copy, { recursive: true, force: true }));

  const crds = findCrdDir(ROOT);
  /** Runs a command of the guide in the copy, as a user's shell would. */
  const sh = (line: string) =>
    spawnSync("bash", ["-c", line], {
      cwd: copy,
      encoding: "utf8",
      env: {
        ...process.env,
        PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`,
        // npm's "> cnai-platform@0.1.0 new-stack" banner is npm's, not the tool's output.
        npm_config_loglevel: "silent",
        // The copy leaves .cache/ behind: its conformance checks use the CRDs this checkout found
        // ($CNAI_CRD_DIR, or the pretest's download into .cache/crds), as a user's checkout would.
        ...(crds ? { CNAI_CRD_DIR: crds } : {}),
      },
    });

  it("gives the steps in order: the fork, what it prints, the change, the plan, the stack specs", () => {
    assert.deepStrictEqual(
      blocks.map((b) => b.lang),
      ["sh", "text", "diff", "sh", "sh"],
    );
    assert.match(command(fork.text), /^npm run new-stack -- --name team-a --from staging .*--region us-central1/);
    assert.strictEqual(command(plan.text), "npm run plan -- --stack team-a");
    assert.match(command(specs.text), /^npx mocha .* --grep team-a$/);
  });

  it("1. new-stack writes the fork, plans it, and prints what to change, as the guide shows (exit 1)", () => {
    const result = sh(command(fork.text));
    assert.strictEqual(result.status, 1, `${result.stdout}\n${result.stderr}`);
    assert.strictEqual(result.stderr, "");
    printed = result.stdout;
    assert.strictEqual(steady(printed), steady(forkOutput.text), "docs/forking.md shows what new-stack prints");
    assert.ok(fs.existsSync(path.join(copy, "stacks", "Pulumi.team-a.yaml")));
    // The tool's numbers, checked against the policy's own rule: over the cap before, within it after.
    const [, estimate, cap] =
      /estimated ([\d.]+) kg CO2e a month in us-central1; the cap copied from staging is (\d+)/.exec(printed)!;
    const [, from, to] = / from (\d+) to (\d+) \(passes\)/.exec(printed)!;
    assert.strictEqual(Number(from), Number(cap));
    assert.ok(Number(estimate) > Number(cap) && Number(to) >= Number(estimate), `${estimate} vs ${cap} -> ${to}`);
  });

  it("2. the guide's change is the one printed, in the file printed", () => {
    const [, key, file, to] = /set "cnai-gpu-and-carbon-caps"\."(\w+)" in (\S+) from \d+ to (\d+)/.exec(printed)!;
    const target = path.join(copy, file);
    const removed = change.text.split("\n").filter((l) => l.startsWith("-"));
    const added = change.text.split("\n").filter((l) => l.startsWith("+"));
    assert.deepStrictEqual(
      added.map((l) => l.slice(1).trim()),
      [`"${key}": ${to}`],
    );
    let text = fs.readFileSync(target, "utf8");
    removed.forEach((line, i) => {
      assert.strictEqual(text.split(`${line.slice(1)}\n`).length, 2, `${file} has "${line.slice(1)}" once`);
      text = text.replace(`${line.slice(1)}\n`, `${added[i].slice(1)}\n`);
    });
    fs.writeFileSync(target, text);
  });

  it("3. plan then passes every mandatory policy and writes out/team-a/", () => {
    const result = sh(command(plan.text));
    assert.strictEqual(result.status, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(
      result.stdout,
      /plan: stack team-a: \d+ resources, \d+ Kubernetes manifests, \d+ policy violations? \(0 mandatory\)/,
    );
    const written = JSON.parse(fs.readFileSync(path.join(copy, "out", "team-a", "plan.json"), "utf8"));
    assert.strictEqual(written.stack, "team-a");
  });

  it("4. the stack specs discover the new stack and pass on it", () => {
    const result = sh(command(specs.text));
    assert.strictEqual(result.status, 0, `${result.stdout}\n${result.stderr}`);
    const passing = Number(/(\d+) passing/.exec(result.stdout)?.[1]);
    // shipped-stacks (5), policy (2), workloads-runnable (2), conformance (1, when there are CRDs).
    assert.ok(passing >= (crds ? 10 : 9), result.stdout);
    assert.doesNotMatch(result.stdout, /failing/);
  });
});
