import * as assert from "node:assert";
import { normalizePrefix, parseImage, underPrefix } from "../../../policies/governance/lib/images";

/**
 * Image references as distribution/reference normalizes them (normalize.go splitDockerDomain): the first
 * segment is a registry when it has a "." or ":" or is "localhost" and a "/" follows; otherwise the image
 * is on docker.io, and a single-segment Docker Hub name is under library/. index.docker.io is Docker
 * Hub's legacy name.
 */
describe("governance image references", () => {
  describe("parseImage", () => {
    const cases: [string, string, string | undefined, string | undefined][] = [
      ["nginx", "docker.io/library/nginx", undefined, undefined],
      ["nginx:1.27", "docker.io/library/nginx", "1.27", undefined],
      ["localhost", "docker.io/library/localhost", undefined, undefined],
      ["pytorch/pytorch:2.5.1-cuda12.4", "docker.io/pytorch/pytorch", "2.5.1-cuda12.4", undefined],
      ["index.docker.io/nginx", "docker.io/library/nginx", undefined, undefined],
      ["index.docker.io/pytorch/pytorch", "docker.io/pytorch/pytorch", undefined, undefined],
      ["localhost/trainer", "localhost/trainer", undefined, undefined],
      ["localhost:5000/team/trainer:v1", "localhost:5000/team/trainer", "v1", undefined],
      ["registry:5000/team/trainer", "registry:5000/team/trainer", undefined, undefined],
      ["us-docker.pkg.dev/p/r/vllm@sha256:abc", "us-docker.pkg.dev/p/r/vllm", undefined, "sha256:abc"],
      ["ghcr.io/kubeflow/trainer:v2@sha256:def", "ghcr.io/kubeflow/trainer", "v2", "sha256:def"],
    ];
    for (const [image, repository, tag, digest] of cases)
      it(`${image} → ${repository}`, () => {
        const ref = parseImage(image);
        assert.deepStrictEqual([ref.repository, ref.tag, ref.digest], [repository, tag, digest]);
        assert.strictEqual(
          ref.normalized,
          `${repository}${tag !== undefined ? `:${tag}` : ""}${digest !== undefined ? `@${digest}` : ""}`,
        );
      });
  });

  describe("normalizePrefix", () => {
    const cases: [string, string][] = [
      ["nginx", "docker.io/library/nginx"],
      ["pytorch/", "docker.io/pytorch/"],
      ["pytorch/vision", "docker.io/pytorch/vision"],
      ["docker.io/nginx", "docker.io/library/nginx"],
      ["index.docker.io/nginx", "docker.io/library/nginx"],
      ["index.docker.io/", "docker.io/"],
      ["docker.io/pytorch/", "docker.io/pytorch/"],
      ["localhost/", "localhost/"],
      ["registry:5000/team", "registry:5000/team"],
      ["*-docker.pkg.dev/", "*-docker.pkg.dev/"],
      ["ghcr.io/kubeflow", "ghcr.io/kubeflow"],
    ];
    for (const [prefix, expected] of cases)
      it(`${prefix} → ${expected}`, () => assert.strictEqual(normalizePrefix(prefix), expected));
  });

  it("matches prefixes at segment boundaries, with * inside one segment", () => {
    const cases: [string, string, boolean][] = [
      ["nginx:1.27", "docker.io/nginx", true],
      ["nginx:1.27", "nginx", true],
      ["pytorch/pytorch:2.5", "pytorch/", true],
      ["pytorch/pytorch:2.5", "docker.io/library/", false],
      ["us-docker.pkg.dev/p/r/vllm:1", "*-docker.pkg.dev/", true],
      ["us-docker.pkg.dev.evil.io/p/r/vllm:1", "*-docker.pkg.dev/", false],
      ["ghcr.io/kubeflow/trainer:v2", "ghcr.io/kubeflow", true],
      ["ghcr.io/kubeflowx/trainer:v2", "ghcr.io/kubeflow", false],
      ["registry:5000/team/trainer", "registry:5000/team", true],
    ];
    for (const [image, prefix, expected] of cases)
      assert.strictEqual(underPrefix(parseImage(image), prefix), expected, `${image} under ${prefix}`);
  });
});
