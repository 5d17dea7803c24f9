import { createHash } from "node:crypto";
import { GENERATED_SERVICE_AGENTS } from "../../components/catalog/apply-prerequisites";

/**
 * Provider-computed outputs, synthesised per resource type the way the cloud would fill them in
 * after an update: ids in each API's format, generated names, endpoints, emails, URLs. Values are
 * derived from the resource's inputs and a hash of its URN, so plans are deterministic.
 */
export interface SynthesisInput {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** Deserialised inputs (secrets unwrapped). */
  readonly inputs: Record<string, unknown>;
  /** The stack's GCP project and region, for resources that take them from the provider. */
  readonly project: string;
  readonly region: string;
}

export interface Synthesised {
  readonly id: string;
  /** Computed outputs, merged over the echoed inputs. */
  readonly outputs: Record<string, unknown>;
}

type Synthesiser = (r: SynthesisInput, h: Hasher) => Synthesised;

/** Deterministic pseudo-random values derived from a resource's URN. */
export class Hasher {
  constructor(private readonly seed: string) {}
  hex(length: number, salt = ""): string {
    return createHash("sha256")
      .update(this.seed + salt)
      .digest("hex")
      .slice(0, length);
  }
  digits(length: number, salt = ""): string {
    const n = BigInt(`0x${this.hex(15, salt)}`).toString();
    return (n + "0".repeat(length)).slice(0, length).replace(/^0/, "1");
  }
  ip(prefix: string, salt = ""): string {
    const bytes = this.hex(8, salt)
      .match(/../g)!
      .map((b) => (parseInt(b, 16) % 250) + 2);
    return `${prefix}.${bytes.slice(0, 4 - prefix.split(".").length).join(".")}`;
  }
}

const str = (value: unknown, fallback: string): string =>
  typeof value === "string" && value.length > 0 ? value : fallback;

/** The physical name: the given `name` input, or Pulumi's auto-name (logical name plus a suffix). */
function physical(r: SynthesisInput, h: Hasher): string {
  return str(r.inputs.name, `${r.name}-${h.hex(7, "name")}`);
}

const projectOf = (r: SynthesisInput) => str(r.inputs.project, r.project);
const regionOf = (r: SynthesisInput) => str(r.inputs.region, r.region);
const computeLink = (path: string) => `https://www.googleapis.com/compute/v1/${path}`;

const fakeCertificate = (h: Hasher) =>
  Buffer.from(`-----BEGIN CERTIFICATE-----\nMIIC${h.hex(48, "ca")}\n-----END CERTIFICATE-----\n`).toString("base64");

const SYNTHESISERS: Record<string, Synthesiser> = {
  "gcp:projects/service:Service": (r) => ({ id: `${projectOf(r)}/${str(r.inputs.service, r.name)}`, outputs: {} }),
  "gcp:compute/network:Network": (r, h) => {
    const name = physical(r, h);
    const id = `projects/${projectOf(r)}/global/networks/${name}`;
    return { id, outputs: { name, selfLink: computeLink(id), networkId: h.digits(19), gatewayIpv4: "" } };
  },
  "gcp:compute/subnetwork:Subnetwork": (r, h) => {
    const name = physical(r, h);
    const id = `projects/${projectOf(r)}/regions/${regionOf(r)}/subnetworks/${name}`;
    const cidr = str(r.inputs.ipCidrRange, "10.0.0.0/20");
    return {
      id,
      outputs: {
        name,
        selfLink: computeLink(id),
        gatewayAddress: cidr.replace(/\d+\/\d+$/, "1"),
        subnetworkId: Number(h.digits(15)),
      },
    };
  },
  "gcp:compute/router:Router": (r, h) => {
    const name = physical(r, h);
    const id = `projects/${projectOf(r)}/regions/${regionOf(r)}/routers/${name}`;
    return { id, outputs: { name, selfLink: computeLink(id) } };
  },
  "gcp:compute/routerNat:RouterNat": (r, h) => {
    const name = physical(r, h);
    return { id: `${projectOf(r)}/${regionOf(r)}/${str(r.inputs.router, "router")}/${name}`, outputs: { name } };
  },
  "gcp:kms/keyRing:KeyRing": (r, h) => {
    const name = physical(r, h);
    return {
      id: `projects/${projectOf(r)}/locations/${str(r.inputs.location, r.region)}/keyRings/${name}`,
      outputs: { name },
    };
  },
  "gcp:kms/cryptoKey:CryptoKey": (r, h) => {
    const name = physical(r, h);
    return {
      id: `${str(r.inputs.keyRing, `projects/${r.project}/locations/${r.region}/keyRings/ring`)}/cryptoKeys/${name}`,
      outputs: { name, primaries: [] },
    };
  },
  "gcp:serviceaccount/account:Account": (r, h) => {
    const project = projectOf(r);
    const accountId = str(r.inputs.accountId, `sa-${h.hex(8)}`);
    const email = `${accountId}@${project}.iam.gserviceaccount.com`;
    return {
      id: `projects/${project}/serviceAccounts/${email}`,
      outputs: {
        email,
        name: `projects/${project}/serviceAccounts/${email}`,
        uniqueId: h.digits(21),
        member: `serviceAccount:${email}`,
      },
    };
  },
  "gcp:container/cluster:Cluster": (r, h) => {
    const project = projectOf(r);
    const name = physical(r, h);
    const location = str(r.inputs.location, r.region);
    const id = `projects/${project}/locations/${location}/clusters/${name}`;
    const pcc = (r.inputs.privateClusterConfig ?? {}) as Record<string, unknown>;
    const endpoints = (r.inputs.controlPlaneEndpointsConfig ?? {}) as Record<string, unknown>;
    const master = (r.inputs.masterAuth ?? {}) as Record<string, unknown>;
    const privateEndpoint = str(pcc.masterIpv4CidrBlock, "172.16.0.0/28").replace(/\d+\/\d+$/, "2");
    return {
      id,
      outputs: {
        name,
        endpoint: pcc.enablePrivateEndpoint === true ? privateEndpoint : h.ip("34", "endpoint"),
        selfLink: `https://container.googleapis.com/v1/${id}`,
        masterVersion: "1.33.5-gke.1162000",
        labelFingerprint: h.hex(8, "labels"),
        masterAuth: { ...master, clusterCaCertificate: fakeCertificate(h) },
        privateClusterConfig: {
          ...pcc,
          privateEndpoint,
          publicEndpoint: h.ip("34", "endpoint"),
          peeringName: `gke-n${h.hex(16)}-peer`,
        },
        controlPlaneEndpointsConfig: {
          ...endpoints,
          dnsEndpointConfig: {
            ...((endpoints.dnsEndpointConfig ?? {}) as object),
            endpoint: `gke-${h.hex(32, "dns")}-${h.digits(12)}.${location}.gke.goog`,
          },
        },
        operation: null,
      },
    };
  },
  "gcp:container/nodePool:NodePool": (r, h) => {
    const name = physical(r, h);
    const location = str(r.inputs.location, r.region);
    const cluster = str(r.inputs.cluster, "cluster");
    const id = `projects/${projectOf(r)}/locations/${location}/clusters/${cluster}/nodePools/${name}`;
    return {
      id,
      outputs: {
        name,
        version: "1.33.5-gke.1162000",
        instanceGroupUrls: [
          computeLink(
            `projects/${projectOf(r)}/zones/${location}/instanceGroupManagers/gke-${cluster}-${name}-${h.hex(8)}-grp`,
          ),
        ],
        operation: null,
      },
    };
  },
  "gcp:compute/globalAddress:GlobalAddress": (r, h) => {
    const name = physical(r, h);
    const id = `projects/${projectOf(r)}/global/addresses/${name}`;
    return { id, outputs: { name, selfLink: computeLink(id), address: str(r.inputs.address, h.ip("10", "address")) } };
  },
  "gcp:servicenetworking/connection:Connection": (r) => ({
    id: `${str(r.inputs.network, "network")}:${str(r.inputs.service, "servicenetworking.googleapis.com")}`,
    outputs: { peering: "servicenetworking-googleapis-com" },
  }),
  "gcp:storage/bucket:Bucket": (r, h) => {
    const name = physical(r, h);
    return {
      id: name,
      outputs: {
        name,
        url: `gs://${name}`,
        selfLink: `https://www.googleapis.com/storage/v1/b/${name}`,
        projectNumber: Number(h.digits(12, "project")),
      },
    };
  },
  "gcp:artifactregistry/repository:Repository": (r, h) => {
    const repositoryId = str(r.inputs.repositoryId, `${r.name}-${h.hex(6)}`);
    const id = `projects/${projectOf(r)}/locations/${str(r.inputs.location, r.region)}/repositories/${repositoryId}`;
    return { id, outputs: { name: repositoryId, createTime: "2026-11-28T00:00:00Z" } };
  },
  "gcp:sql/databaseInstance:DatabaseInstance": (r, h) => {
    const name = physical(r, h);
    const region = regionOf(r);
    const privateIp = h.ip("10.30", "sql");
    return {
      id: name,
      outputs: {
        name,
        connectionName: `${projectOf(r)}:${region}:${name}`,
        privateIpAddress: privateIp,
        ipAddresses: [{ ipAddress: privateIp, type: "PRIVATE" }],
        selfLink: `https://sqladmin.googleapis.com/sql/v1beta4/projects/${projectOf(r)}/instances/${name}`,
        serviceAccountEmailAddress: `p${h.digits(12)}-${h.hex(6)}@gcp-sa-cloud-sql.iam.gserviceaccount.com`,
        dnsName: `${h.hex(12)}.${h.hex(6)}.${region}.sql.goog.`,
      },
    };
  },
  "gcp:sql/database:Database": (r, h) => ({
    id: `projects/${projectOf(r)}/instances/${str(r.inputs.instance, "instance")}/databases/${physical(r, h)}`,
    outputs: { name: physical(r, h) },
  }),
  "gcp:sql/user:User": (r, h) => ({
    id: `${physical(r, h)}//${str(r.inputs.instance, "instance")}`,
    outputs: { name: physical(r, h) },
  }),
  "gcp:secretmanager/secret:Secret": (r, h) => {
    const secretId = str(r.inputs.secretId, `${r.name}-${h.hex(6)}`);
    const id = `projects/${projectOf(r)}/secrets/${secretId}`;
    return { id, outputs: { secretId, name: `projects/${h.digits(12, "project")}/secrets/${secretId}` } };
  },
  "gcp:secretmanager/secretVersion:SecretVersion": (r) => {
    const name = `${str(r.inputs.secret, "projects/p/secrets/s")}/versions/1`;
    return { id: name, outputs: { name, version: "1", enabled: true } };
  },
  "gcp:bigquery/dataset:Dataset": (r, h) => {
    const datasetId = str(r.inputs.datasetId, `${r.name.replace(/-/g, "_")}_${h.hex(6)}`);
    const id = `projects/${projectOf(r)}/datasets/${datasetId}`;
    return {
      id,
      outputs: {
        datasetId,
        selfLink: `https://bigquery.googleapis.com/bigquery/v2/${id}`,
        creationTime: 1795000000000,
      },
    };
  },
  "gcp:bigquery/table:Table": (r, h) => {
    const tableId = str(r.inputs.tableId, `${r.name.replace(/-/g, "_")}_${h.hex(6)}`);
    const id = `projects/${projectOf(r)}/datasets/${str(r.inputs.datasetId, "dataset")}/tables/${tableId}`;
    return {
      id,
      outputs: { tableId, selfLink: `https://bigquery.googleapis.com/bigquery/v2/${id}`, expirationTime: 0 },
    };
  },
  "gcp:pubsub/topic:Topic": (r, h) => {
    const name = physical(r, h);
    return { id: `projects/${projectOf(r)}/topics/${name}`, outputs: { name } };
  },
  "gcp:pubsub/subscription:Subscription": (r, h) => {
    const name = physical(r, h);
    return { id: `projects/${projectOf(r)}/subscriptions/${name}`, outputs: { name } };
  },
  "gcp:dataplex/datascan:Datascan": (r, h) => {
    const dataScanId = str(r.inputs.dataScanId, `${r.name}-${h.hex(6)}`);
    const name = `projects/${projectOf(r)}/locations/${str(r.inputs.location, r.region)}/dataScans/${dataScanId}`;
    return { id: name, outputs: { dataScanId, name, uid: h.hex(32, "uid"), state: "ACTIVE" } };
  },
  "gcp:projects/serviceIdentity:ServiceIdentity": (r, h) => {
    // The agent's domain as Google names it (gcp-sa-cloud-sql for sqladmin), else gcp-sa-<api>.
    const api = str(r.inputs.service, "service.googleapis.com");
    const domain =
      Object.entries(GENERATED_SERVICE_AGENTS).find(([, service]) => service === api)?.[0] ??
      `gcp-sa-${api.split(".")[0]}`;
    const email = `service-${h.digits(12, projectOf(r))}@${domain}.iam.gserviceaccount.com`;
    return {
      id: `projects/${projectOf(r)}/services/${str(r.inputs.service, "service")}`,
      outputs: { email, member: `serviceAccount:${email}` },
    };
  },
  "gcp:cloudrunv2/service:Service": (r, h) => {
    const name = physical(r, h);
    const location = str(r.inputs.location, r.region);
    return {
      id: `projects/${projectOf(r)}/locations/${location}/services/${name}`,
      outputs: {
        name,
        uri: `https://${name}-${h.hex(10, "run")}-uc.a.run.app`,
        urls: [`https://${name}-${h.digits(12)}.${location}.run.app`],
        uid: h.hex(32, "uid"),
      },
    };
  },
  "random:index/randomPassword:RandomPassword": (_r, h) => {
    const result = h.hex(32, "password");
    return { id: "none", outputs: { result, bcryptHash: `$2a$10$${h.hex(53, "bcrypt")}` } };
  },
};

/** IAM members and bindings: an id from the resource and role, and an etag. */
function iamSynthesiser(r: SynthesisInput, h: Hasher): Synthesised {
  const target = [
    "project",
    "cryptoKeyId",
    "bucket",
    "repository",
    "serviceAccountId",
    "secretId",
    "topic",
    "subscription",
    "datasetId",
    "name",
  ]
    .map((key) => r.inputs[key])
    .find((value): value is string => typeof value === "string");
  return {
    id: `${target ?? r.project}/${str(r.inputs.role, "role")}/${str(r.inputs.member, "member")}`,
    outputs: { etag: `BwY${h.hex(10, "etag")}` },
  };
}

/** A provider's id: providers have ids in previews too, so resources can reference them. */
export function providerId(urn: string): string {
  const hex = new Hasher(urn).hex(32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function synthesise(r: SynthesisInput): Synthesised {
  const h = new Hasher(r.urn);
  const specific = SYNTHESISERS[r.type];
  if (specific) return specific(r, h);
  if (/^gcp:[a-z0-9]+\/[a-zA-Z]*IAM(Member|Binding):/.test(r.type)) return iamSynthesiser(r, h);
  if (r.type.startsWith("gcp:")) {
    const name = physical(r, h);
    return { id: `projects/${projectOf(r)}/${r.type.split(":")[1].split("/")[0]}/${name}`, outputs: { name } };
  }
  return { id: `${r.name}-${h.hex(8)}`, outputs: {} };
}

/** Canned answers for provider functions (invokes) the program calls. */
export function synthesiseInvoke(
  token: string,
  args: Record<string, unknown>,
  project: string,
): Record<string, unknown> {
  switch (token) {
    case "gcp:organizations/getProject:getProject": {
      const projectId = str(args.projectId, project);
      return {
        id: `projects/${projectId}`,
        projectId,
        name: projectId,
        number: new Hasher(projectId).digits(12),
        labels: {},
      };
    }
    case "gcp:storage/getProjectServiceAccount:getProjectServiceAccount": {
      const email = `service-${new Hasher(str(args.project, project)).digits(12)}@gs-project-accounts.iam.gserviceaccount.com`;
      return { id: email, emailAddress: email, member: `serviceAccount:${email}`, project: str(args.project, project) };
    }
    case "gcp:storage/getTransferProjectServiceAccount:getTransferProjectServiceAccount": {
      // project-<project number>@storage-transfer-service (Storage Transfer Service googleServiceAccounts.get).
      const email = `project-${new Hasher(str(args.project, project)).digits(12)}@storage-transfer-service.iam.gserviceaccount.com`;
      return {
        id: email,
        email,
        member: `serviceAccount:${email}`,
        subjectId: new Hasher(email).digits(21),
        project: str(args.project, project),
      };
    }
    case "gcp:bigquery/getDefaultServiceAccount:getDefaultServiceAccount": {
      const email = `bq-${new Hasher(str(args.project, project)).digits(12)}@bigquery-encryption.iam.gserviceaccount.com`;
      return { id: email, email, member: `serviceAccount:${email}`, project: str(args.project, project) };
    }
    case "gcp:organizations/getClientConfig:getClientConfig":
      return { id: "client", project, region: "", zone: "", accessToken: "[secret]" };
    default:
      return {};
  }
}
