import * as assert from "node:assert";
import { trainingQueueLabel } from "../../../policies/governance/policies/training-queue-label";
import { messagesOf } from "../../helpers/policy";

const job = (type: string, labels: Record<string, string>, namespace = "team-vision") => ({
  type,
  inputs: { metadata: { name: "j", namespace, labels }, spec: {} },
});
const QUEUE = { "kueue.x-k8s.io/queue-name": "team-queue" };
const TRAIN_JOB = "kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob";
const PYTORCH_JOB = "kubernetes:kubeflow.org/v1:PyTorchJob";
const BATCH_JOB = "kubernetes:batch/v1:Job";

describe("policy cnai-training-queue-label", () => {
  it("passes training jobs that name a LocalQueue", async () => {
    assert.deepStrictEqual(
      await messagesOf(trainingQueueLabel, [
        job(TRAIN_JOB, QUEUE),
        job(PYTORCH_JOB, QUEUE),
        job("kubernetes:jobset.x-k8s.io/v1alpha2:JobSet", QUEUE),
      ]),
      [],
    );
  });

  it("reports a training job without the label, or with an empty one", async () => {
    const messages = await messagesOf(trainingQueueLabel, [
      job(TRAIN_JOB, {}),
      job("kubernetes:ray.io/v1:RayJob", { "kueue.x-k8s.io/queue-name": "" }),
    ]);
    assert.deepStrictEqual(messages, [
      "TrainJob in team-vision has no kueue.x-k8s.io/queue-name label, so Kueue does not queue it against the team's quota. Add the label with the namespace's LocalQueue (TrainingJob sets it from the queue argument).",
      "RayJob in team-vision has no kueue.x-k8s.io/queue-name label, so Kueue does not queue it against the team's quota. Add the label with the namespace's LocalQueue (TrainingJob sets it from the queue argument).",
    ]);
  });

  it("leaves plain batch Jobs alone by default", async () => {
    assert.deepStrictEqual(await messagesOf(trainingQueueLabel, [job(BATCH_JOB, {})]), []);
  });

  it("adds kinds and limits namespaces through config (batch Jobs in team namespaces)", async () => {
    const config = { kinds: ["Job"], namespaces: ["team-"] };
    const messages = await messagesOf(
      trainingQueueLabel,
      [job(BATCH_JOB, {}), job(BATCH_JOB, {}, "kube-system"), job(TRAIN_JOB, {})],
      config,
    );
    assert.deepStrictEqual(
      messages.map((m) => m.split(" has")[0]),
      ["Job in team-vision"],
    );
  });

  it("checks a namespace matching any of several configured prefixes", async () => {
    const messages = await messagesOf(trainingQueueLabel, [job(TRAIN_JOB, {}, "ml-research")], {
      namespaces: ["team-", "ml-"],
    });
    assert.strictEqual(messages.length, 1);
    assert.deepStrictEqual(
      await messagesOf(trainingQueueLabel, [job(TRAIN_JOB, {}, "kube-system")], { namespaces: ["team-", "ml-"] }),
      [],
    );
  });
});
