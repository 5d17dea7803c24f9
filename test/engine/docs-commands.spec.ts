import * as assert from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PACKS } from "../../policies/lib/packs";
import { configKeys } from "../../scripts/lib/docs/config-reference";
import { settingsSchema } from "../../stacks/config/schema";
import {
  type DocCommand,
  docCommands,
  documentedFiles,
  flagsOf,
  GCLOUD_COMMANDS,
  isPlaceholder,
  KUBECTL_COMMANDS,
  PULUMI_COMMANDS,
  subcommand,
} from "../helpers/doc-commands";

const ROOT = path.resolve(__dirname, "..", "..");
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  name: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const PROJECT = /^name:\s*(\S+)/m.exec(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"))![1]!;

/**
 * How the suite exercises each npm script the docs call. `root`: run offline for real, in a temporary
 * copy of the stack and policy files (`--root`), from that copy; `out`: run with its output folder in
 * that copy; otherwise the reason it is not run here, and what the docs' flags are checked against
 * (the script's own `--help`).
 */
const NPM_SCRIPTS: Readonly<Record<string, { run: "root" } | { run: "out"; out: string } | { why: string }>> = {
  plan: { run: "root" },
  policy: { run: "root" },
  "new-stack": { run: "root" },
  docs: { run: "root" },
  "build-packs": { run: "out", out: "dist/policy-packs" },
  test: { why: "the suite itself" },
  lint: { why: "npm test runs it first" },
  typecheck: { why: "npm test runs it" },
  format: { why: "rewrites the working tree; npm run lint, in npm test, fails on what it would change" },
  conformance: { why: "test/conformance/ checks every shipped stack's objects the same way" },
  "fetch-crds": { why: "downloads from GitHub; the pretest runs it when no CRDs are found" },
  bench: { why: "minutes of repeated measurements" },
  mutation: { why: "a mutation run takes far longer than the suite" },
};

/**
 * Guides whose commands a spec of their own runs, in order and with the edits the guide makes
 * between them (a command there may exit 1 by design: new-stack reports what must change). Here
 * their npm commands are checked (the script, its flags), not run.
 */
const RUN_BY_THEIR_SPEC: Readonly<Record<string, string>> = {
  "docs/forking.md": "test/stacks/fork.spec.ts",
};

/** Flags that take no value, for counting positional arguments. */
const BOOLEAN_FLAGS = new Set([
  "--yes",
  "-y",
  "--diff",
  "--refresh",
  "-r",
  "--recursive",
  "--local",
  "--insecure",
  "--path",
  "--secret",
  "--plaintext",
  "--force",
  "-A",
  "--all-namespaces",
  "-w",
  "--watch",
  "--ignore-daemonsets",
  "--delete-emptydir-data",
  "--async",
  "--wait-for-completion",
  "--no-namespaces",
  "--cluster-resource-scope-all-group-kinds",
  "--cluster-resource-scope-no-group-kinds",
  "--with-extended-notifications",
]);

describe("every command in the docs", function () {
  this.timeout(240_000);
  const files = documentedFiles(ROOT);
  const commands = files.flatMap((file) => docCommands(ROOT, file));
  let sandbox: string;
  const usage = new Map<string, string>();
  const runs = new Map<string, { status: number | null; output: string }>();

  before(() => {
    // A copy of the project where commands may write: the stack files, the policy config and docs/
    // copied, out/ and dist/ fresh, everything else linked to the repository (the program, the packs,
    // scripts, examples, node_modules), so plans build exactly what the docs describe.
    sandbox = fs.mkdtempSync(path.join(os.tmpdir(), "cnai-docs-"));
    const link = (from: string, to: string) => fs.symlinkSync(from, to);
    for (const entry of fs.readdirSync(ROOT, { withFileTypes: true })) {
      const from = path.join(ROOT, entry.name);
      const to = path.join(sandbox, entry.name);
      if ([".git", "out", "dist"].includes(entry.name)) continue;
      if (entry.name === "docs") fs.cpSync(from, to, { recursive: true });
      else if (entry.name === "stacks" || entry.name === "policies") {
        fs.mkdirSync(to);
        for (const child of fs.readdirSync(from)) {
          const source = path.join(from, child);
          if (/^Pulumi\..+\.ya?ml$/.test(child) || (entry.name === "policies" && child === "config"))
            fs.cpSync(source, path.join(to, child), { recursive: true });
          else link(source, path.join(to, child));
        }
      } else link(from, to);
    }
  });

  after(() => fs.rmSync(sandbox, { recursive: true, force: true }));

  /** Runs an npm script's command line as npm would, from the sandbox. */
  const runScript = (script: string, args: readonly string[]) => {
    const key = JSON.stringify([script, args]);
    const cached = runs.get(key);
    if (cached) return cached;
    const line = PACKAGE.scripts[script]!.split(/\s+/);
    assert.strictEqual(line[0], "node", `package.json scripts.${script} runs node`);
    const argv = line.slice(1).map((w) => (/^\.?\.?\/|^scripts\//.test(w) ? path.resolve(ROOT, w) : w));
    const result = spawnSync(process.execPath, [...argv, ...args], {
      cwd: sandbox,
      encoding: "utf8",
      env: { ...process.env, FORCE_COLOR: "0" },
    });
    const outcome = { status: result.status, output: `${result.stdout}${result.stderr}` };
    runs.set(key, outcome);
    return outcome;
  };

  /**
   * The flags a script accepts, as its usage lists them: the `USAGE` text each script prints for
   * `--help` and with every usage error (read from its source, which saves loading the SDK per script).
   */
  const acceptedFlags = (script: string): string[] => {
    if (!usage.has(script)) {
      const file = PACKAGE.scripts[script]!.split(/\s+/).find((w) => w.endsWith(".ts"));
      assert.ok(file, `package.json scripts.${script} runs a TypeScript file`);
      const source = fs.readFileSync(path.join(ROOT, file), "utf8");
      const declaration = /const USAGE =([^;]+);/.exec(source)?.[1];
      assert.ok(declaration, `${file} declares its USAGE`);
      usage.set(script, [...declaration.matchAll(/"([^"]*)"/g)].map((m) => m[1]).join(""));
    }
    return flagsOf(
      usage
        .get(script)!
        .replace(/[[\]()|]/g, " ")
        .split(/\s+/),
    );
  };

  it("are found: fenced sh/bash blocks and inline commands in the README, docs/ and bench/", () => {
    assert.ok(files.includes("README.md") && files.some((f) => f.startsWith("docs/")), files.join(", "));
    const readme = commands.filter((c) => c.where.startsWith("README.md"));
    for (const expected of ["npm ci", "npm run plan -- --stack dev", "npm test", "pulumi preview"])
      assert.ok(
        readme.some((c) => c.steps.some((s) => s.join(" ").startsWith(expected))),
        `README has ${expected}: ${readme.map((c) => c.text).join(" | ")}`,
      );
  });

  it("run offline as written, or match what the CLI, the files and the stacks they name accept", () => {
    const problems: string[] = [];
    let cwd = ROOT;
    let lastFile = "";
    for (const command of commands) {
      const file = command.where.split(":")[0]!;
      if (file !== lastFile || command.kind === "inline") cwd = ROOT;
      lastFile = file;
      for (const step of command.steps) {
        try {
          cwd = check(command, step, cwd);
        } catch (error) {
          problems.push(`${command.where}: \`${command.text}\`: ${(error as Error).message}`);
        }
      }
    }
    assert.deepStrictEqual(problems, [], problems.join("\n\n"));
  });

  /** Checks or runs one step; returns the working directory after it (a `cd`). */
  function check(command: DocCommand, step: readonly string[], cwd: string): string {
    const [tool, ...rest] = step;
    const synopsis = step.some(isPlaceholder);
    const resolve = (p: string) => {
      const inRepo = path.resolve(cwd, p);
      if (fs.existsSync(inRepo)) return inRepo;
      return path.join(sandbox, path.relative(ROOT, inRepo));
    };
    const exists = (p: string, what: string) => {
      if (isPlaceholder(p)) return;
      assert.ok(fs.existsSync(resolve(p)), `${what} ${p} does not exist (from ${path.relative(ROOT, cwd) || "."})`);
    };
    switch (tool) {
      case "cd": {
        const target = resolve(rest[0]!);
        assert.ok(fs.statSync(target, { throwIfNoEntry: false })?.isDirectory(), `cd ${rest[0]}: no such folder`);
        return target;
      }
      case "source":
      case ".": {
        assert.deepStrictEqual(rest, ["scripts/use-node.sh"], "only scripts/use-node.sh is sourced");
        // With Node.js >= 22 first on PATH (this test's own), sourcing it changes nothing and succeeds.
        const result = spawnSync("bash", ["-c", `source ${rest[0]} && node --version`], {
          cwd: ROOT,
          encoding: "utf8",
          env: { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}` },
        });
        assert.strictEqual(result.status, 0, `${result.stdout}${result.stderr}`);
        assert.ok(Number(/v(\d+)/.exec(result.stdout)?.[1]) >= 22, `node after sourcing: ${result.stdout}`);
        return cwd;
      }
      case "npm":
        checkNpm(rest, synopsis, cwd, command);
        return cwd;
      case "npx": {
        assert.strictEqual(rest[0], "mocha", "npx runs mocha");
        // Spec files and folders; the values of mocha's value flags (--grep team-a) are not paths.
        const valued = new Set([
          "--grep",
          "-g",
          "--fgrep",
          "-f",
          "--timeout",
          "-t",
          "--reporter",
          "-R",
          "--jobs",
          "-j",
        ]);
        for (let i = 1; i < rest.length; i++) {
          if (rest[i]!.startsWith("-")) {
            if (valued.has(rest[i]!)) i++;
          } else exists(rest[i]!, "spec");
        }
        return cwd;
      }
      case "node": {
        // `node [-r <module>] <file or module path> ...`: each must resolve from the project.
        const args = [...rest];
        while (args[0] === "-r" || args[0] === "--require") {
          require.resolve(path.resolve(cwd, args[1]!));
          args.splice(0, 2);
        }
        const target = args[0]!;
        if (/^\.|^scripts\//.test(target)) exists(target, "script");
        else require.resolve(target, { paths: [ROOT] });
        return cwd;
      }
      case "pulumi":
        checkPulumi(rest, command, resolve, exists);
        return cwd;
      case "gcloud":
        checkCli(
          "gcloud",
          GCLOUD_COMMANDS,
          rest,
          (name, args) => {
            if (name === "services enable")
              for (const api of args.filter((a) => !isPlaceholder(a)))
                assert.match(api, /^[a-z0-9-]+\.googleapis\.com$/, "a Google API service name");
            if (name === "storage cp") assert.match(args[args.length - 1]!, /^gs:\/\//, "the destination is a bucket");
          },
          command.kind === "inline",
        );
        return cwd;
      case "kubectl": {
        // -n/--namespace is kubectl-wide: it may come before the verb.
        const words = [...rest];
        while (words[0] === "-n" || words[0] === "--namespace") words.splice(0, 2);
        checkCli(
          "kubectl",
          KUBECTL_COMMANDS,
          words,
          () => {
            const dryRun = rest.find((w) => w.startsWith("--dry-run"));
            // kubectl's --dry-run takes none, server or client (kubectl_apply reference).
            if (dryRun) assert.match(dryRun, /^--dry-run=(none|server|client)$/, "--dry-run=server or client");
          },
          command.kind === "inline",
        );
        return cwd;
      }
      default:
        throw new Error(`no rule for ${tool}: add one to test/engine/docs-commands.spec.ts`);
    }
  }

  function checkNpm(args: readonly string[], synopsis: boolean, cwd: string, command: DocCommand): void {
    const [verb, script, separator, ...scriptArgs] = args;
    if (verb === "ci") {
      assert.strictEqual(cwd, ROOT, "npm ci runs at the repository root");
      const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));
      const locked = lock.packages[""];
      assert.deepStrictEqual(
        { dependencies: locked.dependencies, devDependencies: locked.devDependencies },
        { dependencies: PACKAGE.dependencies, devDependencies: PACKAGE.devDependencies },
        "package-lock.json matches package.json (npm ci refuses a lock file out of sync)",
      );
      return;
    }
    if (verb === "install" || verb === "pack") {
      // In a built pack's folder (`npm run build-packs` writes its package.json), never at the root (npm ci).
      if (command.kind === "inline" && args.length === 1 && verb === "pack") return;
      assert.notStrictEqual(cwd, ROOT, `npm ${verb} at the repository root: use npm ci`);
      assert.ok(fs.existsSync(path.join(cwd, "package.json")), `npm ${verb}: no package.json in ${cwd}`);
      return;
    }
    if (verb === "test") {
      assert.ok(PACKAGE.scripts.test, "package.json has a test script");
      return;
    }
    assert.strictEqual(verb, "run", `npm ${verb}: no rule`);
    assert.ok(script && PACKAGE.scripts[script], `package.json has no script ${script}`);
    const rule = NPM_SCRIPTS[script];
    assert.ok(rule, `no rule for npm run ${script}: add it to NPM_SCRIPTS in test/engine/docs-commands.spec.ts`);
    if (separator !== undefined) assert.strictEqual(separator, "--", "npm run <script> -- <flags>");
    // A mention of the script (`npm run plan`) names it; a synopsis lists flags the script must accept.
    if (separator === undefined && command.kind === "inline") return;
    if ("why" in rule) {
      if (script === "lint" || script === "typecheck")
        assert.ok(
          PACKAGE.scripts.test!.includes(PACKAGE.scripts[script]!.replace(/^node /, "")),
          `npm test runs ${script}`,
        );
      if (scriptArgs.length) checkFlags(script, scriptArgs);
      return;
    }
    const guide = RUN_BY_THEIR_SPEC[command.where.split(":")[0]!];
    if (synopsis || guide) {
      if (guide) assert.ok(fs.existsSync(path.join(ROOT, guide)), `${guide} runs this guide's commands`);
      checkFlags(script, scriptArgs);
      return;
    }
    assert.strictEqual(cwd, ROOT, `npm run ${script} runs at the repository root`);
    const extra = rule.run === "root" ? ["--root", sandbox] : ["--out", path.join(sandbox, rule.out)];
    const result = runScript(script, [...scriptArgs, ...extra]);
    assert.strictEqual(result.status, 0, `exited ${result.status}:\n${result.output}`);
  }

  function checkFlags(script: string, args: readonly string[]): void {
    const accepted = acceptedFlags(script);
    for (const flag of flagsOf(args))
      assert.ok(accepted.includes(flag), `npm run ${script} does not take ${flag} (it takes ${accepted.join(", ")})`);
  }

  function checkCli(
    tool: string,
    table: Readonly<Record<string, { flags: readonly string[]; positionals: [number, number] }>>,
    words: readonly string[],
    more: (name: string, positionals: string[]) => void,
    mention = false,
  ): { name: string; positionals: string[]; values: Map<string, string[]> } {
    const found = subcommand(table, words);
    assert.ok(
      found,
      `${tool} ${words.join(" ")}: not a command the docs' table knows (${Object.keys(table).join(", ")})`,
    );
    const spec = table[found.name]!;
    const positionals: string[] = [];
    const values = new Map<string, string[]>();
    for (let i = 0; i < found.rest.length; i++) {
      const word = found.rest[i]!;
      if (!/^-/.test(word)) {
        positionals.push(word);
        continue;
      }
      const [flag, inline] = word.split("=");
      assert.ok(spec.flags.includes(flag!), `${tool} ${found.name} has no flag ${flag} (${spec.flags.join(", ")})`);
      let value = inline;
      if (value === undefined && !BOOLEAN_FLAGS.has(flag!) && found.rest[i + 1] && !found.rest[i + 1]!.startsWith("-"))
        value = found.rest[++i];
      if (value !== undefined) values.set(flag!, [...(values.get(flag!) ?? []), value]);
    }
    const [min, max] = spec.positionals;
    // An inline mention names the command alone (`kubectl drain`); anything more is checked whole.
    if (mention && found.rest.length === 0) return { name: found.name, positionals, values };
    assert.ok(
      positionals.length >= min && positionals.length <= max,
      `${tool} ${found.name} takes ${min === max ? min : `${min}-${max}`} arguments, got ${positionals.length}`,
    );
    more(found.name, positionals);
    return { name: found.name, positionals, values };
  }

  function checkPulumi(
    words: readonly string[],
    command: DocCommand,
    resolve: (p: string) => string,
    exists: (p: string, what: string) => void,
  ): void {
    const stacks = fs
      .readdirSync(path.join(sandbox, "stacks"))
      .map((n) => /^Pulumi\.(.+)\.ya?ml$/.exec(n)?.[1])
      .filter((s): s is string => s !== undefined);
    const { name, positionals, values } = checkCli(
      "pulumi",
      PULUMI_COMMANDS,
      words,
      () => {},
      command.kind === "inline",
    );
    const stack = (s: string) => isPlaceholder(s) || assert.ok(stacks.includes(s), `no stack file for ${s}`);
    if (name === "stack select" || name === "stack init") for (const s of positionals) stack(s);
    for (const s of [...(values.get("--stack") ?? []), ...(values.get("-s") ?? [])]) stack(s);
    if (name === "config set") {
      // A project key must be one the schema has (a --path key reads `a.b[0].c` as the list entry `a.b[].c`).
      const [key] = positionals;
      const [namespace, keyPath] = key!.split(/:(.*)/s);
      if (namespace === PROJECT) {
        const normalized = words.includes("--path") ? keyPath!.replace(/\[\d+\]/g, "[]") : keyPath;
        assert.ok(
          configKeys(settingsSchema).some((k) => k.path === normalized),
          `${key} is not a key of the config schema (docs/configuration.md)`,
        );
      } else assert.strictEqual(namespace, "gcp", `${key}: a ${PROJECT}: or gcp: key`);
    }
    if (name === "login" && positionals[0] && !isPlaceholder(positionals[0]))
      assert.match(positionals[0], /^(https?|gs|s3|azblob|file):\/\//, "a backend URL");
    // `--policy-pack <folder> --policy-pack-config <file>`, pair by pair (the config of the corresponding pack).
    const packs = values.get("--policy-pack") ?? [];
    const configs = values.get("--policy-pack-config") ?? [];
    if (configs.length) assert.strictEqual(configs.length, packs.length, "one --policy-pack-config per --policy-pack");
    packs.forEach((pack, i) => {
      exists(path.join(pack, "PulumiPolicy.yaml"), "policy pack");
      const config = configs[i];
      if (config && !isPlaceholder(config)) {
        JSON.parse(fs.readFileSync(resolve(config), "utf8"));
        assert.strictEqual(path.basename(config, ".json"), path.basename(pack), `${config} is ${pack}'s config`);
        stack(path.basename(path.dirname(config)));
      }
    });
    if (name === "policy publish" && command.kind === "block")
      exists("PulumiPolicy.yaml", "a policy pack (publish runs in its folder):");
    if (name === "policy enable" || name === "policy validate-config") {
      const pack = positionals[0]!.split("/").pop()!;
      assert.ok(
        isPlaceholder(pack) || PACKS.some((p) => p.name === pack),
        `${pack} is a pack name (${PACKS.map((p) => p.name).join(", ")})`,
      );
      for (const config of values.get("--config") ?? []) exists(config, "policy config");
      if (name === "policy enable" && !isPlaceholder(positionals[1]!))
        assert.match(positionals[1]!, /^(latest|\d+\.\d+\.\d+)$/, "latest or a version");
    }
    for (const member of values.get("--add-stack") ?? []) {
      const [project, s] = member.split("/");
      assert.strictEqual(project, PROJECT, `--add-stack <project>/<stack>: the project is ${PROJECT}`);
      stack(s!);
    }
  }
});
