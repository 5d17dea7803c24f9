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
    assert.deepStrictEqual(listStacks(project), ["dev", "prod", "staging"]);
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
});
