import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { childOptions } from "../child-options";
import { argumentError } from "../component-error";
import { checkMembers } from "../iam";
import { type DataClassification, dataLabels, governanceLabels, missingKeyProblem, type StackLabels } from "../labels";
import { physicalName } from "../naming";

export interface PostgresDatabaseArgs {
  project: string;
  region: string;
  prefix: string;
  labels: StackLabels;
  /** What the database serves, for names (`model-registry`). */
  purpose: string;
  /** The VPC (id or self link) the private IP lives in; needs private services access. */
  network: pulumi.Input<string>;
  /** @default "registry" */
  databaseName?: string;
  /** @default "registry" */
  userName?: string;
  /** @default "internal" */
  classification?: DataClassification;
  /** Cloud SQL machine tier. @default "db-custom-1-3840" */
  tier?: string;
  /** Regional (HA) instance with a standby in another zone. @default false */
  highAvailability?: boolean;
  /** @default 20 */
  diskSizeGb?: number;
  /** Point-in-time recovery (7 days of write-ahead logs). @default false */
  pointInTimeRecovery?: boolean;
  /** Automated daily backups kept. @default 7 */
  retainedBackups?: number;
  /** Cloud SQL deletion protection (API and provider). @default true */
  deletionProtection?: boolean;
  /** A Cloud KMS key for the instance's disks and backups. Required for confidential and restricted data. @default none */
  kmsKeyName?: pulumi.Input<string>;
  /** Members that may read the password from Secret Manager. @default [] */
  secretAccessors?: pulumi.Input<string>[];
  /** @default false */
  protect?: boolean;
}

/**
 * Cloud SQL for PostgreSQL on a private IP only, TLS required, automated backups, optional HA and
 * point-in-time recovery, with one database and one user whose password `@pulumi/random` generates.
 * The password stays secret end to end: Pulumi secret, Secret Manager, never an output in clear.
 */
export class PostgresDatabase extends pulumi.ComponentResource {
  public readonly instance: gcp.sql.DatabaseInstance;
  /** Private IP of the instance. */
  public readonly host: pulumi.Output<string>;
  public readonly port = 5432;
  public readonly databaseName: string;
  public readonly userName: string;
  /** The generated password; a Pulumi secret. */
  public readonly password: pulumi.Output<string>;
  /** The Secret Manager secret holding the password. */
  public readonly passwordSecretId: pulumi.Output<string>;
  public readonly connectionName: pulumi.Output<string>;

  constructor(name: string, args: PostgresDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:data:PostgresDatabase", name, {}, opts);
    const spec = resolvePostgresDatabaseArgs(name, args, this);
    const protect = args.protect ?? false;
    this.databaseName = spec.databaseName;
    this.userName = spec.userName;

    const password = new random.RandomPassword(
      `${name}-password`,
      // Letters and digits only: the password goes into connection URLs unescaped.
      { length: 32, special: false, minUpper: 2, minLower: 2, minNumeric: 2 },
      childOptions(this, opts),
    );
    this.password = pulumi.secret(password.result);

    this.instance = new gcp.sql.DatabaseInstance(
      name,
      {
        project: args.project,
        region: args.region,
        name: physicalName([args.prefix, args.purpose], 80),
        databaseVersion: "POSTGRES_16",
        deletionProtection: spec.deletionProtection,
        encryptionKeyName: args.kmsKeyName,
        settings: {
          tier: spec.tier,
          edition: "ENTERPRISE",
          availabilityType: spec.highAvailability ? "REGIONAL" : "ZONAL",
          diskType: "PD_SSD",
          diskSize: spec.diskSizeGb,
          diskAutoresize: true,
          deletionProtectionEnabled: spec.deletionProtection,
          ipConfiguration: { ipv4Enabled: false, privateNetwork: args.network, sslMode: "ENCRYPTED_ONLY" },
          backupConfiguration: {
            enabled: true,
            startTime: "02:00",
            pointInTimeRecoveryEnabled: spec.pointInTimeRecovery,
            transactionLogRetentionDays: spec.pointInTimeRecovery ? 7 : undefined,
            backupRetentionSettings: { retainedBackups: spec.retainedBackups, retentionUnit: "COUNT" },
          },
          maintenanceWindow: { day: 7, hour: 3, updateTrack: "stable" },
          insightsConfig: { queryInsightsEnabled: true, recordApplicationTags: true, recordClientAddress: false },
          passwordValidationPolicy: { enablePasswordPolicy: true, minLength: 16, disallowUsernameSubstring: true },
          databaseFlags: [{ name: "log_min_duration_statement", value: "1000" }],
          userLabels: dataLabels(args.labels, "postgres-database", spec.classification),
        },
      },
      childOptions(this, opts, { protect }),
    );
    new gcp.sql.Database(
      `${name}-db`,
      { project: args.project, instance: this.instance.name, name: spec.databaseName },
      childOptions(this, opts, { protect }),
    );
    new gcp.sql.User(
      `${name}-user`,
      { project: args.project, instance: this.instance.name, name: spec.userName, password: this.password },
      childOptions(this, opts),
    );

    const secret = new gcp.secretmanager.Secret(
      `${name}-password`,
      {
        project: args.project,
        secretId: physicalName([args.prefix, args.purpose, "db-password"], 255),
        replication: {
          userManaged: {
            replicas: [
              {
                location: args.region,
                customerManagedEncryption: args.kmsKeyName ? { kmsKeyName: args.kmsKeyName } : undefined,
              },
            ],
          },
        },
        labels: governanceLabels(args.labels, "postgres-database"),
      },
      childOptions(this, opts, { protect }),
    );
    new gcp.secretmanager.SecretVersion(
      `${name}-password`,
      { secret: secret.id, secretData: this.password },
      childOptions(this, opts),
    );
    (args.secretAccessors ?? []).forEach((member, i) => {
      new gcp.secretmanager.SecretIamMember(
        `${name}-password-accessor-${i}`,
        { project: args.project, secretId: secret.secretId, role: "roles/secretmanager.secretAccessor", member },
        childOptions(this, opts),
      );
    });

    this.host = this.instance.privateIpAddress;
    this.passwordSecretId = secret.id;
    this.connectionName = this.instance.connectionName;
    this.registerOutputs({
      host: this.host,
      port: this.port,
      databaseName: this.databaseName,
      userName: this.userName,
      connectionName: this.connectionName,
      passwordSecretId: this.passwordSecretId,
    });
  }
}

export interface ResolvedPostgresDatabase {
  databaseName: string;
  userName: string;
  classification: DataClassification;
  tier: string;
  highAvailability: boolean;
  diskSizeGb: number;
  pointInTimeRecovery: boolean;
  retainedBackups: number;
  deletionProtection: boolean;
}

/** The instance's defaults, which are also the base profile's `modelRegistry.database` settings. */
export const POSTGRES_DEFAULTS = {
  tier: "db-custom-1-3840",
  highAvailability: false,
  diskSizeGb: 20,
  pointInTimeRecovery: false,
  retainedBackups: 7,
} as const;

/** Applies defaults and checks the args; throws a ResourceError. Pure. */
export function resolvePostgresDatabaseArgs(
  name: string,
  args: PostgresDatabaseArgs,
  resource?: pulumi.Resource,
): ResolvedPostgresDatabase {
  const fail = argumentError("PostgresDatabase", name, resource);
  const spec: ResolvedPostgresDatabase = {
    databaseName: args.databaseName ?? "registry",
    userName: args.userName ?? "registry",
    classification: args.classification ?? "internal",
    tier: args.tier ?? POSTGRES_DEFAULTS.tier,
    highAvailability: args.highAvailability ?? POSTGRES_DEFAULTS.highAvailability,
    diskSizeGb: args.diskSizeGb ?? POSTGRES_DEFAULTS.diskSizeGb,
    pointInTimeRecovery: args.pointInTimeRecovery ?? POSTGRES_DEFAULTS.pointInTimeRecovery,
    retainedBackups: args.retainedBackups ?? POSTGRES_DEFAULTS.retainedBackups,
    deletionProtection: args.deletionProtection ?? true,
  };
  const missingKey = missingKeyProblem(spec.classification, args.kmsKeyName);
  if (missingKey) fail(missingKey);
  const tierProblem = cloudSqlTierProblem(spec.tier);
  if (tierProblem) fail(`tier: ${tierProblem}`);
  if (!Number.isInteger(spec.diskSizeGb) || spec.diskSizeGb < 10)
    fail(`diskSizeGb must be a whole number, at least 10 (got ${spec.diskSizeGb})`);
  if (!Number.isInteger(spec.retainedBackups) || spec.retainedBackups < 1 || spec.retainedBackups > 365) {
    fail(`retainedBackups must be from 1 to 365 (got ${spec.retainedBackups})`);
  }
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(spec.databaseName))
    fail(`databaseName must be a lower-case identifier (got ${spec.databaseName})`);
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(spec.userName))
    fail(`userName must be a lower-case identifier (got ${spec.userName})`);
  checkMembers(`PostgresDatabase "${name}"`, "secretAccessors", args.secretAccessors, resource);
  return spec;
}

/**
 * Why a tier cannot run an Enterprise-edition PostgreSQL instance, or undefined if it can.
 * Source: Cloud SQL "Machine series overview": shared-core db-f1-micro and db-g1-small, or
 * db-custom-<vCPUs>-<MiB> with 1 or an even number of vCPUs up to 96, and 0.9 to 6.5 GiB of
 * memory per vCPU in multiples of 256 MiB.
 */
export function cloudSqlTierProblem(tier: string): string | undefined {
  if (tier === "db-f1-micro" || tier === "db-g1-small") return undefined;
  const custom = /^db-custom-(\d+)-(\d+)$/.exec(tier);
  if (!custom)
    return `${tier} is not an Enterprise-edition tier; use db-custom-<vCPUs>-<MiB> (db-custom-2-7680), db-g1-small or db-f1-micro`;
  const [vcpus, mib] = [Number(custom[1]), Number(custom[2])];
  if (!(vcpus === 1 || (vcpus % 2 === 0 && vcpus <= 96)))
    return `${tier} has ${vcpus} vCPUs; allowed: 1 or an even number up to 96`;
  if (mib % 256 !== 0) return `${tier} has ${mib} MiB; memory must be a multiple of 256 MiB`;
  const min = Math.ceil((0.9 * 1024 * vcpus) / 256) * 256;
  const max = Math.floor((6.5 * 1024 * vcpus) / 256) * 256;
  if (mib < min || mib > max)
    return `${tier} has ${mib} MiB for ${vcpus} vCPU${vcpus === 1 ? "" : "s"}; allowed: ${min} to ${max} MiB`;
  return undefined;
}
