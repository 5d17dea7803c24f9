import * as assert from "node:assert";
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { isUserError, ProgramError, runStack } from "../../scripts/lib/engine";
import { engineUrn } from "../../scripts/lib/recording-monitor";
import { SECRET, UNKNOWN } from "../../scripts/lib/wire-values";
import { ConfigError } from "../../stacks/config/errors";
import { resolveConfig } from "../../stacks/config/load";
import { input, one, ROOT, run } from "../helpers/run";
import { stackRun } from "../helpers/stacks";

describe("offline engine", () => {
  describe("recording", () => {
    it("records every option the SDK sends: protect, retainOnDelete, deleteBeforeReplace, ignoreChanges, dependsOn, aliases, additional secret outputs, replaceOnChanges, replaceWith, customTimeouts, provider, parent", async () => {
      const result = await run(() => {
        const parent = new pulumi.ComponentResource("cnai:test:Parent", "parent");
        const first = new gcp.serviceaccount.Account("first", { accountId: "first-sa" }, { parent });
        const provider = new gcp.Provider("other", { project: "acme-other" });
        new gcp.serviceaccount.Account(
          "second",
          { accountId: "second-sa", description: first.email },
          {
            parent,
            provider,
            protect: true,
            retainOnDelete: true,
            deleteBeforeReplace: true,
            ignoreChanges: ["displayName"],
            dependsOn: [first],
            aliases: [{ name: "old-second" }],
            additionalSecretOutputs: ["email"],
            replaceOnChanges: ["accountId"],
            replaceWith: [first],
            customTimeouts: { create: "45m", update: "30m" },
          },
        );
      });
      const second = one(result, "gcp:serviceaccount/account:Account", "second");
      const first = one(result, "gcp:serviceaccount/account:Account", "first");
      const providerUrn = one(result, "pulumi:providers:gcp", "other").urn;
      assert.strictEqual(second.parent, one(result, "cnai:test:Parent").urn);
      assert.match(String(second.provider), new RegExp(`^${providerUrn.replace(/[$]/g, "\\$")}::[0-9a-f-]{36}$`));
      assert.strictEqual(first.provider, null, "default provider");
      assert.deepStrictEqual(
        { ...second.options, aliases: undefined },
        {
          protect: true,
          retainOnDelete: true,
          deleteBeforeReplace: true,
          ignoreChanges: ["displayName"],
          dependsOn: [],
          aliases: undefined,
          additionalSecretOutputs: ["email"],
          replaceOnChanges: ["accountId"],
          deletedWith: null,
          replaceWith: [first.urn],
          customTimeouts: { create: "45m", update: "30m" },
        },
      );
      assert.strictEqual(first.options.customTimeouts, null, "no customTimeouts: the provider's defaults");
      assert.ok(
        JSON.stringify(second.options.aliases).includes('"name":"old-second"'),
        JSON.stringify(second.options.aliases),
      );
      // first is both an input dependency and an explicit one; the plan lists inputs' sources separately.
      assert.deepStrictEqual(second.propertyDependencies.description, [first.urn]);
      assert.strictEqual(input(second, "description"), "first-sa@acme-test.iam.gserviceaccount.com");
    });

    it("lists explicit dependsOn that no input carries", async () => {
      const result = await run(() => {
        const a = new gcp.serviceaccount.Account("a", { accountId: "a-account" });
        new gcp.serviceaccount.Account("b", { accountId: "b-account" }, { dependsOn: [a] });
      });
      assert.deepStrictEqual(one(result, "gcp:serviceaccount/account:Account", "b").options.dependsOn, [
        one(result, "gcp:serviceaccount/account:Account", "a").urn,
      ]);
    });

    it("forms URNs as the engine does: parent type chain, without the root stack type", () => {
      const stackUrn = "urn:pulumi:dev::cnai-platform::pulumi:pulumi:Stack::cnai-platform-dev";
      assert.strictEqual(
        engineUrn("dev", "cnai-platform", stackUrn, "cnai:x:A", "a"),
        "urn:pulumi:dev::cnai-platform::cnai:x:A::a",
      );
      assert.strictEqual(
        engineUrn("dev", "cnai-platform", "urn:pulumi:dev::cnai-platform::cnai:x:A::a", "gcp:y:B", "b"),
        "urn:pulumi:dev::cnai-platform::cnai:x:A$gcp:y:B::b",
      );
    });

    it("writes secrets as [secret] in inputs and outputs", async () => {
      const result = await run(() => {
        const sa = new gcp.serviceaccount.Account("sa", {
          accountId: "sa-account",
          description: pulumi.secret("hush"),
        });
        return { secret: pulumi.secret("s3cr3t"), derived: sa.description, plain: "visible" };
      });
      assert.strictEqual(input(one(result, "gcp:serviceaccount/account:Account"), "description"), SECRET);
      assert.deepStrictEqual(result.outputs, { secret: SECRET, derived: SECRET, plain: "visible" });
      assert.ok(!JSON.stringify(result).includes("s3cr3t") && !JSON.stringify(result).includes("hush"));
    });
  });

  describe("modes", () => {
    const program = () => {
      const sa = new gcp.serviceaccount.Account("sa", { accountId: "runner" });
      const net = new gcp.compute.Network("net", { name: "vpc", autoCreateSubnetworks: false });
      new gcp.compute.Subnetwork("subnet", {
        name: "sub",
        network: net.id,
        ipCidrRange: "10.0.0.0/20",
        region: "us-central1",
      });
      return { email: sa.email, accountId: sa.accountId, networkLink: net.selfLink };
    };

    it("update mode synthesises provider-computed outputs per type", async () => {
      const result = await run(program);
      assert.deepStrictEqual(result.outputs, {
        email: "runner@acme-test.iam.gserviceaccount.com",
        accountId: "runner",
        networkLink: "https://www.googleapis.com/compute/v1/projects/acme-test/global/networks/vpc",
      });
      assert.strictEqual(
        input(one(result, "gcp:compute/subnetwork:Subnetwork"), "network"),
        "projects/acme-test/global/networks/vpc",
      );
    });

    it("preview leaves provider-computed outputs unknown, as a first pulumi preview does", async () => {
      const result = await run(program, { preview: true });
      assert.deepStrictEqual(result.outputs, { email: UNKNOWN, accountId: "runner", networkLink: UNKNOWN });
      assert.strictEqual(input(one(result, "gcp:compute/subnetwork:Subnetwork"), "network"), UNKNOWN);
    });

    it("gives providers ids in previews, so their resources have a provider reference", async () => {
      const result = await run(
        () => {
          const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
          new k8s.core.v1.Namespace("ns", { metadata: { name: "team-a" } }, { provider });
        },
        { preview: true },
      );
      assert.match(
        String(one(result, "kubernetes:core/v1:Namespace").provider),
        /::pulumi:providers:kubernetes::k8s::[0-9a-f]{8}-/,
      );
    });
  });

  describe("errors", () => {
    it("stops on a component's ResourceError with its message, as a user error", async () => {
      await assert.rejects(
        run(() => {
          const c = new pulumi.ComponentResource("cnai:test:C", "c");
          throw new pulumi.ResourceError('C "c": size: got 3; allowed: 1 or 2', c);
        }),
        (error: ProgramError) =>
          error instanceof ProgramError && isUserError(error.cause) && /size: got 3/.test(error.message),
      );
    });

    it("surfaces errors raised inside apply callbacks", async () => {
      await assert.rejects(
        run(() => {
          const sa = new gcp.serviceaccount.Account("sa", { accountId: "runner" });
          sa.email.apply(() => {
            throw new Error("boom in apply");
          });
        }),
        /boom in apply/,
      );
    });

    it("refuses a second resource of the same type and name (the same URN), as the engine does, keeping the first", async () => {
      await assert.rejects(
        run(() => {
          new gcp.serviceaccount.Account("twice", { accountId: "first-sa" });
          new gcp.serviceaccount.Account("twice", { accountId: "second-sa" });
        }),
        (error: ProgramError) => {
          assert.ok(error instanceof ProgramError, "expected the program to fail");
          const urn = "urn:pulumi:test::cnai-platform::gcp:serviceaccount/account:Account::twice";
          // The SDK prefixes the monitor's error with the registration that failed.
          assert.ok(
            error.message.endsWith(`: Duplicate resource URN '${urn}'; try giving it a unique name`),
            error.message,
          );
          assert.match(
            error.message,
            /^failed to register new resource twice \[gcp:serviceaccount\/account:Account\]: /,
          );
          const recorded = error.resources.filter((r) => r.urn === urn);
          assert.strictEqual(recorded.length, 1, "the second registration is not recorded");
          assert.strictEqual(input(recorded[0], "accountId"), "first-sa");
          return true;
        },
      );
    });

    it("allows the same name under different parents or of different types (different URNs)", async () => {
      const result = await run(() => {
        const a = new pulumi.ComponentResource("cnai:test:A", "a");
        const b = new pulumi.ComponentResource("cnai:test:B", "b");
        new gcp.serviceaccount.Account("same", { accountId: "in-a" }, { parent: a });
        new gcp.serviceaccount.Account("same", { accountId: "in-b" }, { parent: b });
        new gcp.storage.Bucket("same", { location: "US" });
      });
      assert.strictEqual(result.resources.filter((r) => r.name === "same").length, 3);
    });

    it("does not hang on a program that never finishes", async () => {
      await assert.rejects(
        runStack({ root: ROOT, stack: "dev", program: () => new Promise(() => undefined), timeoutMs: 300 }),
        /did not finish within 0\.3s/,
      );
    });

    it("registers nothing on a config error: the preflight stops before the program", async () => {
      let ran = false;
      await assert.rejects(
        runStack({
          root: ROOT,
          stack: "dev",
          preflight: (config) =>
            void resolveConfig({
              stack: "dev",
              file: config.file,
              values: { ...config.values, "cnai-platform:team": "Bad Team" },
            }),
          program: () => {
            ran = true;
          },
        }),
        (error: unknown) => ConfigError.isConfigError(error),
      );
      assert.strictEqual(ran, false);
    });

    it("registers nothing but the root stack when the program itself finds a config error", async () => {
      const values = {
        "gcp:project": "acme-ml-dev",
        "gcp:region": "us-central1",
        "cnai-platform:team": "ml",
        "cnai-platform:costCenter": "cc",
        "cnai-platform:gpuPools": '[{"name":"x"}]',
      };
      await assert.rejects(
        run(() => require("../../stacks/platform").buildPlatform(require("../../stacks/config/load").loadConfig()), {
          stack: "dev",
          config: values,
        }),
        (error: ProgramError) => {
          assert.ok(ConfigError.isConfigError(error.cause));
          assert.deepStrictEqual(
            error.resources.map((r) => r.type),
            ["pulumi:pulumi:Stack"],
          );
          return true;
        },
      );
    });
  });

  describe("the SDK's stacks", () => {
    it("its promise wrapper keeps each promise's context and leak tracking but formats no stack offline", async () => {
      await run(() => new gcp.storage.Bucket("b", { location: "US" }));
      const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
        debuggablePromise<T>(p: Promise<T>, ctx: string): Promise<T>;
      };
      let release!: () => void;
      const pending = new Promise<void>((resolve) => (release = resolve));
      const wrapped = debuggable.debuggablePromise(pending, "a test promise");
      const fields = pending as unknown as { _debugCtx: string; _debugStackTrace: string };
      assert.strictEqual(fields._debugCtx, "a test promise");
      assert.strictEqual(fields._debugStackTrace, "Error", "no frames were captured or formatted");
      assert.ok(Error.stackTraceLimit > 0, "the stack limit is restored for everything else");
      assert.ok(new Error("x").stack!.split("\n").length > 1);
      const store = (
        require("@pulumi/pulumi/runtime/state") as { getStore(): { leakCandidates: Set<Promise<unknown>> } }
      ).getStore();
      assert.ok(store.leakCandidates.has(pending), "a pending promise is a leak candidate");
      release();
      await wrapped;
      assert.ok(!store.leakCandidates.has(pending), "and no longer once settled");
    });
  });

  describe("isolation", () => {
    it("plans the real program many times in one process with the same result", async () => {
      const first = await stackRun("dev");
      const second = await runStack({ root: ROOT, stack: "dev" });
      assert.ok(first.resources.length > 10);
      assert.deepStrictEqual(second.resources, first.resources);
      assert.deepStrictEqual(second.outputs, first.outputs);
    });

    it("runs different stacks concurrently without mixing them", async () => {
      const [dev, prod] = await Promise.all([
        runStack({ root: ROOT, stack: "dev" }),
        runStack({ root: ROOT, stack: "prod" }),
      ]);
      assert.ok(dev.resources.every((r) => r.urn.startsWith("urn:pulumi:dev::")));
      assert.ok(prod.resources.every((r) => r.urn.startsWith("urn:pulumi:prod::")));
      const alone = await stackRun("prod");
      assert.strictEqual(prod.resources.length, alone.resources.length);
    });
  });
});
