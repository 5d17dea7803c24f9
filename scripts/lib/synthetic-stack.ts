import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";

/**
 * A synthetic stack for scale measurements: the dev stack with N teams, each with its namespace,
 * queue, quota and workload identities, one training job (a TrainJob on the training pool) and one
 * model (an InferenceService on the serving pool) its members reach through the gateway. Written into a project directory of its own
 * (Pulumi.yaml pointing at this program, the stack file, the dev policy config), so `plan --root`
 * runs it like any stack.
 */
export function writeSyntheticProject(root: string, dir: string, teams: number): { stack: string } {
  const stack = `synthetic-${teams}`;
  const doc = parseDocument(fs.readFileSync(path.join(root, "stacks", "Pulumi.dev.yaml"), "utf8"));
  const names = Array.from({ length: teams }, (_, i) => `team-${String(i + 1).padStart(3, "0")}`);
  doc.setIn(["config", "cnai-platform:profile"], "dev");
  doc.setIn(["config", "cnai-platform:teams"], doc.createNode(names.map((name) => ({ name }))));
  doc.setIn(
    ["config", "cnai-platform:training"],
    doc.createNode({
      legacyTrainingOperator: false,
      jobs: names.map((team) => ({
        name: `${team}-finetune`,
        team,
        pool: "l4-train",
        image: "llm-finetune:1.0.0",
        command: ["torchrun", "/app/train.py"],
        gpusPerNode: 2,
      })),
    }),
  );
  doc.setIn(
    ["config", "cnai-platform:serving", "models"],
    doc.createNode(
      names.map((team) => ({
        name: `${team}-chat`,
        team,
        pool: "l4-dev",
        storage: "gcs",
        path: `${team}/chat/v1`,
        maxReplicas: 2,
      })),
    ),
  );
  // Settings that name teams follow the new ones: each team reaches its own model through the
  // gateway; the first team has the Ray cluster and runs the example preparation job.
  doc.setIn(
    ["config", "cnai-platform:gateway", "access"],
    doc.createNode(names.map((team) => ({ team, members: [`group:${team}@acme.example`] }))),
  );
  doc.setIn(["config", "cnai-platform:ray", "clusters"], doc.createNode([{ team: names[0] }]));
  doc.setIn(["config", "cnai-platform:ray", "exampleJob", "team"], names[0]);
  fs.mkdirSync(path.join(dir, "stacks"), { recursive: true });
  fs.mkdirSync(path.join(dir, "policies", "config", stack), { recursive: true });
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    `name: cnai-platform\nruntime: nodejs\nmain: ${path.join(root, "stacks", "index.ts")}\nstackConfigDir: stacks\n`,
  );
  fs.writeFileSync(path.join(dir, "stacks", `Pulumi.${stack}.yaml`), doc.toString());
  for (const file of fs.readdirSync(path.join(root, "policies", "config", "dev"))) {
    const policy = fs
      .readFileSync(path.join(root, "policies", "config", "dev", file), "utf8")
      .split("urn:pulumi:dev::")
      .join(`urn:pulumi:${stack}::`);
    fs.writeFileSync(path.join(dir, "policies", "config", stack, file), policy);
  }
  return { stack };
}
