import * as assert from "node:assert";
import { forkAdvice, renderForkAdvice } from "../../scripts/lib/fork-fixes";
import type { Plan, PolicyViolation } from "../../scripts/lib/plan-document";
import type { PackConfig } from "../../scripts/lib/policy-engine";

const violation = (policy: string, pack: string, message: string, urn: string | null = null): PolicyViolation => ({
  pack,
  policy,
  enforcementLevel: "mandatory",
  urn,
  message,
});

const planWith = (violations: PolicyViolation[], gpus: number, co2e: number): Plan => ({
  project: "cnai-platform",
  stack: "team-x",
  resources: [],
  outputs: {},
  policy: { packs: ["cnai-governance", "cnai-sustainability"], violations },
  estimate: {
    gpus: { idle: 0, max: gpus },
    energyKwhPerMonth: { idle: 0, max: 1 },
    co2eKgPerMonth: { idle: 0, max: co2e },
    costUsdPerMonth: { idle: 0, max: 1 },
  },
});

const caps = (settings: Record<string, unknown>): ReadonlyMap<string, PackConfig> =>
  new Map([
    [
      "cnai-sustainability",
      new Map([["cnai-gpu-and-carbon-caps", { enforcementLevel: "mandatory" as const, properties: settings }]]),
    ],
  ]);

const where = { root: "/repo", stack: "team-x", region: "us-central1", from: "staging", sourceRegion: "europe-west4" };

/** new-stack's advice: for each mandatory violation of a fork, the key, the figures and a value that passes. */
describe("fork advice", () => {
  it("both caps over: the estimate and the cap, the key, the GPU count as it is and the CO2e rounded up to 100 kg", () => {
    const advice = forkAdvice(
      planWith(
        [
          violation("cnai-gpu-and-carbon-caps", "cnai-sustainability", "GPUs"),
          violation("cnai-gpu-and-carbon-caps", "cnai-sustainability", "CO2e"),
        ],
        40,
        5000.2,
      ),
      caps({ maxGpus: 32, maxCo2eKgPerMonth: 2700 }),
      where,
    );
    assert.deepStrictEqual(
      advice.fixes.map((f) => [f.file, f.key, f.from, f.to]),
      [
        ["policies/config/team-x/sustainability.json", '"cnai-gpu-and-carbon-caps"."maxCo2eKgPerMonth"', 2700, 5100],
        ["policies/config/team-x/sustainability.json", '"cnai-gpu-and-carbon-caps"."maxGpus"', 32, 40],
      ],
    );
    assert.deepStrictEqual(advice.others, [], "both violations are explained by the fixes");
    // Google's 2024 grid figures (region-carbon.ts): europe-west4 208.81, us-central1 412.72 g/kWh.
    assert.match(
      advice.fixes[0].finding,
      /5000\.2 kg CO2e a month in us-central1; the cap copied from staging is 2700, set for europe-west4 \(grid 208\.81 g CO2e\/kWh; us-central1: 412\.72 g CO2e\/kWh\)/,
    );
    const text = renderForkAdvice(advice, "team-x");
    assert.match(text, /^new-stack: team-x does not pass yet; change this, then run npm run plan -- --stack team-x:\n/);
    assert.match(
      text,
      /set "cnai-gpu-and-carbon-caps"\."maxGpus" in policies\/config\/team-x\/sustainability\.json from 32 to 40 \(passes\)/,
    );
  });

  it("a cap exactly met passes (the policy refuses only more than the cap): 4200 for 4200.0, 4300 for 4200.1", () => {
    const to = (co2e: number) =>
      forkAdvice(
        planWith([violation("cnai-gpu-and-carbon-caps", "cnai-sustainability", "CO2e")], 8, co2e),
        caps({ maxCo2eKgPerMonth: 100 }),
        where,
      ).fixes[0].to;
    assert.strictEqual(to(4200), 4200);
    assert.strictEqual(to(4200.1), 4300);
  });

  it("any other mandatory violation: its message, the resource, and where its settings live; advisory ones are left out", () => {
    const advice = forkAdvice(
      planWith(
        [
          violation(
            "cnai-approved-registries",
            "cnai-governance",
            "image evil.example/x is not from an approved registry",
            "urn:pulumi:team-x::cnai-platform::kubernetes:apps/v1:Deployment::web",
          ),
          {
            ...violation("cnai-inference-scale-to-zero", "cnai-sustainability", "advice"),
            enforcementLevel: "advisory",
          },
        ],
        0,
        0,
      ),
      caps({}),
      where,
    );
    assert.deepStrictEqual(advice.fixes, []);
    assert.strictEqual(advice.others.length, 1);
    assert.match(
      renderForkAdvice(advice, "team-x"),
      / {2}cnai-approved-registries on web: image evil\.example\/x is not from an approved registry\n {4}settings: stacks\/Pulumi\.team-x\.yaml, or the policy's settings \("cnai-approved-registries"\) in policies\/config\/team-x\/governance\.json\.\n$/,
    );
    assert.strictEqual(renderForkAdvice({ fixes: [], others: [] }, "team-x"), "");
  });
});
