import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "./run";

/**
 * A project folder that runs this repository's program with stack files of its own (`--root` of
 * plan, policy and new-stack): its Pulumi.yaml, and each stack file given by name and text.
 */
export function writeProject(root: string, stacks: Record<string, string> = {}): void {
  fs.mkdirSync(path.join(root, "stacks"), { recursive: true });
  fs.writeFileSync(
    path.join(root, "Pulumi.yaml"),
    `name: cnai-platform\nruntime: nodejs\nmain: ${path.join(ROOT, "stacks", "index.ts")}\nstackConfigDir: stacks\n`,
  );
  for (const [stack, text] of Object.entries(stacks))
    fs.writeFileSync(path.join(root, "stacks", `Pulumi.${stack}.yaml`), text);
}

/** A shipped stack's file with its first pool's autoscaling.max at 0, which the schema refuses. */
export const badDevStack = (): string =>
  fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.dev.yaml"), "utf8").replace("max: 2", "max: 0");
