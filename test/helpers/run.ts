import * as assert from "node:assert";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { StackLabels } from "../../components/labels";
import { type RunResult, runProgram } from "../../scripts/lib/engine";
import type { RecordedResource } from "../../scripts/lib/recording-monitor";

export const ROOT = path.resolve(__dirname, "..", "..");

export const STACK_LABELS: StackLabels = { env: "test", team: "ml-platform", costCenter: "cc-1" };

/** The governance labels a component's Kubernetes objects carry under STACK_LABELS, written out (a team's own objects carry its name). */
export function kubernetesLabels(component: string, team = "ml-platform"): Record<string, string> {
  return {
    "app.kubernetes.io/managed-by": "pulumi",
    "app.kubernetes.io/part-of": "cnai-platform",
    "cnai.dev/env": "test",
    "cnai.dev/team": team,
    "cnai.dev/cost-center": "cc-1",
    "cnai.dev/component": component,
  };
}

/** Runs a program (a few components) under the offline engine. */
export function run(
  program: () => unknown,
  options: { preview?: boolean; stack?: string; config?: Record<string, string> } = {},
): Promise<RunResult> {
  return runProgram({
    project: "cnai-platform",
    stack: options.stack ?? "test",
    preview: options.preview,
    config: { "gcp:project": "acme-test", "gcp:region": "us-central1", ...options.config },
    // A component returned by a test is not a stack output.
    program: () => {
      const result = program();
      return pulumi.Resource.isInstance(result) ? undefined : result;
    },
  });
}

/** The one resource of a type (and name), failing the test if there is not exactly one. */
export function one(result: RunResult, type: string, name?: string): RecordedResource {
  const found = all(result, type).filter((r) => name === undefined || r.name === name);
  assert.strictEqual(
    found.length,
    1,
    `expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length} (of that type: ${
      all(result, type)
        .map((r) => r.name)
        .join(", ") || "none"
    })`,
  );
  return found[0];
}

export function all(result: RunResult, type: string): RecordedResource[] {
  return result.resources.filter((r) => r.type === type);
}

/** A nested input by dotted path (`nodeConfig.guestAccelerators.0.count`). */
export function input(resource: RecordedResource, dotted: string): unknown {
  return dotted
    .split(".")
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], resource.inputs);
}

/** Captures what a function writes to stdout and stderr. */
export async function captureOutput<T>(fn: () => Promise<T>): Promise<{ result: T; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    const result = await fn();
    return { result, stdout: out.join(""), stderr: err.join("") };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
  }
}
