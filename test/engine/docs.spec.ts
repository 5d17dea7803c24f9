import * as assert from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { z } from "zod";
import { main } from "../../scripts/docs";
import { configKeys, configurationReference, typeOf } from "../../scripts/lib/docs/config-reference";
import { GENERATED_DOCS, generateDocs } from "../../scripts/lib/docs/generate";
import { readProjectFile, readStackConfigFile } from "../../scripts/lib/project-files";
import { resolveConfig } from "../../stacks/config/load";
import { docCommands, documentedFiles, flagsOf, isPlaceholder } from "../helpers/doc-commands";

const ROOT = path.resolve(__dirname, "..", "..");

describe("docs", () => {
  it("the generated pages are up to date (configuration.md from the schema and profiles, policies.md from the packs)", () => {
    const pages = generateDocs(ROOT);
    for (const page of GENERATED_DOCS) {
      const committed = fs.existsSync(path.join(ROOT, page)) ? fs.readFileSync(path.join(ROOT, page), "utf8") : "";
      assert.ok(committed === pages[page], `${page} is stale: run npm run docs and commit the result`);
    }
  });

  it("the configuration reference lists every key of the schema, with its profile defaults", () => {
    const page = fs.readFileSync(path.join(ROOT, "docs/configuration.md"), "utf8");
    for (const key of ["cluster.systemPool.max", "gpuPools[].capacity.type", "observability.budget.monthlyUsd"])
      assert.match(page, row(`\`${key}\``), key);
    // The prod profile's system pool (stacks/config/profiles.ts) and a schema default (teams[].quota.gpus: 8).
    assert.match(
      page,
      row("`cluster.systemPool.machineType`", null, "`e2-standard-4`", "`e2-standard-4`", "`e2-standard-8`"),
    );
    assert.match(page, row("`teams[].quota.gpus`", "integer, >= 0, <= 10000", "`8`", "`8`", "`8`"));
  });

  it("the policy reference lists every policy of every pack, with its level in each stack", () => {
    const page = fs.readFileSync(path.join(ROOT, "docs/policies.md"), "utf8");
    // policies/config/dev/governance.json: all advisory, cnai-apply-order mandatory; prod: all mandatory.
    assert.match(page, row("`cnai-apply-order`", M, M, M));
    assert.match(page, row("`cnai-required-labels`", "advisory", M, M));
    assert.match(page, row("`cnai-deletion-protection`", "disabled", "disabled", M));
  });

  it("every relative link of the README, docs/ and the READMEs it links resolves, anchors included", () => {
    const files = [...documentedFiles(ROOT), "policies/README.md"];
    const problems: string[] = [];
    for (const file of files) {
      const text = fs.readFileSync(path.join(ROOT, file), "utf8").replace(/```[\s\S]*?```/g, "");
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const [file2, anchor] = target!.split("#");
        const resolved = file2 ? path.resolve(path.dirname(path.join(ROOT, file)), file2) : path.join(ROOT, file);
        if (!fs.existsSync(resolved)) {
          problems.push(`${file}: ${target} does not exist`);
          continue;
        }
        if (anchor && resolved.endsWith(".md") && !anchorsOf(fs.readFileSync(resolved, "utf8")).includes(anchor))
          problems.push(`${file}: ${target}: no heading #${anchor} in ${path.relative(ROOT, resolved)}`);
      }
    }
    assert.deepStrictEqual(problems, []);
  });

  it("architecture.md's sample config error is what plan prints for the mistakes it describes", () => {
    const page = fs.readFileSync(path.join(ROOT, "docs/architecture.md"), "utf8");
    const sample = /A bad stack file is refused[\s\S]*?```text\n([\s\S]*?)```/.exec(page)?.[1];
    assert.ok(sample, "architecture.md has the sample error");
    // The mistakes the page describes: cnai-platform:cluster misspelt, the l4-dev pool on a2-highgpu-1g.
    const dev = readStackConfigFile(readProjectFile(ROOT), "dev");
    const { "cnai-platform:cluster": cluster, ...values } = dev.values;
    const pools = JSON.parse(values["cnai-platform:gpuPools"]!) as { name: string; machineType: string }[];
    assert.strictEqual(pools[0]!.name, "l4-dev");
    pools[0]!.machineType = "a2-highgpu-1g";
    let message = "";
    try {
      resolveConfig({
        stack: "dev",
        file: dev.file,
        values: { ...values, "cnai-platform:clster": cluster!, "cnai-platform:gpuPools": JSON.stringify(pools) },
      });
    } catch (error) {
      message = `plan: ${(error as Error).message}`;
    }
    const printed = message.trimEnd().split("\n");
    const lines = sample.trimEnd().split("\n");
    assert.strictEqual(printed.length, lines.length, message);
    lines.forEach((line, i) => {
      // "..." stands for the rest of a list.
      const pattern = new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\\\.\\\.\\\./g, ".*")}$`);
      assert.match(printed[i]!, pattern);
    });
  });

  it("architecture.md's shipped stacks name each stack's project, region and GPU pools as its stack file does", () => {
    const page = fs.readFileSync(path.join(ROOT, "docs/architecture.md"), "utf8");
    const section = page.slice(
      page.indexOf("## The shipped stacks"),
      page.indexOf("\n## ", page.indexOf("## The shipped stacks") + 1),
    );
    const bullets = [...section.matchAll(/^- \*\*([\w-]+)\*\*([\s\S]*?)(?=^- |^$)/gm)];
    assert.ok(bullets.length > 0, "architecture.md lists the shipped stacks");
    const project = readProjectFile(ROOT);
    for (const [, stack, text] of bullets) {
      const values = readStackConfigFile(project, stack!).values;
      const pools = (JSON.parse(values["cnai-platform:gpuPools"] ?? "[]") as { name: string }[]).map((p) => p.name);
      const named = [...text!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
      assert.strictEqual(named[0], values["gcp:project"], `${stack}: the project first`);
      assert.ok(text!.includes(values["gcp:region"]!), `${stack}: the region ${values["gcp:region"]}`);
      assert.deepStrictEqual(
        named
          .slice(1)
          .filter((n) => n !== "protect")
          .sort(),
        [...pools].sort(),
        `${stack}: the GPU pools its stack file declares`,
      );
    }
  });

  it("the README is a front page: under 150 lines, and links every docs/ page", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    assert.ok(readme.split("\n").length < 150, `README.md has ${readme.split("\n").length} lines`);
    for (const page of fs.readdirSync(path.join(ROOT, "docs")).filter((p) => p.endsWith(".md")))
      assert.ok(readme.includes(`](docs/${page})`), `README.md links docs/${page}`);
  });

  it("architecture.md's folder map names every folder under components/, stacks/, policies/, scripts/ and test/", () => {
    const page = fs.readFileSync(path.join(ROOT, "docs/architecture.md"), "utf8");
    const map = page.slice(page.indexOf("## Folder map"), page.indexOf("\n## ", page.indexOf("## Folder map") + 1));
    const named = new Set([...map.matchAll(/`([a-z][\w./<>-]*\/)`/g)].map((m) => m[1]));
    const stacks = new Set(fs.readdirSync(path.join(ROOT, "policies", "config")));
    const missing: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
        if (!entry.isDirectory() || entry.name === "node_modules") continue;
        const folder = `${dir}/${entry.name}`;
        // A stack's policy config folder is named by the pattern policies/config/<stack>/.
        const shown = dir === "policies/config" && stacks.has(entry.name) ? "policies/config/<stack>/" : `${folder}/`;
        if (!named.has(shown)) missing.push(`${folder}/`);
        walk(folder);
      }
    };
    for (const top of ["components", "stacks", "policies", "scripts", "test"]) {
      if (!named.has(`${top}/`)) missing.push(`${top}/`);
      walk(top);
    }
    assert.deepStrictEqual(missing, [], "add these folders to the folder map in docs/architecture.md");
  });
});

describe("docs generator", () => {
  const schema = z.strictObject({
    mode: z.enum(["a", "b"]).describe("The mode."),
    size: z.number().int().min(1).max(9).default(3),
    name: z.string().regex(/^x/, { error: "a name starting with x" }).optional(),
    pools: z.array(z.strictObject({ zone: z.string().min(2) })).max(4),
    nested: z.strictObject({ on: z.boolean() }).describe("A nested object."),
  });

  it("walks every key, list entries and nested objects included, with zod's own facts", () => {
    assert.deepStrictEqual(
      configKeys(schema).map((k) => [k.path, k.type, k.optional, k.schemaDefault, k.description]),
      [
        ["mode", "`a` | `b`", false, undefined, "The mode."],
        ["size", "integer, >= 1, <= 9", false, 3, undefined],
        ["name", "string: a name starting with x", true, undefined, undefined],
        ["pools", "list of objects, at most 4 items", false, undefined, undefined],
        ["pools[].zone", "string, at least 2 characters", false, undefined, undefined],
        ["nested", "object", false, undefined, "A nested object."],
        ["nested.on", "boolean", false, undefined, undefined],
      ],
    );
    assert.strictEqual(typeOf(z.array(z.string()).min(1).max(2)), "list of string, 1-2 items");
  });

  it("renders each profile's default, else the schema's, unset for optional keys, required otherwise", () => {
    const page = configurationReference({
      settings: schema,
      gcp: z.strictObject({ project: z.string() }),
      profiles: {
        small: { settings: { mode: "a", nested: { on: false } }, gpuPool: {} },
        big: { settings: { mode: "b", nested: { on: true } }, gpuPool: {} },
      },
      derived: {},
    });
    assert.match(page, row("`mode`", "`a` \\| `b`", "`a`", "`b`", "The mode."));
    assert.match(page, row("`size`", "integer, >= 1, <= 9", "`3`", "`3`", ""));
    assert.match(page, row("`name`", null, "unset", "unset", ""));
    assert.match(page, row("`pools[].zone`", null, "**required**", "**required**", ""));
    assert.match(page, row("`nested.on`", "boolean", "`false`", "`true`", ""));
  });

  it("npm run docs writes both pages where --root points, and --check then passes", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "cnai-docs-gen-"));
    try {
      fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
      fs.cpSync(path.join(ROOT, "stacks"), path.join(root, "stacks"), {
        recursive: true,
        filter: (src) => fs.statSync(src).isDirectory() || /Pulumi\..+\.yaml$/.test(src),
      });
      fs.cpSync(path.join(ROOT, "policies", "config"), path.join(root, "policies", "config"), { recursive: true });
      const [out, err] = [process.stdout.write, process.stderr.write];
      process.stdout.write = () => true;
      process.stderr.write = () => true;
      let first: number;
      let check: number;
      let stale: number;
      try {
        stale = await main(["--check", "--root", root]);
        first = await main(["--root", root]);
        check = await main(["--check", "--root", root]);
      } finally {
        [process.stdout.write, process.stderr.write] = [out, err];
      }
      assert.deepStrictEqual([stale, first, check], [1, 0, 0]);
      for (const page of GENERATED_DOCS) assert.ok(fs.existsSync(path.join(root, page)), page);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("docs commands extraction", () => {
  it("joins continued lines, drops comments, splits && steps, and finds inline commands", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "cnai-docs-md-"));
    try {
      fs.writeFileSync(
        path.join(root, "x.md"),
        [
          "Run `npm run plan -- --stack <name>` or `npm test`; not `plan.json`.",
          "```sh",
          "# a comment",
          "npm ci && npm run plan -- \\",
          "  --stack dev   # trailing comment",
          "```",
          "```json",
          '{ "npm": "not a command" }',
          "```",
        ].join("\n"),
      );
      const commands = docCommands(root, "x.md");
      assert.deepStrictEqual(
        commands.map((c) => [c.where, c.kind, c.steps]),
        [
          [
            "x.md:4",
            "block",
            [
              ["npm", "ci"],
              ["npm", "run", "plan", "--", "--stack", "dev"],
            ],
          ],
          ["x.md:1", "inline", [["npm", "run", "plan", "--", "--stack", "<name>"]]],
          ["x.md:1", "inline", [["npm", "test"]]],
        ],
      );
      assert.ok(isPlaceholder("<name>") && isPlaceholder("[--out") && !isPlaceholder("dev"));
      assert.deepStrictEqual(flagsOf(["--stack", "dev", "[--out", "<dir>]", "-s", "--format=sarif"]), [
        "--stack",
        "--out",
        "-s",
        "--format",
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

const M = "**mandatory**";

/** A table row starting with these cells (null: any cell), however the formatter pads them. */
function row(...cells: (string | null)[]): RegExp {
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = cells.map((cell) => (cell === null ? "[^|\\n]*?" : literal(cell))).join(" *\\| *");
  return new RegExp(`^\\| *${pattern} *\\|`, "m");
}

/** GitHub's heading anchors: lower case, punctuation other than '-' and '_' dropped, spaces to '-'. */
function anchorsOf(markdown: string): string[] {
  return [...markdown.replace(/```[\s\S]*?```/g, "").matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
    m[1]!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, "")
      .replace(/ /g, "-"),
  );
}
