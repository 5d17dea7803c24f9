import { type RunResult, runStack } from "../../scripts/lib/engine";
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
