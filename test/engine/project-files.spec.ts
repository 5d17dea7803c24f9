import * as assert from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { listStacks, readProjectFile, readStackConfigFile } from "../../scripts/lib/project-files";
import { ROOT } from "../helpers/run";

describe("project and stack files", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cnai-files-"));
    fs.mkdirSync(path.join(dir, "stacks"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads this project's Pulumi.yaml: name, main, stackConfigDir", () => {
    const project = readProjectFile(ROOT);
    assert.strictEqual(project.name, "cnai-platform");
    assert.strictEqual(project.main, path.join(ROOT, "stacks", "index.ts"));
    assert.strictEqual(project.stackConfigDir, path.join(ROOT, "stacks"));
    const files = fs.readdirSync(path.join(ROOT, "stacks")).filter((f) => /^Pulumi\..+\.yaml$/.test(f));
    assert.deepStrictEqual(
      listStacks(project),
      files.map((f) => f.slice("Pulumi.".length, -".yaml".length)).sort(),
      "every stacks/Pulumi.<stack>.yaml is a stack, a fork's too",
    );
    for (const shipped of ["dev", "staging", "prod"]) assert.ok(listStacks(project).includes(shipped), shipped);
  });

  it("reads stack config as the CLI passes it: project namespace added, objects as JSON, scalars as text, secure values secret", () => {
    fs.writeFileSync(
      path.join(dir, "Pulumi.yaml"),
      "name: demo\nruntime: nodejs\nstackConfigDir: stacks\nconfig:\n  region:\n    default: eu\n  gcp:zone: europe-west4-a\n",
    );
    fs.writeFileSync(
      path.join(dir, "stacks", "Pulumi.qa.yaml"),
      "config:\n  team: ml\n  demo:size: 3\n  demo:on: true\n  demo:pools:\n    - name: a\n  demo:password:\n    secure: v1:abc\n  demo:nested:\n    token:\n      secure: v1:def\n",
    );
    const config = readStackConfigFile(readProjectFile(dir), "qa");
    assert.strictEqual(config.file, path.join("stacks", "Pulumi.qa.yaml"));
    assert.deepStrictEqual(config.values, {
      "demo:region": "eu",
      "gcp:zone": "europe-west4-a",
      "demo:team": "ml",
      "demo:size": "3",
      "demo:on": "true",
      "demo:pools": '[{"name":"a"}]',
      "demo:password": "[secret]",
      "demo:nested": '{"token":"[secret]"}',
    });
    assert.deepStrictEqual(config.secretKeys.sort(), ["demo:nested", "demo:password"]);
  });

  it("refuses invalid stack names and unreadable files with the file named", () => {
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: demo\nruntime: nodejs\nstackConfigDir: stacks\n");
    const project = readProjectFile(dir);
    assert.throws(() => readStackConfigFile(project, "../etc"), /invalid stack name "\.\.\/etc"/);
    assert.throws(
      () => readStackConfigFile(project, "nope"),
      /no stack file stacks\/Pulumi\.nope\.yaml for stack "nope"; stacks: none/,
    );
    fs.writeFileSync(path.join(dir, "stacks", "Pulumi.list.yaml"), "config:\n  - a\n");
    assert.throws(() => readStackConfigFile(project, "list"), /stacks\/Pulumi\.list\.yaml: config: must be a mapping/);
    fs.writeFileSync(path.join(dir, "stacks", "Pulumi.dup.yaml"), "config:\n  a: 1\n  a: 2\n");
    assert.throws(() => readStackConfigFile(project, "dup"), /stacks\/Pulumi\.dup\.yaml:3:\d+: invalid YAML/);
  });

  it("shows a YAML error with the file, line and column, and an excerpt pointing at the spot", () => {
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: demo\nruntime: nodejs\nstackConfigDir: stacks\n");
    fs.writeFileSync(path.join(dir, "stacks", "Pulumi.qa.yaml"), "config:\n  gcp:project: a\n   gcp:region: b\n");
    assert.throws(
      () => readStackConfigFile(readProjectFile(dir), "qa"),
      (error: Error) => {
        const [first, ...excerpt] = error.message.split("\n");
        assert.strictEqual(first, "stacks/Pulumi.qa.yaml:3:14: invalid YAML: bad indentation of a mapping entry");
        assert.deepStrictEqual(
          excerpt.map((line) => line.trimEnd()),
          ["     1 | config:", "     2 |   gcp:project: a", "     3 |    gcp:region: b", "    ------------------^"],
        );
        return true;
      },
    );
  });

  it("names keys written without config: above them, which the Pulumi CLI would drop, and says where they go", () => {
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: demo\nruntime: nodejs\nstackConfigDir: stacks\n");
    fs.writeFileSync(
      path.join(dir, "stacks", "Pulumi.qa.yaml"),
      "gcp:project: acme\ngcp:region: us-central1\ndemo:team: ml\n",
    );
    assert.throws(
      () => readStackConfigFile(readProjectFile(dir), "qa"),
      /^UsageError: stacks\/Pulumi\.qa\.yaml: gcp:project, gcp:region, demo:team are at the top level, where Pulumi ignores them: stack settings go under config: \(a line "config:", then each key indented by two spaces/,
    );
    fs.writeFileSync(path.join(dir, "stacks", "Pulumi.qa.yaml"), "config:\n  demo:team: ml\nteam: ml\n");
    assert.throws(() => readStackConfigFile(readProjectFile(dir), "qa"), /team is at the top level/);
    fs.writeFileSync(
      path.join(dir, "stacks", "Pulumi.qa.yaml"),
      "secretsprovider: passphrase\nencryptionsalt: v1:abc\nconfig:\n  demo:team: ml\n",
    );
    assert.deepStrictEqual(readStackConfigFile(readProjectFile(dir), "qa").values, { "demo:team": "ml" });
  });
});
