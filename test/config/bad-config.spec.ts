import * as assert from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { main } from "../../scripts/plan";
import { assertRefused, GOOD_STACK_CONFIG, planStackFile } from "../helpers/config";
import { captureOutput, ROOT } from "../helpers/run";

/**
 * Bad stack files through the real `plan` command: each exits 2 with one line that names the stack
 * file, the key path, the value given and what is allowed, prints no stack trace, and writes no plan.
 */

type Config = Record<string, unknown>;

const GOOD: Config = GOOD_STACK_CONFIG;

const pool = (changes: Config) => ({
  "cnai-platform:gpuPools": [{ ...(GOOD["cnai-platform:gpuPools"] as Config[])[0], ...changes }],
});

const job = (changes: Config) => ({
  name: "j",
  team: "ml-platform",
  pool: "train",
  image: "trainer:1.0.0",
  command: ["python"],
  gpusPerNode: 1,
  ...changes,
});

const model = (changes: Config) => ({
  name: "m",
  team: "ml-platform",
  pool: "l4",
  storage: "gcs",
  path: "m/v1",
  ...changes,
});

/** 21 addresses: one more than a stack may list. */
const EMAILS = Array.from({ length: 21 }, (_, i) => `ml${String(i).padStart(2, "0")}@acme.dev`);
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

interface Case {
  what: string;
  stack?: string;
  config?: Config;
  remove?: string[];
  raw?: string;
  /** What the single error line must say. */
  expect: RegExp;
}

const CASES: Case[] = [
  {
    what: "an unknown top-level key (a typo)",
    config: { "cnai-platform:gpuPool": [] },
    expect: /cnai-platform:gpuPool: unknown key; allowed: one of profile, prefix, team, costCenter/,
  },
  {
    what: "an unknown nested key",
    config: { "cnai-platform:cluster": { relaseChannel: "STABLE" } },
    expect: /cnai-platform:cluster\.relaseChannel: unknown key; allowed: one of location, releaseChannel/,
  },
  {
    what: "an unknown key in a GPU pool",
    config: pool({ accelerator: { typ: "nvidia-l4" } }),
    expect: /cnai-platform:gpuPools\[0\]\.accelerator\.typ: unknown key; allowed: one of type, count/,
  },
  {
    what: "a string where a number belongs",
    config: pool({ autoscaling: { max: "two" } }),
    expect: /cnai-platform:gpuPools\[0\]\.autoscaling\.max: got "two"; allowed: an integer from 1 to 1000/,
  },
  {
    what: "a string where a boolean belongs",
    config: { "cnai-platform:cluster": { privateEndpoint: "yes" } },
    expect: /cnai-platform:cluster\.privateEndpoint: got "yes"; allowed: true or false/,
  },
  {
    what: "a fractional GPU count",
    config: pool({ accelerator: { type: "nvidia-l4", count: 1.5 } }),
    expect: /cnai-platform:gpuPools\[0\]\.accelerator\.count: got 1\.5; allowed: an integer from 1 to 16/,
  },
  {
    what: "a pool maximum of zero",
    config: pool({ autoscaling: { max: 0 } }),
    expect: /cnai-platform:gpuPools\[0\]\.autoscaling\.max: got 0; allowed: an integer from 1 to 1000/,
  },
  {
    what: "a system pool above its range",
    config: { "cnai-platform:cluster": { systemPool: { max: 500 } } },
    expect: /cnai-platform:cluster\.systemPool\.max: got 500; allowed: an integer from 1 to 100/,
  },
  {
    what: "a GPU pool minimum above its maximum",
    config: pool({ autoscaling: { min: 3, max: 2 } }),
    expect: /cnai-platform:gpuPools\[0\]\.autoscaling\.min: got 3; allowed: at most autoscaling\.max \(2\)/,
  },
  {
    what: "a system pool minimum above its maximum",
    config: { "cnai-platform:cluster": { systemPool: { min: 4, max: 2 } } },
    expect: /cnai-platform:cluster\.systemPool\.min: got 4; allowed: at most systemPool\.max \(2\)/,
  },
  {
    what: "an unknown accelerator",
    config: pool({ accelerator: { type: "nvidia-l5" } }),
    expect:
      /cnai-platform:gpuPools\[0\]\.accelerator\.type: got "nvidia-l5"; allowed: one of "nvidia-tesla-t4", "nvidia-l4"/,
  },
  {
    what: "a machine type that does not carry the accelerator",
    config: pool({ machineType: "a2-highgpu-1g" }),
    expect:
      /cnai-platform:gpuPools\[0\]\.machineType: got "a2-highgpu-1g"; allowed: a machine type that carries nvidia-l4: g2-standard-4/,
  },
  {
    what: "a GPU count the machine type cannot hold",
    config: pool({ accelerator: { type: "nvidia-l4", count: 4 } }),
    expect: /cnai-platform:gpuPools\[0\]\.accelerator\.count: got 4; allowed: 1 for g2-standard-8/,
  },
  {
    what: "an unknown region",
    config: { "gcp:region": "mars-east1" },
    expect: /gcp:region: got "mars-east1"; allowed: a Google Cloud region: africa-south1/,
  },
  {
    what: "an unknown zone",
    config: { "cnai-platform:zones": ["us-central1-z"] },
    expect:
      /cnai-platform:zones\[0\]: got "us-central1-z"; allowed: a zone of us-central1: us-central1-a, us-central1-b, us-central1-c, us-central1-f/,
  },
  {
    what: "a pool zone that does not offer the accelerator",
    config: pool({ zones: ["us-central1-f"] }),
    expect:
      /cnai-platform:gpuPools\[0\]\.zones\[0\]: got "us-central1-f"; allowed: a zone of us-central1 that offers nvidia-l4: us-central1-a, us-central1-b, us-central1-c/,
  },
  {
    what: "cluster zones where the accelerator is not offered",
    config: { "cnai-platform:zones": ["us-central1-f"] },
    expect:
      /cnai-platform:gpuPools\[0\]\.accelerator\.type: got "nvidia-l4"; allowed: an accelerator offered in the cluster zones \(us-central1-f\)/,
  },
  {
    what: "a team that is not a label value",
    config: { "cnai-platform:team": "ML Team" },
    expect: /cnai-platform:team: got "ML Team"; allowed: a GCP label value: lower-case letters/,
  },
  {
    what: "a cost center that is not a label value",
    config: { "cnai-platform:costCenter": "CC/1001" },
    expect: /cnai-platform:costCenter: got "CC\/1001"; allowed: a GCP label value/,
  },
  {
    what: "a malformed label key",
    config: { "cnai-platform:labels": { Owner: "sre" } },
    expect: /cnai-platform:labels\.Owner: got "Owner"; allowed: a GCP label key/,
  },
  {
    what: "a malformed label value",
    config: { "cnai-platform:labels": { owner: "SRE Team" } },
    expect: /cnai-platform:labels\.owner: got "SRE Team"; allowed: a GCP label value/,
  },
  {
    what: "a label the blueprint sets itself",
    config: { "cnai-platform:labels": { env: "production" } },
    expect: /cnai-platform:labels\.env: got "env"; allowed: a label key other than the ones the blueprint sets/,
  },
  {
    what: "a CIDR with an impossible prefix",
    config: { "cnai-platform:network": { subnetCidr: "10.10.0.0/33" } },
    expect:
      /cnai-platform:network\.subnetCidr: got "10\.10\.0\.0\/33"; allowed: the node subnet range as an IPv4 CIDR block/,
  },
  {
    what: "a control plane range that is not a /28",
    config: { "cnai-platform:network": { masterCidr: "172.16.0.0/24" } },
    expect: /cnai-platform:network\.masterCidr: got "172\.16\.0\.0\/24"; allowed: a \/28 block for the control plane/,
  },
  {
    what: "a malformed project id",
    config: { "gcp:project": "Acme_Dev" },
    expect: /gcp:project: got "Acme_Dev"; allowed: a GCP project id/,
  },
  {
    what: "a missing project",
    remove: ["gcp:project"],
    expect: /gcp:project: got nothing \(the key is missing\); allowed: a string/,
  },
  {
    what: "a missing team",
    remove: ["cnai-platform:team"],
    expect: /cnai-platform:team: got nothing \(the key is missing\); allowed: a non-empty string\n/,
  },
  {
    what: "a missing budget",
    remove: ["cnai-platform:observability"],
    expect:
      /cnai-platform:observability\.budget: got nothing \(the key is missing\); allowed: a mapping with keys billingAccount, monthlyUsd, thresholds/,
  },
  {
    what: "a malformed billing account",
    config: { "cnai-platform:observability": { budget: { billingAccount: "01a2b3-c4d5e6-f7a8b9", monthlyUsd: 10 } } },
    expect:
      /cnai-platform:observability\.budget\.billingAccount: got "01a2b3-c4d5e6-f7a8b9"; allowed: a billing account id/,
  },
  {
    what: "an unknown release channel",
    config: { "cnai-platform:cluster": { releaseChannel: "FAST" } },
    expect: /cnai-platform:cluster\.releaseChannel: got "FAST"; allowed: one of "RAPID", "REGULAR", "STABLE"/,
  },
  {
    what: "reservation capacity without a reservation",
    config: pool({ capacity: { type: "reservation" } }),
    expect:
      /cnai-platform:gpuPools\[0\]\.capacity\.reservation: got nothing \(the key is missing\); allowed: \{ affinity: any \| specific, name \} when capacity\.type is reservation/,
  },
  {
    what: "queued capacity with warm nodes",
    config: pool({ capacity: { type: "queued" }, autoscaling: { min: 1, max: 2 } }),
    expect: /cnai-platform:gpuPools\[0\]\.autoscaling\.min: got 1; allowed: 0 for queued capacity/,
  },
  {
    what: "flex-start capacity balancing zones (GKE creates DWS pools with --location-policy=ANY)",
    config: pool({ capacity: { type: "flex-start" }, autoscaling: { min: 0, max: 2, locationPolicy: "BALANCED" } }),
    expect:
      /cnai-platform:gpuPools\[0\]\.autoscaling\.locationPolicy: got "BALANCED"; allowed: ANY for flex-start capacity/,
  },
  {
    what: "MIG partitions on a GPU without MIG",
    config: pool({ accelerator: { type: "nvidia-l4", migPartitionSize: "1g.5gb" } }),
    expect:
      /cnai-platform:gpuPools\[0\]\.accelerator\.migPartitionSize: got "1g\.5gb"; allowed: nothing: nvidia-l4 has no MIG/,
  },
  {
    what: "two GPU pools with one name",
    config: {
      "cnai-platform:gpuPools": [
        (GOOD["cnai-platform:gpuPools"] as Config[])[0],
        (GOOD["cnai-platform:gpuPools"] as Config[])[0],
      ],
    },
    expect:
      /cnai-platform:gpuPools\[1\]\.generation: got 1; allowed: a generation other than 1, the other entry named l4 \(a new generation is a new node pool\)/,
  },
  {
    what: "two generations of a GPU pool, both taking work",
    config: {
      "cnai-platform:gpuPools": [
        (GOOD["cnai-platform:gpuPools"] as Config[])[0],
        { ...(GOOD["cnai-platform:gpuPools"] as Config[])[0], generation: 2 },
      ],
    },
    expect:
      /cnai-platform:gpuPools\[1\]\.migration: got null; allowed: standby \(the new generation, not used yet\) or retiring \(the old one, no new work\), as the other entry named l4 is active/,
  },
  {
    what: "two generations of a GPU pool, neither taking work",
    config: {
      "cnai-platform:gpuPools": [
        { ...(GOOD["cnai-platform:gpuPools"] as Config[])[0], migration: "retiring" },
        { ...(GOOD["cnai-platform:gpuPools"] as Config[])[0], generation: 2, migration: "standby" },
      ],
    },
    expect: /cnai-platform:gpuPools\[1\]\.migration: got "standby"; allowed: no migration on one entry named l4/,
  },
  {
    what: "three entries of one GPU pool",
    config: {
      "cnai-platform:gpuPools": [1, 2, 3].map((generation) => ({
        ...(GOOD["cnai-platform:gpuPools"] as Config[])[0],
        generation,
        ...(generation === 1 ? {} : { migration: "standby" }),
      })),
    },
    expect: /cnai-platform:gpuPools\[2\]\.name: got "l4"; allowed: a name at most two gpuPools entries share/,
  },
  {
    what: "an unknown profile",
    config: { "cnai-platform:profile": "production" },
    expect: /cnai-platform:profile: got "production"; allowed: one of "dev", "staging", "prod"/,
  },
  {
    what: "a fork that names no profile",
    stack: "research",
    expect:
      /stacks\/Pulumi\.research\.yaml: cnai-platform:profile: got nothing \(the key is missing\); allowed: one of "dev", "staging", "prod" \(required for a stack not named after a profile\)/,
  },
  {
    what: "an example job for a team the stack does not have",
    config: {
      "cnai-platform:training": {
        legacyTrainingOperator: false,
        jobs: [
          { name: "j", team: "ghosts", pool: "train", image: "trainer:1.0.0", command: ["python"], gpusPerNode: 1 },
        ],
      },
    },
    expect: /cnai-platform:training\.jobs\[0\]\.team: got "ghosts"; allowed: one of the stack's teams: ml-platform/,
  },
  {
    what: "an example job on a pool the stack does not have",
    config: {
      "cnai-platform:training": {
        legacyTrainingOperator: false,
        jobs: [
          { name: "j", team: "ml-platform", pool: "h100", image: "trainer:1.0.0", command: ["python"], gpusPerNode: 1 },
        ],
      },
    },
    expect: /cnai-platform:training\.jobs\[0\]\.pool: got "h100"; allowed: one of the stack's GPU pools: l4, train/,
  },
  {
    what: "a PyTorchJob without the legacy Training Operator",
    config: {
      "cnai-platform:training": {
        legacyTrainingOperator: false,
        jobs: [
          {
            name: "j",
            team: "ml-platform",
            pool: "train",
            kind: "PyTorchJob",
            image: "trainer:1.0.0",
            command: ["python"],
            gpusPerNode: 1,
          },
        ],
      },
    },
    expect:
      /cnai-platform:training\.jobs\[0\]\.kind: got "PyTorchJob"; allowed: TrainJob, or PyTorchJob with training\.legacyTrainingOperator: true/,
  },
  {
    what: "an image that floats on :latest",
    config: {
      "cnai-platform:training": {
        legacyTrainingOperator: false,
        jobs: [
          {
            name: "j",
            team: "ml-platform",
            pool: "train",
            image: "trainer:latest",
            command: ["python"],
            gpusPerNode: 1,
          },
        ],
      },
    },
    expect:
      /cnai-platform:training\.jobs\[0\]\.image: got "trainer:latest"; allowed: <image>:<tag> in the project's images repository, with a pinned tag \(not latest\)/,
  },
  {
    what: "scale to zero in Standard serving mode",
    config: {
      "cnai-platform:serving": {
        mode: "Standard",
        models: [{ name: "m", team: "ml-platform", pool: "l4", storage: "gcs", path: "m/v1", minReplicas: 0 }],
      },
    },
    expect:
      /cnai-platform:serving\.models\[0\]\.minReplicas: got 0; allowed: 1 or more in Standard mode \(the HPA keeps at least one replica; scale to zero needs Knative mode\)/,
  },
  {
    what: "a canary split in Standard serving mode",
    config: {
      "cnai-platform:serving": {
        mode: "Standard",
        models: [
          { name: "m", team: "ml-platform", pool: "l4", storage: "gcs", path: "m/v1", canaryTrafficPercent: 10 },
        ],
      },
    },
    expect:
      /cnai-platform:serving\.models\[0\]\.canaryTrafficPercent: got 10; allowed: nothing in Standard mode \(canary traffic splits need Knative mode; Standard mode rolls out with its Deployment strategy\)/,
  },
  {
    what: "an unknown serving mode",
    config: { "cnai-platform:serving": { mode: "Serverless" } },
    expect: /cnai-platform:serving\.mode: got "Serverless"; allowed: one of "Standard", "Knative"/,
  },
  {
    what: "Cloud Run GPUs in a region that does not offer them",
    config: {
      "gcp:region": "us-east1",
      "cnai-platform:zones": ["us-east1-c"],
      ...pool({ machineType: "n1-standard-8", accelerator: { type: "nvidia-tesla-t4" } }),
      "cnai-platform:serving": { mode: "Standard", serverless: { name: "s", image: "vllm:1.0.0", model: "chat/v1" } },
    },
    expect:
      /cnai-platform:serving\.serverless: got "us-east1"; allowed: a stack in a region with Cloud Run GPUs \(asia-southeast1, asia-south1, europe-west1, europe-west4, us-central1, us-east4\)/,
  },
  {
    what: "a team quota that is not a number",
    config: { "cnai-platform:teams": [{ name: "ml-platform", quota: { gpus: "eight" } }] },
    expect: /cnai-platform:teams\[0\]\.quota\.gpus: got "eight"; allowed: an integer from 0 to 10000/,
  },
  {
    what: "a Cloud SQL tier that does not exist",
    config: { "cnai-platform:modelRegistry": { database: { tier: "db-custom-3-7680" } } },
    expect:
      /cnai-platform:modelRegistry\.database\.tier: got "db-custom-3-7680"; allowed: an Enterprise-edition Cloud SQL tier: db-custom-3-7680 has 3 vCPUs; allowed: 1 or an even number up to 96/,
  },
  {
    what: "force destroy outside dev",
    stack: "prod",
    config: { "cnai-platform:storage": { forceDestroy: true } },
    expect:
      /cnai-platform:storage\.forceDestroy: got true; allowed: false outside the dev profile \(this stack's profile is prod\)/,
  },
  {
    // Staging holds data the team relies on: force destroy is for dev only (stateful resources are protected outside it).
    what: "force destroy in staging",
    stack: "staging",
    config: { "cnai-platform:storage": { forceDestroy: true } },
    expect:
      /cnai-platform:storage\.forceDestroy: got true; allowed: false outside the dev profile \(this stack's profile is staging\)/,
  },
  {
    // Cloud Storage "Bucket locations": EUR4 is Finland + Netherlands; the GPU nodes in us-central1 would read models from Europe.
    what: "a models dual-region without the stack's region",
    stack: "prod",
    config: { "cnai-platform:storage": { modelsReplication: { dualRegion: "EUR4", turboReplication: true } } },
    expect:
      /cnai-platform:storage\.modelsReplication: got .*EUR4.*; allowed: a dual-region that includes the stack's region us-central1 \(EUR4 is europe-north1 \+ europe-west4/,
  },
  {
    // rpo ASYNC_TURBO is for dual-region buckets only (terraform-provider-google storage_bucket rpo; Cloud Storage "Turbo replication").
    what: "turbo replication on the stack's region alone",
    config: { "cnai-platform:storage": { modelsReplication: { turboReplication: true } } },
    expect:
      /cnai-platform:storage\.modelsReplication: got .*; allowed: turboReplication with a dualRegion \(NAM4, EUR4, ASIA1 or two regions of one continent\)/,
  },
  {
    what: "a models dual-region of two continents",
    config: {
      "cnai-platform:storage": {
        modelsReplication: { dualRegion: ["us-central1", "europe-west4"], turboReplication: false },
      },
    },
    expect: /cnai-platform:storage\.modelsReplication: got .*; allowed: two regions of one continent/,
  },
  {
    what: "an unknown predefined dual-region",
    config: { "cnai-platform:storage": { modelsReplication: { dualRegion: "NAM5", turboReplication: false } } },
    expect:
      /cnai-platform:storage\.modelsReplication\.dualRegion: got "?NAM5"?; allowed: a predefined dual-region \(NAM4, EUR4, ASIA1\), auto/,
  },
  {
    // The prod profile's default (auto) in a region no predefined dual-region holds: Belgium is in EUR5, which the blueprint does not tabulate.
    what: "the prod profile's automatic dual-region in a region without one",
    stack: "prod",
    config: {
      "gcp:region": "europe-west1",
      "cnai-platform:zones": ["europe-west1-b"],
    },
    expect:
      /cnai-platform:storage\.modelsReplication: got .*"auto".*; allowed: a dualRegion given explicitly: no predefined dual-region holds the stack's region europe-west1/,
  },
  {
    what: "a zone listed twice",
    config: { "cnai-platform:zones": ["us-central1-a", "us-central1-b", "us-central1-a"] },
    expect:
      /cnai-platform:zones: got \["us-central1-a","us-central1-b","us-central1-a"\]; allowed: each zone at most once/,
  },
  // A Pod on a g2-standard-8 node (8 vCPUs, 32 GB: https://cloud.google.com/compute/docs/gpus#l4-gpus) asks
  // for at least 1 CPU and 1 GiB of it, and less than the whole VM (GKE reserves some of every node:
  // https://cloud.google.com/kubernetes-engine/docs/concepts/plan-node-sizes#cpu_reservations).
  {
    what: "an example job over its team's CPU quota",
    config: {
      "cnai-platform:teams": [{ name: "ml-platform", quota: { cpu: 0 } }],
      "cnai-platform:training": { legacyTrainingOperator: false, jobs: [job({ nodes: 1 })] },
    },
    expect:
      /cnai-platform:training\.jobs\[0\]\.nodes: got 1; allowed: a size within team ml-platform's quota: 1 x 1 GPU on train needs cpu [1-7] > teams\[\]\.quota\.cpu 0; raise the quota or shrink the workload/,
  },
  {
    what: "an example job over its team's memory quota",
    config: {
      "cnai-platform:teams": [{ name: "ml-platform", quota: { memoryGi: 1 } }],
      "cnai-platform:training": { legacyTrainingOperator: false, jobs: [job({ nodes: 2 })] },
    },
    expect:
      /cnai-platform:training\.jobs\[0\]\.nodes: got 2; allowed: a size within team ml-platform's quota: 2 x 1 GPU on train needs memoryGi ([2-9]|[1-5]\d) > teams\[\]\.quota\.memoryGi 1; raise/,
  },
  {
    what: "a model over its team's CPU quota",
    config: {
      "cnai-platform:teams": [{ name: "ml-platform", quota: { cpu: 2 } }],
      "cnai-platform:serving": { mode: "Standard", models: [model({ maxReplicas: 3 })] },
    },
    expect:
      /cnai-platform:serving\.models\[0\]\.maxReplicas: got 3; allowed: a size within team ml-platform's quota: 3 x 1 GPU on l4 needs cpu ([3-9]|1\d|2[01]) > teams\[\]\.quota\.cpu 2; raise/,
  },
  {
    what: "a model over its team's memory quota",
    config: {
      "cnai-platform:teams": [{ name: "ml-platform", quota: { memoryGi: 2 } }],
      "cnai-platform:serving": { mode: "Standard", models: [model({ maxReplicas: 3 })] },
    },
    expect:
      /cnai-platform:serving\.models\[0\]\.maxReplicas: got 3; allowed: a size within team ml-platform's quota: 3 x 1 GPU on l4 needs memoryGi ([3-9]|[1-8]\d|9[0-5]) > teams\[\]\.quota\.memoryGi 2; raise/,
  },
  {
    what: "overlapping network ranges",
    config: { "cnai-platform:network": { servicesCidr: "10.10.4.0/22" } },
    expect:
      /cnai-platform:network\.servicesCidr: got "10\.10\.4\.0\/22"; allowed: a range that does not overlap network\.subnetCidr \(10\.10\.0\.0\/20\)/,
  },
  {
    what: "an example job larger than its team's quota",
    config: {
      "cnai-platform:training": {
        legacyTrainingOperator: false,
        jobs: [
          {
            name: "j",
            team: "ml-platform",
            pool: "train",
            image: "trainer:1.0.0",
            command: ["python"],
            nodes: 9,
            gpusPerNode: 1,
          },
        ],
      },
    },
    expect:
      /cnai-platform:training\.jobs\[0\]\.nodes: got 9; allowed: a size within team ml-platform's quota: 9 x 1 GPU on train needs gpus 9 > teams\[\]\.quota\.gpus 8; raise the quota or shrink the workload/,
  },
  {
    // Regression: the dev stack's time-shared L4 pool took a model asking for 2 GPUs, which GKE's kubelet
    // refuses (GKE concepts/timesharing-gpus: one time-shared GPU per container; UnexpectedAdmissionError).
    what: "a model asking for 2 GPUs on a time-shared pool",
    config: {
      "cnai-platform:gpuPools": [
        {
          ...(GOOD["cnai-platform:gpuPools"] as Config[])[0],
          accelerator: { type: "nvidia-l4", sharing: { strategy: "TIME_SHARING", maxClientsPerGpu: 4 } },
        },
        (GOOD["cnai-platform:gpuPools"] as Config[])[1],
      ],
      "cnai-platform:serving": {
        mode: "Standard",
        models: [{ name: "m", team: "ml-platform", pool: "l4", storage: "gcs", path: "m/v1", gpus: 2, maxReplicas: 1 }],
      },
    },
    expect:
      /cnai-platform:serving\.models\[0\]\.gpus: got 2; allowed: at most 1 on l4, whose GPUs are shared \(TIME_SHARING\): GKE refuses a container asking for more than one shared GPU/,
  },
  {
    // A g2-standard-8 carries one L4 (Google Cloud, "GPU machine types": G2); ModelDeployment would refuse it at deploy time.
    what: "a model asking for more GPUs than a node of its pool has",
    config: {
      "cnai-platform:serving": {
        mode: "Standard",
        models: [{ name: "m", team: "ml-platform", pool: "l4", storage: "gcs", path: "m/v1", gpus: 2, maxReplicas: 1 }],
      },
    },
    expect:
      /cnai-platform:serving\.models\[0\]\.gpus: got 2; allowed: a whole number from 1 to 1, what a node of gpu-l4 offers/,
  },
  {
    // Issue 13 item 12: a model server on GPUs scaled on CPU never reacts. GKE, "Best practices for
    // autoscaling LLM inference workloads with GPUs" (CPU metrics): not CPU or memory alone; the queue size.
    what: "a GPU model server scaled on CPU",
    config: {
      "cnai-platform:serving": {
        mode: "Standard",
        models: [model({ scaleMetric: "cpu", scaleTarget: 60 })],
      },
    },
    expect:
      /cnai-platform:serving\.models\[0\]\.scaleMetric: got "cpu"; allowed: waiting-requests in Standard mode \(vLLM's queue through KEDA, with metricsQueryUrl\), or no scaleMetric with minReplicas equal to maxReplicas \(fixed replicas, no autoscaler\), or concurrency or rps in Knative mode; not cpu or memory: a model server on GPUs does its work there, so its CPU and memory use do not follow its load \(GKE, "Best practices for autoscaling LLM inference workloads with GPUs", CPU metrics\)/,
  },
  {
    what: "a GPU model server scaled on memory, even with fixed replicas",
    config: {
      "cnai-platform:serving": {
        mode: "Standard",
        models: [model({ scaleMetric: "memory", minReplicas: 1, maxReplicas: 1 })],
      },
    },
    expect: /cnai-platform:serving\.models\[0\]\.scaleMetric: got "memory"; allowed: waiting-requests in Standard mode/,
  },
  {
    // KServe's Hugging Face server on --backend=huggingface runs Transformers, which exports no vllm:* series.
    what: "a model on the Transformers backend left to scale on vLLM's queue",
    config: {
      "cnai-platform:serving": {
        mode: "Standard",
        models: [model({ args: ["--backend=huggingface"], maxReplicas: 2 })],
      },
    },
    expect:
      /cnai-platform:serving\.models\[0\]\.scaleMetric: got nothing \(the key is missing\); allowed: a metric the server exports: waiting-requests \(the default in Standard mode when minReplicas is below maxReplicas\) reads vLLM's vllm:num_requests_waiting, and this server does not run vLLM .*; fixed replicas \(no scaleMetric, minReplicas equal to maxReplicas\), or concurrency or rps in Knative mode/,
  },
  {
    // KServe names the predictor Service <name>-predictor, and Knative adds revision suffixes, within a 63-character label.
    what: "a model name too long for its predictor's host name",
    config: {
      "cnai-platform:serving": {
        mode: "Standard",
        models: [{ name: "m".repeat(46), team: "ml-platform", pool: "l4", storage: "gcs", path: "m/v1" }],
      },
    },
    expect: /cnai-platform:serving\.models\[0\]\.name: got "m{46}"; allowed: a model name: .* at most 45 characters/,
  },
  {
    what: "a team name that would make an invalid namespace",
    config: { "cnai-platform:teams": [{ name: "ml-" }] },
    expect:
      /cnai-platform:teams\[0\]\.name: got "ml-"; allowed: a team name: a lower-case letter, then letters, digits and '-', ending with a letter or digit/,
  },
  {
    what: "two jobs of the same name",
    config: {
      "cnai-platform:training": {
        legacyTrainingOperator: false,
        jobs: [
          {
            name: "j",
            team: "ml-platform",
            pool: "train",
            image: "trainer:1.0.0",
            command: ["python"],
            gpusPerNode: 1,
          },
          {
            name: "j",
            team: "ml-platform",
            pool: "train",
            image: "trainer:1.0.1",
            command: ["python"],
            gpusPerNode: 1,
          },
        ],
      },
    },
    expect:
      /cnai-platform:training\.jobs\[1\]\.name: got "j"; allowed: a name no other job has \(training\.jobs\[0\] is j\)/,
  },
  {
    what: "a second model on a pool the stack does not have",
    config: {
      "cnai-platform:serving": {
        mode: "Standard",
        models: [
          { name: "a", team: "ml-platform", pool: "l4", storage: "gcs", path: "a/v1" },
          { name: "b", team: "ml-platform", pool: "t4", storage: "gcs", path: "b/v1" },
        ],
      },
    },
    expect: /cnai-platform:serving\.models\[1\]\.pool: got "t4"; allowed: one of the stack's GPU pools: l4, train/,
  },
  // Google's own rules and what a first `pulumi up` needs (issue 13).
  {
    what: "a retention policy on versioned raw data (Cloud Storage refuses both on one bucket)",
    stack: "prod",
    config: { "cnai-platform:storage": { rawRetentionDays: 30 } },
    expect:
      /cnai-platform:storage\.rawRetentionDays: got 30; allowed: nothing while storage\.rawVersioning is true: a retention policy together with Object Versioning, which Cloud Storage refuses on one bucket/,
  },
  {
    what: "a documentation range (RFC 5737) as an authorized network",
    config: { "cnai-platform:cluster": { masterAuthorizedNetworks: [{ name: "corp-vpn", cidr: "203.0.113.0/24" }] } },
    expect:
      /cnai-platform:cluster\.masterAuthorizedNetworks\[0\]\.cidr: got "203\.0\.113\.0\/24"; allowed: a range your administrators or CI connect from; 203\.0\.113\.0\/24 is in the documentation range 203\.0\.113\.0\/24 \(RFC 5737\)/,
  },
  {
    what: "a self-made compact placement on a specific reservation",
    stack: "prod",
    config: {
      "cnai-platform:gpuPools": [
        {
          name: "h100",
          machineType: "a3-highgpu-8g",
          accelerator: { type: "nvidia-h100-80gb" },
          zones: ["us-central1-a"],
          compactPlacement: true,
          autoscaling: { max: 2 },
          capacity: { type: "reservation", reservation: { affinity: "specific", name: "h100-res" } },
        },
      ],
    },
    expect:
      /cnai-platform:gpuPools\[0\]\.compactPlacement: got true; allowed: false with a specific reservation: the reservation's VMs keep the reservation's placement/,
  },
  {
    what: "Cloud Run's vLLM image without the Docker Hub remote repository",
    config: { "cnai-platform:serving": { mode: "Standard", serverless: { name: "s", model: "chat/v1" } } },
    expect:
      /cnai-platform:serving\.serverless\.image: got nothing \(the key is missing\); allowed: an image of the project's images repository \(<name>:<tag>\), or artifactRegistry\.remoteCaches: true so vLLM's vllm\/vllm-openai:v0\.11\.0 comes through the Docker Hub remote repository/,
  },
  {
    what: "a Cloud Run --model argument besides serving.serverless.model",
    config: {
      "cnai-platform:artifactRegistry": { remoteCaches: true },
      "cnai-platform:serving": {
        mode: "Standard",
        serverless: { name: "s", model: "chat/v1", args: ["--model=/models/other"] },
      },
    },
    expect:
      /cnai-platform:serving\.serverless\.args: got \["--model=\/models\/other"\]; allowed: server arguments other than --model and --port/,
  },
  {
    what: "a training job on a serving pool (training and serving capacity are kept apart by queue)",
    config: {
      "cnai-platform:training": {
        legacyTrainingOperator: false,
        jobs: [
          { name: "j", team: "ml-platform", pool: "l4", image: "trainer:1.0.0", command: ["python"], gpusPerNode: 1 },
        ],
      },
    },
    expect:
      /cnai-platform:training\.jobs\[0\]\.pool: got "l4"; allowed: a training or data pool \(l4 is an inference pool, kept out of Kueue's training queue so jobs cannot take serving capacity\): train/,
  },
  {
    what: "a model on a training pool",
    config: {
      "cnai-platform:serving": {
        mode: "Standard",
        models: [{ name: "m", team: "ml-platform", pool: "train", storage: "gcs", path: "m/v1" }],
      },
    },
    expect:
      /cnai-platform:serving\.models\[0\]\.pool: got "train"; allowed: an inference pool \(train is a training pool, whose capacity Kueue gives to training jobs\)/,
  },
  // What zod accepts, said in the message (zod 4: https://zod.dev/api#numbers, #strings, #arrays, #records).
  {
    // .positive() is `> 0` (zod's gt(0)): the message must not allow the 0 it refuses.
    what: "a latency threshold of zero",
    config: {
      "cnai-platform:observability": {
        budget: { billingAccount: "01A2B3-C4D5E6-F7A8B9", monthlyUsd: 1000 },
        thresholds: { latencyP99Seconds: 0 },
      },
    },
    expect: /cnai-platform:observability\.thresholds\.latencyP99Seconds: got 0; allowed: a number > 0\n/,
  },
  {
    what: "an error-rate threshold of zero",
    config: {
      "cnai-platform:observability": {
        budget: { billingAccount: "01A2B3-C4D5E6-F7A8B9", monthlyUsd: 1000 },
        thresholds: { errorRate: 0 },
      },
    },
    expect: /cnai-platform:observability\.thresholds\.errorRate: got 0; allowed: a number > 0 and <= 1\n/,
  },
  {
    what: "an integer with only a lower bound",
    config: {
      "cnai-platform:serving": {
        mode: "Standard",
        models: [{ ...model({}), scaleTarget: 0 }],
      },
    },
    expect: /cnai-platform:serving\.models\[0\]\.scaleTarget: got 0; allowed: an integer >= 1\n/,
  },
  {
    what: "an empty authorized network name",
    config: { "cnai-platform:cluster": { masterAuthorizedNetworks: [{ name: "", cidr: "172.16.0.0/24" }] } },
    expect:
      /cnai-platform:cluster\.masterAuthorizedNetworks\[0\]\.name: got ""; allowed: a string from 1 to 64 characters\n/,
  },
  {
    what: "an empty machine type",
    config: pool({ machineType: "" }),
    expect: /cnai-platform:gpuPools\[0\]\.machineType: got ""; allowed: a non-empty string\n/,
  },
  {
    what: "no teams",
    config: { "cnai-platform:teams": [] },
    expect: /cnai-platform:teams: got \[\]; allowed: a list from 1 to 500 items\n/,
  },
  {
    // A value longer than 80 characters is shown cut to 77 and "...".
    what: "too many notification e-mails",
    config: {
      "cnai-platform:observability": {
        budget: { billingAccount: "01A2B3-C4D5E6-F7A8B9", monthlyUsd: 1000 },
        notificationEmails: EMAILS,
      },
    },
    expect: new RegExp(
      `cnai-platform:observability\\.notificationEmails: got ${escapeRegExp(JSON.stringify(EMAILS).slice(0, 77))}\\.\\.\\.; allowed: a list of at most 20 items\\n`,
    ),
  },
  {
    what: "labels that are not a mapping",
    config: { "cnai-platform:labels": "team-a" },
    expect: /cnai-platform:labels: got "team-a"; allowed: a mapping of names to values\n/,
  },
  {
    // The zones are derived from the region: an unknown region is the one problem, not also the zones.
    what: "an unknown region with derived zones",
    config: { "gcp:region": "mars-east1" },
    remove: ["cnai-platform:zones"],
    expect: /\(1 problem\); nothing was created:\n {2}stacks\/Pulumi\.dev\.yaml: gcp:region: got "mars-east1"/,
  },
  {
    what: "two teams of one name",
    config: { "cnai-platform:teams": [{ name: "ml-platform" }, { name: "ml-platform" }] },
    expect: /cnai-platform:teams\[1\]\.name: got "ml-platform"; allowed: a name no other team uses/,
  },
  {
    what: "raw data moved to Coldline before Nearline",
    config: { "cnai-platform:storage": { rawNearlineAfterDays: 90, rawColdlineAfterDays: 30 } },
    expect:
      /cnai-platform:storage\.rawColdlineAfterDays: got 30; allowed: more than storage\.rawNearlineAfterDays \(90\)/,
  },
  {
    what: "a model whose minimum is above its maximum",
    config: { "cnai-platform:serving": { mode: "Standard", models: [model({ minReplicas: 3, maxReplicas: 2 })] } },
    expect: /cnai-platform:serving\.models\[0\]\.minReplicas: got 3; allowed: at most maxReplicas \(2\)/,
  },
  {
    what: "a Standard-mode scale metric in Knative mode",
    config: { "cnai-platform:serving": { mode: "Knative", models: [model({ scaleMetric: "cpu" })] } },
    expect: /cnai-platform:serving\.models\[0\]\.scaleMetric: got "cpu"; allowed: concurrency or rps in Knative mode/,
  },
  {
    what: "a Knative scale metric in Standard mode",
    config: { "cnai-platform:serving": { mode: "Standard", models: [model({ scaleMetric: "rps" })] } },
    expect:
      /cnai-platform:serving\.models\[0\]\.scaleMetric: got "rps"; allowed: waiting-requests in Standard mode .* \(concurrency and rps need Knative mode\)/,
  },
  {
    what: "a Cloud Run minimum above its maximum",
    config: {
      "cnai-platform:artifactRegistry": { remoteCaches: true },
      "cnai-platform:serving": {
        mode: "Standard",
        serverless: { name: "s", model: "chat/v1", minInstances: 4, maxInstances: 2 },
      },
    },
    expect:
      /cnai-platform:serving\.serverless\.minInstances: got 4; allowed: at most serving\.serverless\.maxInstances \(2\)/,
  },
  {
    what: "a Cloud Run --port argument",
    config: {
      "cnai-platform:artifactRegistry": { remoteCaches: true },
      "cnai-platform:serving": {
        mode: "Standard",
        serverless: { name: "s", model: "chat/v1", args: ["--max-model-len", "4096", "--port"] },
      },
    },
    expect:
      /cnai-platform:serving\.serverless\.args: got \["--max-model-len","4096","--port"\]; allowed: server arguments/,
  },
  {
    what: "an example job in a stack without GPU pools",
    config: {
      "cnai-platform:gpuPools": [],
      "cnai-platform:training": { legacyTrainingOperator: false, jobs: [job({})] },
    },
    expect:
      /cnai-platform:training\.jobs\[0\]\.pool: got "train"; allowed: a GPU pool, but the stack has none \(cnai-platform:gpuPools\)/,
  },
  {
    what: "a training job on the only pool, a serving one",
    config: {
      "cnai-platform:gpuPools": [(GOOD["cnai-platform:gpuPools"] as Config[])[0]],
      "cnai-platform:training": { legacyTrainingOperator: false, jobs: [job({ pool: "l4" })] },
    },
    expect:
      /cnai-platform:training\.jobs\[0\]\.pool: got "l4"; allowed: a training or data pool \(.*\); the stack has none/,
  },
  {
    // When other settings are wrong, the pools that are valid alone are still checked against the catalog.
    what: "a bad team and a machine type without the accelerator, in one run",
    config: { "cnai-platform:team": "ML", ...pool({ machineType: "a2-highgpu-1g" }) },
    expect:
      /\(2 problems\)[\s\S]*cnai-platform:team: got "ML"[\s\S]*cnai-platform:gpuPools\[0\]\.machineType: got "a2-highgpu-1g"; allowed: a machine type that carries nvidia-l4/,
  },
  {
    what: "a label value that is not text",
    config: { "cnai-platform:labels": { project: 5 } },
    expect: /cnai-platform:labels\.project: got 5; allowed: a string\n/,
  },
  {
    // The CLI hands every value over as text; text that is not JSON is taken as the text itself.
    what: "a list given as a word",
    config: { "cnai-platform:gpuPools": "none" },
    expect: /cnai-platform:gpuPools: got "none"; allowed: a list of at most 20 items\n/,
  },
  {
    what: "a bad team and cluster zones without the pool's accelerator, in one run",
    config: { "cnai-platform:team": "ML", "cnai-platform:zones": ["us-central1-f"] },
    expect:
      /\(3 problems\)[\s\S]*cnai-platform:gpuPools\[0\]\.accelerator\.type: got "nvidia-l4"; allowed: an accelerator offered in the cluster zones \(us-central1-f\)/,
  },
  {
    what: "a YAML syntax error",
    raw: "config:\n  gcp:project: acme\n   bad-indent: [\n",
    expect: /stacks\/Pulumi\.dev\.yaml:\d+:\d+: invalid YAML/,
  },
  {
    what: "a NO_UPGRADES maintenance exclusion longer than GKE allows",
    config: {
      "cnai-platform:resilience": {
        maintenance: {
          exclusions: [
            { name: "freeze", start: "2026-12-01T00:00:00Z", end: "2027-01-15T00:00:00Z", scope: "NO_UPGRADES" },
          ],
        },
      },
    },
    expect:
      /cnai-platform:resilience\.maintenance\.exclusions\[0\]: got .*; allowed: an exclusion GKE accepts; got maintenance exclusion "freeze": scope NO_UPGRADES lasts 45 days; GKE allows at most 30/,
  },
  {
    what: "a maintenance window too short for GKE",
    config: {
      "cnai-platform:resilience": {
        maintenance: {
          window: { start: "2026-01-04T01:00:00Z", end: "2026-01-04T03:00:00Z", recurrence: "FREQ=DAILY" },
          exclusions: [],
        },
      },
    },
    expect: /cnai-platform:resilience\.maintenance\.window: got .*allows 0 hours in 32 days; GKE needs at least 48/,
  },
  {
    what: "upgrade settings on a flex-start pool",
    config: pool({ capacity: { type: "flex-start" }, upgrade: { strategy: "blue-green" } }),
    expect:
      /cnai-platform:gpuPools\[0\]\.upgrade: got .*; allowed: settings GKE applies: upgrade settings on flex-start capacity, which GKE upgrades with short-lived upgrades only/,
  },
  {
    what: "too many controller replicas",
    config: { "cnai-platform:resilience": { controllerReplicas: 9 } },
    expect: /cnai-platform:resilience\.controllerReplicas: got 9; allowed: .*5/,
  },
];

describe("bad stack configuration", () => {
  let project: string;

  before(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), "cnai-bad-config-"));
    fs.mkdirSync(path.join(project, "stacks"));
    fs.writeFileSync(
      path.join(project, "Pulumi.yaml"),
      stringify({
        name: "cnai-platform",
        runtime: "nodejs",
        main: path.join(ROOT, "stacks", "index.ts"),
        stackConfigDir: "stacks",
      }),
    );
  });
  after(() => fs.rmSync(project, { recursive: true, force: true }));

  it(`has at least 20 cases (${CASES.length})`, () => assert.ok(CASES.length >= 20));

  for (const c of CASES) {
    it(`${c.what}: exit 2 with the file, key, value and what is allowed`, async () => {
      const stack = c.stack ?? "dev";
      const config: Config = { ...GOOD, ...c.config };
      for (const key of c.remove ?? []) delete config[key];
      assertRefused(await planStackFile(project, stack, c.raw ?? stringify({ config })), stack, c.expect);
    });
  }

  it("reports every problem of a file at once, one line each", async () => {
    const stack = "dev";
    const config = {
      ...GOOD,
      "cnai-platform:team": "ML",
      "cnai-platform:colour": "red",
      ...pool({ autoscaling: { max: -1 } }),
    };
    fs.writeFileSync(path.join(project, "stacks", `Pulumi.${stack}.yaml`), stringify({ config }));
    const { result, stderr } = await captureOutput(() =>
      main(["--stack", stack, "--root", project, "--out", path.join(project, "out", stack)]),
    );
    assert.strictEqual(result, 2);
    assert.match(stderr, /\(3 problems\); nothing was created:/);
    assert.match(stderr, /cnai-platform:team: got "ML"/);
    assert.match(stderr, /cnai-platform:colour: unknown key/);
    assert.match(stderr, /cnai-platform:gpuPools\[0\]\.autoscaling\.max: got -1/);
  });

  it("names a missing stack file and the stacks that exist", async () => {
    const { result, stderr } = await captureOutput(() =>
      main(["--stack", "qa", "--root", ROOT, "--out", path.join(project, "out", "qa")]),
    );
    assert.strictEqual(result, 2);
    assert.match(stderr, /no stack file stacks\/Pulumi\.qa\.yaml for stack "qa"; stacks: dev, prod, staging/);
  });

  it("refuses unknown flags and a missing --stack with the usage line", async () => {
    const unknown = await captureOutput(() => main(["--stak", "dev"]));
    assert.strictEqual(unknown.result, 2);
    assert.match(unknown.stderr, /Unknown option '--stak'[\s\S]*usage: npm run plan -- --stack <name>/);
    const missing = await captureOutput(() => main([]));
    assert.strictEqual(missing.result, 2);
    assert.match(missing.stderr, /--stack is required/);
  });
});
