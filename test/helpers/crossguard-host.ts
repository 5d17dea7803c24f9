import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import type { AnalyzerResource } from "../../scripts/lib/crossguard/analyzer-resource";
import type {
  AnalyzerInfo,
  AnalyzerPolicyConfig,
  ConfigureEntry,
  EnforcementLevel,
} from "../../scripts/lib/crossguard/config";
import type { Diagnostic } from "../../scripts/lib/crossguard/policy-server";

/**
 * A policy pack served by the real CrossGuard host, started as the Pulumi CLI starts a Node.js pack,
 * and a gRPC client that speaks to it as the CLI does. Never in this process: the host is a child.
 *
 * How the CLI starts it (pulumi/pulumi snapshot 1b5949891b): pkg/resource/plugin/analyzer_plugin.go
 * NewPolicyAnalyzer asks the nodejs language host to RunPlugin the pack folder;
 * sdk/nodejs/cmd/pulumi-language-nodejs/main.go RunPlugin locates `@pulumi/pulumi/cmd/run-policy-pack`
 * from the pack folder (node's resolution) and runs `node <run-policy-pack> <engine address> <pack
 * dir>` with the pack folder as working directory. run-policy-pack (index.js, run.js) drops the
 * engine address (`argv._.shift()`), registers ts-node with `typeCheck: true` and the pack's
 * tsconfig.json compiler options, and requires the folder; the pack's `new PolicyPack` reads
 * package.json's version from the working directory and serves the Analyzer service on a port it
 * prints on stdout (@pulumi/policy server.ts serve). The address is not used: the SDK reaches the
 * engine only through PULUMI_NODEJS_ENGINE, which RunPlugin does not set for a pack, so no engine
 * server is needed. The language host also puts the stack's name and config into the environment
 * (PULUMI_NODEJS_STACK, PULUMI_CONFIG, ...) after ConfigureStack; the policy server reads none of
 * them, so one started pack serves every stack here.
 *
 * The CLI then calls Handshake (the Node.js server does not implement it: UNIMPLEMENTED, which the
 * CLI accepts), ConfigureStack, GetAnalyzerInfo, Configure, and Analyze for each resource and
 * AnalyzeStack at the end. Configure replaces the server's whole config and ConfigureStack its tags
 * (server.ts `policyPackConfig = config`, `stackTags = ...`), so a started pack can be reconfigured
 * for another stack as a fresh one would be.
 */
const PULUMI_DIR = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
// The gRPC and protobuf modules the SDK's stubs use (the same classes the messages are built from).
const fromSdk = (id: string) => require(require.resolve(id, { paths: [PULUMI_DIR] }));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const grpc = fromSdk("@grpc/grpc-js");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pb = require("@pulumi/pulumi/proto/analyzer_pb");
const { Struct } = fromSdk("google-protobuf/google/protobuf/struct_pb");
const { Empty } = fromSdk("google-protobuf/google/protobuf/empty_pb");

/** Not used by the host (see above); a well-formed address nobody listens on. */
export const ENGINE_ADDRESS = "127.0.0.1:1";

const LEVELS: Record<number, EnforcementLevel> = {
  [pb.EnforcementLevel.ADVISORY]: "advisory",
  [pb.EnforcementLevel.MANDATORY]: "mandatory",
  [pb.EnforcementLevel.REMEDIATE]: "remediate",
  [pb.EnforcementLevel.DISABLED]: "disabled",
};
const LEVEL_CODES: Record<EnforcementLevel, number> = {
  advisory: pb.EnforcementLevel.ADVISORY,
  mandatory: pb.EnforcementLevel.MANDATORY,
  remediate: pb.EnforcementLevel.REMEDIATE,
  disabled: pb.EnforcementLevel.DISABLED,
};

export interface StackContext {
  readonly project: string;
  readonly stack: string;
  readonly dryRun: boolean;
}

export interface PackHost {
  readonly dir: string;
  readonly process: ChildProcess;
  /** From spawn to the port on stdout (ts-node's type-check included), in milliseconds. */
  readonly startupMs: number;
  /** Handshake's outcome: the gRPC status code (12, UNIMPLEMENTED, for the Node.js server). */
  readonly handshakeCode: number;
  readonly info: AnalyzerInfo;
  configureStack(context: StackContext): Promise<void>;
  configure(config: ReadonlyMap<string, ConfigureEntry>): Promise<void>;
  analyze(resource: AnalyzerResource): Promise<Diagnostic[]>;
  analyzeStack(resources: readonly AnalyzerResource[]): Promise<Diagnostic[]>;
  close(): void;
}

/** The host failed to start: its exit code and what it printed (a TSError, a missing module...). */
export class HostStartError extends Error {
  constructor(
    message: string,
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(message);
    this.name = "HostStartError";
  }
}

const started = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of started) child.kill();
});

/** Environment variables that would change how ts-node compiles the pack (the CLI's user would not have them set for Pulumi). */
const TS_NODE_ENV = /^TS_NODE_|^NODE_OPTIONS$/;

/** Starts a pack under the host, as the CLI does; rejects with a HostStartError when it does not serve. */
export async function startPackHost(dir: string, timeoutMs = 120_000): Promise<PackHost> {
  const packDir = path.resolve(dir);
  const runPolicyPack = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !TS_NODE_ENV.test(key)));
  const begun = Date.now();
  const child = spawn(process.execPath, [runPolicyPack, ENGINE_ADDRESS, packDir], {
    cwd: packDir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.add(child);
  child.on("exit", () => started.delete(child));
  const port = await new Promise<number>((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill();
      reject(new HostStartError(`${dir}: no port within ${timeoutMs / 1000}s\n${stderr}`, null, stderr));
    }, timeoutMs);
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = /^(\d+)\r?\n/.exec(stdout);
      if (line) {
        clearTimeout(timer);
        resolve(Number(line[1]));
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(
        new HostStartError(
          `${dir}: the policy pack exited with code ${code} before serving\n${stderr}${stdout}`,
          code,
          `${stderr}${stdout}`,
        ),
      );
    });
  });
  const startupMs = Date.now() - begun;
  // The pack lives as long as this process and must not keep it alive (a serial mocha run exits
  // when its work is done; "exit" above kills the pack).
  child.unref();
  for (const stream of [child.stdout, child.stderr]) (stream as unknown as { unref?: () => void }).unref?.();
  const client = new rpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": 1024 * 1024 * 400,
    "grpc.max_send_message_length": 1024 * 1024 * 400,
  });
  const call = <T>(method: string, request: unknown): Promise<T> =>
    new Promise((resolve, reject) =>
      client[method](request, (error: Error | null, response: T) => (error ? reject(error) : resolve(response))),
    );

  const handshake = new pb.AnalyzerHandshakeRequest();
  handshake.setEngineAddress(ENGINE_ADDRESS);
  handshake.setRootDirectory(packDir);
  handshake.setProgramDirectory(packDir);
  const handshakeCode = await call("handshake", handshake).then(
    () => 0,
    (error: { code?: number }) => error.code ?? -1,
  );
  const info = analyzerInfoFrom(await call("getAnalyzerInfo", new Empty()));

  return {
    dir: packDir,
    process: child,
    startupMs,
    handshakeCode,
    info,
    async configureStack(context) {
      const request = new pb.AnalyzerStackConfigureRequest();
      request.setStack(context.stack);
      request.setProject(context.project);
      request.setOrganization("");
      request.setDryRun(context.dryRun);
      await call("configureStack", request);
    },
    async configure(config) {
      const request = new pb.ConfigureAnalyzerRequest();
      const map = request.getPolicyconfigMap();
      for (const [name, entry] of config) {
        const policyConfig = new pb.PolicyConfig();
        policyConfig.setEnforcementlevel(LEVEL_CODES[entry.enforcementLevel]);
        policyConfig.setProperties(Struct.fromJavaScript(entry.properties));
        map.set(name, policyConfig);
      }
      await call("configure", request);
    },
    async analyze(resource) {
      return diagnosticsFrom(await call("analyze", withResourceFields(new pb.AnalyzeRequest(), resource)));
    },
    async analyzeStack(resources) {
      const request = new pb.AnalyzeStackRequest();
      request.setResourcesList(resources.map(resourceMessage));
      return diagnosticsFrom(await call("analyzeStack", request));
    },
    close() {
      client.close();
      child.kill();
    },
  };
}

/** CPU seconds a started pack has used so far (Linux /proc; undefined elsewhere). */
export function hostCpuSeconds(host: PackHost): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${host.process.pid}/stat`, "utf8").split(") ")[1].split(" ");
    // utime and stime, fields 14 and 15 of proc(5), in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

const hosts = new Map<string, Promise<PackHost>>();

/** A pack's host, started once per test process and shared by every spec that asks for it. */
export function packHost(dir: string): Promise<PackHost> {
  const key = path.resolve(dir);
  if (!hosts.has(key)) hosts.set(key, startPackHost(key));
  return hosts.get(key)!;
}

/** GetAnalyzerInfo as pkg/resource/plugin/analyzer_plugin.go reads it. */
function analyzerInfoFrom(message: analyzer.AnalyzerInfo): AnalyzerInfo {
  const initialConfig = new Map<string, AnalyzerPolicyConfig>();
  message.getInitialconfigMap().forEach((config, name) => {
    initialConfig.set(name, {
      enforcementLevel: LEVELS[config.getEnforcementlevel()] ?? "",
      properties: config.getProperties()?.toJavaScript() ?? null,
    });
  });
  return {
    name: message.getName(),
    version: message.getVersion(),
    supportsConfig: message.getSupportsconfig(),
    policies: message.getPoliciesList().map((policy) => ({
      name: policy.getName(),
      enforcementLevel: LEVELS[policy.getEnforcementlevel()],
      ...(policy.hasConfigschema()
        ? {
            configSchema: {
              properties: (policy.getConfigschema()?.getProperties()?.toJavaScript() ?? {}) as Record<
                string,
                Record<string, unknown>
              >,
              required: policy.getConfigschema()?.getRequiredList() ?? [],
            },
          }
        : {}),
    })),
    ...(initialConfig.size ? { initialConfig } : {}),
  };
}

/** analyzer_plugin.go marshalResourceOptions. */
function optionsMessage(resource: AnalyzerResource): analyzer.AnalyzerResourceOptions {
  const o = resource.options;
  const options = new pb.AnalyzerResourceOptions();
  options.setProtect(o.protect);
  options.setIgnorechangesList([...o.ignoreChanges]);
  options.setDeletebeforereplace(o.deleteBeforeReplace ?? false);
  options.setDeletebeforereplacedefined(o.deleteBeforeReplace !== undefined);
  options.setAdditionalsecretoutputsList([...o.additionalSecretOutputs]);
  options.setAliasesList([...o.aliases]);
  const timeouts = new pb.AnalyzerResourceOptions.CustomTimeouts();
  timeouts.setCreate(o.customTimeouts.create);
  timeouts.setUpdate(o.customTimeouts.update);
  timeouts.setDelete(o.customTimeouts.delete);
  timeouts.setRead(o.customTimeouts.read);
  options.setCustomtimeouts(timeouts);
  options.setParent(o.parent);
  return options;
}

/** analyzer_plugin.go marshalProvider. */
function providerMessage(resource: AnalyzerResource): analyzer.AnalyzerProviderResource {
  const provider = new pb.AnalyzerProviderResource();
  provider.setUrn(resource.provider!.urn);
  provider.setType(resource.provider!.type);
  provider.setName(resource.provider!.name);
  provider.setProperties(Struct.fromJavaScript(resource.provider!.properties));
  return provider;
}

/** The fields an AnalyzeRequest and an AnalyzerResource share (analyzer_plugin.go Analyze, AnalyzeStack). */
function withResourceFields<T extends analyzer.AnalyzeRequest | analyzer.AnalyzerResource>(
  message: T,
  resource: AnalyzerResource,
): T {
  message.setUrn(resource.urn);
  message.setType(resource.type);
  message.setName(resource.name);
  message.setProperties(Struct.fromJavaScript(resource.properties));
  message.setOptions(optionsMessage(resource));
  if (resource.provider) message.setProvider(providerMessage(resource));
  return message;
}

/** analyzer_plugin.go AnalyzeStack's pulumirpc.AnalyzerResource. */
function resourceMessage(resource: AnalyzerResource): analyzer.AnalyzerResource {
  const message = withResourceFields(new pb.AnalyzerResource(), resource);
  message.setParent(resource.parent);
  message.setDependenciesList([...resource.dependencies]);
  const deps = message.getPropertydependenciesMap();
  for (const [key, urns] of Object.entries(resource.propertyDependencies)) {
    const list = new pb.AnalyzerPropertyDependencies();
    list.setUrnsList([...urns]);
    deps.set(key, list);
  }
  return message;
}

function diagnosticsFrom(response: analyzer.AnalyzeResponse): Diagnostic[] {
  return response.getDiagnosticsList().map((d) => ({
    policyName: d.getPolicyname(),
    policyPackName: d.getPolicypackname(),
    policyPackVersion: d.getPolicypackversion(),
    description: d.getDescription(),
    message: d.getMessage(),
    enforcementLevel: LEVELS[d.getEnforcementlevel()],
    ...(d.getUrn() ? { urn: d.getUrn() } : {}),
  }));
}
