import { type RunResult, runStack } from "../../scripts/lib/engine";
import { listStacks, readProjectFile } from "../../scripts/lib/project-files";
import { resolveConfig } from "../../stacks/config/load";
import { ROOT } from "./run";

const cache = new Map<string, Promise<RunResult>>();

/**
 * The real program's run for a shipped stack, as `plan` does it (config checked first), computed
 * once per test process and shared by every spec that reads it.
 */
export function stackRun(stack: string, preview = false): Promise<RunResult> {
  const key = `${stack}:${preview}`;
  if (!cache.has(key)) {
    cache.set(
      key,
      runStack({
        root: ROOT,
        stack,
        preview,
        preflight: (config) => void resolveConfig({ stack, file: config.file, values: config.values }),
      }),
    );
  }
  return cache.get(key)!;
}

/**
 * Every stack of this checkout, discovered from stacks/Pulumi.<stack>.yaml (never a fixed list): the
 * shipped dev, staging and prod, and any fork made with `npm run new-stack`, which the stack specs
 * then check like the shipped ones.
 */
export const STACKS: readonly string[] = listStacks(readProjectFile(ROOT));
