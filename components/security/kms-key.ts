import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { childOptions } from "../child-options";
import { checkMembers } from "../iam";
import { governanceLabels, type StackLabels } from "../labels";
import { NAME_LIMITS, physicalName } from "../naming";

export interface KmsKeyArgs {
  project: string;
  /** KMS location; a region, so the key sits with the data it protects. */
  location: string;
  prefix: string;
  labels: StackLabels;
  /** What the key protects, for its name (`gke-secrets`, `data`). */
  purpose: string;
  /**
   * Days between automatic key rotations.
   * @default 90
   */
  rotationDays?: number;
  /** Members (service agents) allowed to encrypt and decrypt with the key. */
  encrypterDecrypters?: pulumi.Input<string>[];
  /**
   * Protect the key and its key ring from deletion and replacement by Pulumi (destroying a key
   * destroys the data under it; replacing the ring replaces the key).
   * @default false
   */
  protect?: boolean;
}

/** A Cloud KMS key ring and an automatically rotated symmetric key, with its users. */
/** Days between key rotations by default, which is also the base profile's `encryption.keyRotationDays`. */
export const KEY_ROTATION_DAYS = 90;

export class KmsKey extends pulumi.ComponentResource {
  public readonly keyRing: gcp.kms.KeyRing;
  public readonly key: gcp.kms.CryptoKey;
  /** The key's resource id, for `kmsKeyName`/`keyName` fields. */
  public readonly keyId: pulumi.Output<string>;

  constructor(name: string, args: KmsKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:security:KmsKey", name, {}, opts);
    const rotationDays = args.rotationDays ?? KEY_ROTATION_DAYS;
    if (!Number.isInteger(rotationDays) || rotationDays < 1 || rotationDays > 365) {
      throw new pulumi.ResourceError(
        `KmsKey "${name}": rotationDays must be an integer from 1 to 365 (got ${rotationDays})`,
        this,
      );
    }
    checkMembers(`KmsKey "${name}"`, "encrypterDecrypters", args.encrypterDecrypters, this);
    this.keyRing = new gcp.kms.KeyRing(
      `${name}-ring`,
      {
        project: args.project,
        location: args.location,
        name: physicalName([args.prefix, args.purpose], NAME_LIMITS.kms),
      },
      // The provider cannot delete a key ring ("Destroying a provider-managed KeyRing will remove it
      // from state", @pulumi/gcp 9.x kms.KeyRing docs): keep it out of destroy. Protected with the key,
      // since renaming the ring replaces the key under it; `protect` is also the only deletion option
      // CrossGuard shows a policy (cnai-stateful-protected).
      childOptions(this, opts, { retainOnDelete: true, protect: args.protect ?? false }),
    );
    this.key = new gcp.kms.CryptoKey(
      `${name}-key`,
      {
        name: physicalName([args.prefix, args.purpose, "key"], NAME_LIMITS.kms),
        keyRing: this.keyRing.id,
        purpose: "ENCRYPT_DECRYPT",
        rotationPeriod: `${rotationDays * 86400}s`,
        versionTemplate: { algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION", protectionLevel: "SOFTWARE" },
        labels: governanceLabels(args.labels, "kms-key"),
      },
      childOptions(this, opts, { protect: args.protect ?? false }),
    );
    (args.encrypterDecrypters ?? []).forEach((member, i) => {
      new gcp.kms.CryptoKeyIAMMember(
        `${name}-user-${i}`,
        { cryptoKeyId: this.key.id, role: "roles/cloudkms.cryptoKeyEncrypterDecrypter", member },
        childOptions(this, opts),
      );
    });
    this.keyId = this.key.id;
    this.registerOutputs({ keyId: this.keyId });
  }
}
