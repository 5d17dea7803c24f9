import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { setAllConfig } from "@pulumi/pulumi/runtime/config";
import { setMockOptions } from "@pulumi/pulumi/runtime/settings";
import { runInPulumiStack } from "@pulumi/pulumi/runtime/stack";
import { offlineRefusal } from "./monitor-features";
import { type ProjectFile, readProjectFile, readStackConfigFile, type StackConfigFile } from "./project-files";
import { type RecordedResource, RecordingMonitor } from "./recording-monitor";
import {
  checkSdkSeam,
  keepStructObjects,
  skipPromiseStacks,
  skipSourcePositions,
  waitForRPCs,
  withLocalStorage,
} from "./sdk-seam";
import { type PlainValue, plainObject } from "./wire-values";

/**
 * The offline engine: runs the real program for a named stack without the Pulumi CLI, a backend
 * or a cloud account. Config is read from the stack file as the CLI would; Pulumi's mock monitor,
 * extended to behave like the engine, answers every registration; the result is every resource
 * with its inputs and options, and the stack outputs. Runs are isolated from each other (each has
 * its own runtime store), so one process can plan any stack many times.
 */
export interface RunOptions {
  /** The project root (where Pulumi.yaml is). */
  readonly root: string;
  readonly stack: string;
  /** Leave provider-computed outputs unknown, as in a first `pulumi preview`. @default false */
  readonly preview?: boolean;
  /** Checks the stack's config before the program runs; throw to stop with nothing registered. */
  readonly preflight?: (config: StackConfigFile, project: ProjectFile) => void;
  /** Override the program (default: the project's `main`, required afresh). */
  readonly program?: () => unknown;
  /** Fail if the program has not finished after this many milliseconds. @default 120000 */
  readonly timeoutMs?: number;
  /** See ProgramOptions.isolated. @default true */
  readonly isolated?: boolean;
}

export interface RunResult {
  readonly project: string;
  readonly stack: string;
  readonly preview: boolean;
  readonly configFile: string;
  readonly resources: RecordedResource[];
  readonly outputs: Record<string, PlainValue>;
  /** Provider functions the program called. */
  readonly invokes: string[];
}

/** The program failed: a config error, a component's validation error, or a bug. */
export class ProgramError extends Error {
  constructor(
    message: string,
    readonly cause: unknown,
    readonly resources: RecordedResource[],
  ) {
    super(message);
    this.name = "ProgramError";
  }
}

/** Runs the project's program for a stack from its files (Pulumi.yaml and the stack file). */
export async function runStack(options: RunOptions): Promise<RunResult> {
  const project = readProjectFile(options.root);
  const config = readStackConfigFile(project, options.stack);
  options.preflight?.(config, project);
  return runProgram({
    project: project.name,
    stack: options.stack,
    config: config.values,
    secretKeys: config.secretKeys,
    configFile: config.file,
    preview: options.preview,
    program: options.program ?? (() => loadProgram(project.main)),
    timeoutMs: options.timeoutMs,
    isolated: options.isolated,
  });
}

export interface ProgramOptions {
  readonly project: string;
  readonly stack: string;
  /** Config values by full key, as text (objects as JSON). */
  readonly config?: Readonly<Record<string, string>>;
  readonly secretKeys?: readonly string[];
  readonly configFile?: string;
  readonly preview?: boolean;
  /** The program: creates resources, returns the stack outputs. */
  readonly program: () => unknown;
  readonly timeoutMs?: number;
  /**
   * Run in a runtime store of its own, so that one process can run programs one after another
   * (the tests). A process that runs one program (`plan`) passes false: Pulumi's store is then the
   * global one, and Node's async hooks, which an isolated store turns on for every promise, stay off.
   * @default true
   */
  readonly isolated?: boolean;
}

/** Runs any program under the recording monitor, in a runtime store of its own unless told otherwise. */
export async function runProgram(options: ProgramOptions): Promise<RunResult> {
  const preview = options.preview ?? false;
  const config = options.config ?? {};
  const timeoutMs = options.timeoutMs ?? 120_000;
  checkSdkSeam();
  skipSourcePositions(pulumi.Resource);
  skipPromiseStacks();
  keepStructObjects();
  const inStore = options.isolated === false ? <T>(run: () => Promise<T>) => run() : withLocalStorage;
  return inStore(async () => {
    const monitor = new RecordingMonitor({
      project: options.project,
      stack: options.stack,
      preview,
      gcpProject: config["gcp:project"] ?? "",
      gcpRegion: config["gcp:region"] ?? "",
    });
    setMockOptions(monitor, options.project, options.stack, preview);
    setAllConfig({ ...config }, [...(options.secretKeys ?? [])]);

    const failures: unknown[] = [];
    const onFailure = (error: unknown) => failures.push(error);
    process.on("unhandledRejection", onFailure);
    process.on("uncaughtException", onFailure);
    try {
      await withTimeout(
        runInPulumiStack(async () => options.program()),
        timeoutMs,
        options.stack,
      );
    } catch (error) {
      failures.push(error);
    } finally {
      await withTimeout(waitForRPCs(), timeoutMs, options.stack).catch((error) => failures.push(error));
      // Rejections of apply callbacks are reported on a later turn of the event loop.
      await new Promise((resolve) => setImmediate(resolve));
      process.off("unhandledRejection", onFailure);
      process.off("uncaughtException", onFailure);
    }
    if (failures.length > 0) {
      const first = failures[0];
      const refusal = offlineRefusal(errorMessage(first));
      if (refusal)
        throw new ProgramError(
          `offline plan: ${refusal}`,
          new UnsupportedOffline(`offline plan: ${refusal}`),
          monitor.records,
        );
      throw new ProgramError(errorMessage(first), first, monitor.records);
    }
    const stackUrn = monitor.records.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "";
    return {
      project: options.project,
      stack: options.stack,
      preview,
      configFile: options.configFile ?? "",
      resources: monitor.records,
      outputs: plainObject(monitor.registeredOutputs.get(stackUrn) ?? {}),
      invokes: monitor.invokes,
    };
  });
}

/** The program uses an engine feature the offline plan does not have (monitor-features.ts): a user error, told without a stack. */
export class UnsupportedOffline extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsupportedOffline";
  }
}

/** Requires the program afresh (its module only, not its libraries) and runs its export. */
function loadProgram(main: string): unknown {
  const entry = require.resolve(main.endsWith(".ts") || main.endsWith(".js") ? main : path.join(main, "index"));
  delete require.cache[entry];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  let exported = require(entry);
  if (exported && typeof exported === "object" && "default" in exported && Object.keys(exported).length === 1) {
    exported = exported.default;
  }
  return typeof exported === "function" ? exported() : exported;
}

function withTimeout<T>(promise: Promise<T>, ms: number, stack: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the program for stack "${stack}" did not finish within ${ms / 1000}s`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The message a user should see: RunErrors and ResourceErrors without their stacks. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || String(error);
  return String(error);
}

export function isUserError(error: unknown): boolean {
  return (
    error instanceof UnsupportedOffline ||
    (error instanceof Error && (pulumi.RunError.isInstance(error) || pulumi.ResourceError.isInstance(error)))
  );
}
