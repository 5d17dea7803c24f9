import type * as pulumi from "@pulumi/pulumi";
import { DataPlatform } from "../../components/data/data-platform";
import { MlStorage } from "../../components/data/ml-storage";
import { PostgresDatabase } from "../../components/data/postgres-database";
import { CMEK_CLASSIFICATIONS } from "../../components/labels";
import {
  bigqueryServiceAgent,
  generatedServiceAgent,
  storageServiceAgent,
} from "../../components/project/service-agents";
import { ArtifactRegistry } from "../../components/registry/artifact-registry";
import { ModelRegistry } from "../../components/registry/model-registry";
import { KmsKey } from "../../components/security/kms-key";
import type { LayerContext } from "./context";
import type { Foundation } from "./foundation";
import { MODEL_REGISTRY_NAMESPACE, type WorkloadIdentities } from "./identity";
import { modelsPlacement } from "./models-placement";

export const DATA_APIS = [
  "storage.googleapis.com",
  "artifactregistry.googleapis.com",
  "containerscanning.googleapis.com",
  "sqladmin.googleapis.com",
  "secretmanager.googleapis.com",
  "bigquery.googleapis.com",
  "pubsub.googleapis.com",
  "dataplex.googleapis.com",
] as const;

/** Does any data store need the data key? All do with customer-managed keys; confidential and restricted data always. */
export function needsDataKey(ctx: LayerContext): boolean {
  const { settings } = ctx;
  const classifications = [...Object.values(settings.storage.classifications), settings.dataPlatform.classification];
  return settings.encryption.customerManagedKeys || classifications.some((c) => CMEK_CLASSIFICATIONS.includes(c));
}

/**
 * Storage, registries and the data platform, with least-privilege access for each workload:
 * training reads datasets and writes checkpoints, serving reads models, pipelines write datasets
 * and ingest events, the registry keeps model metadata and artifacts.
 */
export function buildData(
  ctx: LayerContext,
  foundation: Foundation,
  ids: WorkloadIdentities,
  afterApis: pulumi.Resource[],
) {
  const { settings, project, region, prefix, labels, protect } = ctx;
  const cmekEverywhere = settings.encryption.customerManagedKeys;
  const after = { dependsOn: afterApis };

  const pubsubAgent = generatedServiceAgent("pubsub-agent", project, "pubsub.googleapis.com", after);
  const dataKey = needsDataKey(ctx)
    ? new KmsKey(
        "data",
        {
          project,
          location: region,
          prefix,
          labels,
          purpose: "data",
          rotationDays: settings.encryption.keyRotationDays,
          encrypterDecrypters: [
            storageServiceAgent(project),
            bigqueryServiceAgent(project),
            pubsubAgent.member,
            generatedServiceAgent("secretmanager-agent", project, "secretmanager.googleapis.com", after).member,
            ...(cmekEverywhere
              ? [
                  generatedServiceAgent("sqladmin-agent", project, "sqladmin.googleapis.com", after).member,
                  generatedServiceAgent("artifactregistry-agent", project, "artifactregistry.googleapis.com", after)
                    .member,
                ]
              : []),
          ],
          protect,
        },
        after,
      )
    : undefined;
  const afterKey = { dependsOn: dataKey ? [...afterApis, dataKey] : afterApis };
  const keyId = dataKey?.keyId;

  const s = settings.storage;
  const models = modelsPlacement(ctx, after);
  const storage = new MlStorage(
    "storage",
    {
      project,
      location: region,
      prefix,
      labels,
      classifications: {
        "datasets-raw": s.classifications.datasetsRaw,
        "datasets-curated": s.classifications.datasetsCurated,
        models: s.classifications.models,
        checkpoints: s.classifications.checkpoints,
      },
      lifecycle: {
        "datasets-raw": {
          nearlineAfterDays: s.rawNearlineAfterDays,
          coldlineAfterDays: s.rawColdlineAfterDays,
          // With versioning off (a retention policy protects raw data instead), there are no old versions to expire.
          noncurrentVersions: s.rawVersioning ? { keep: 3, deleteAfterDays: s.noncurrentVersionDays } : undefined,
        },
        "datasets-curated": { noncurrentVersions: { keep: 5, deleteAfterDays: s.noncurrentVersionDays } },
        models: { noncurrentVersions: { keep: 10, deleteAfterDays: s.noncurrentVersionDays } },
        checkpoints: { deleteAfterDays: s.checkpointRetentionDays },
      },
      softDeleteDays: s.softDeleteDays,
      versioning: { "datasets-raw": s.rawVersioning },
      rawRetentionDays: s.rawRetentionDays,
      kmsKeyName: keyId,
      modelsPlacement: models.placement,
      modelsKmsKeyName: models.kmsKeyName,
      encryptAll: cmekEverywhere,
      forceDestroy: s.forceDestroy,
      protect,
      access: {
        "datasets-raw": { readers: [ids.training.member], writers: [ids.pipelines.member] },
        "datasets-curated": { readers: [ids.training.member], writers: [ids.pipelines.member] },
        models: {
          readers: [ids.serving.member],
          writers: [ids.registry.member],
          creators: [ids.training.member, ids.pipelines.member],
        },
        checkpoints: { writers: [ids.training.member] },
      },
    },
    models.key ? { dependsOn: [...afterKey.dependsOn, models.key] } : afterKey,
  );

  const ar = settings.artifactRegistry;
  const registry = new ArtifactRegistry(
    "artifacts",
    {
      project,
      location: region,
      prefix,
      labels,
      cleanup: {
        keepRecentVersions: ar.keepRecentVersions,
        deleteUntaggedAfterDays: ar.deleteUntaggedAfterDays,
        dryRun: ar.cleanupDryRun,
      },
      immutableTags: ar.immutableTags,
      remoteCaches: ar.remoteCaches,
      kmsKeyName: cmekEverywhere ? keyId : undefined,
      readers: [
        foundation.cluster.nodeServiceAccount.member,
        ids.training.member,
        ids.serving.member,
        ids.pipelines.member,
      ],
      modelWriters: [ids.registry.member],
      protect,
    },
    afterKey,
  );

  const dp = settings.dataPlatform;
  const dataPlatform = new DataPlatform(
    "data-platform",
    {
      project,
      region,
      prefix,
      labels,
      classification: dp.classification,
      tableExpirationDays: dp.tableExpirationDays,
      deleteContentsOnDestroy: s.forceDestroy,
      messageRetentionDays: dp.messageRetentionDays,
      kmsKeyName: keyId && (cmekEverywhere || CMEK_CLASSIFICATIONS.includes(dp.classification)) ? keyId : undefined,
      pubsubServiceAgent: pubsubAgent.member,
      quality: { schedule: dp.qualitySchedule },
      owners: dp.owners,
      readers: [ids.training.member],
      writers: [ids.pipelines.member],
      publishers: [ids.pipelines.member],
      protect,
    },
    afterKey,
  );

  const db = settings.modelRegistry.database;
  const database = new PostgresDatabase(
    "registry-db",
    {
      project,
      region,
      prefix,
      labels,
      purpose: "model-registry",
      network: foundation.network.networkId,
      tier: db.tier,
      highAvailability: db.highAvailability,
      diskSizeGb: db.diskSizeGb,
      pointInTimeRecovery: db.pointInTimeRecovery,
      retainedBackups: db.retainedBackups,
      backupLocation: db.backupLocation,
      deletionProtection: protect,
      kmsKeyName: cmekEverywhere ? keyId : undefined,
      secretAccessors: [ids.registry.member],
      protect,
    },
    {
      dependsOn: [
        ...afterKey.dependsOn,
        ...(foundation.network.privateServicesAccess ? [foundation.network.privateServicesAccess] : []),
      ],
    },
  );

  const modelRegistry = new ModelRegistry(
    "model-registry",
    {
      labels,
      kind: settings.modelRegistry.kind,
      namespace: MODEL_REGISTRY_NAMESPACE,
      replicas: settings.modelRegistry.replicas,
      database: {
        host: database.host,
        port: database.port,
        databaseName: database.databaseName,
        userName: database.userName,
        password: database.password,
      },
      modelsBucket: storage.buckets.models.name,
      serviceAccountEmail: ids.registry.email,
    },
    { providers: { kubernetes: foundation.provider } },
  );

  return { dataKey, storage, registry, dataPlatform, database, modelRegistry };
}

export type Data = ReturnType<typeof buildData>;
