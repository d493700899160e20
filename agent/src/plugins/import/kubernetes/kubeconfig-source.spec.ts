import { kubeconfigSourceFrom } from "./kubeconfig-source";

describe("kubeconfigSourceFrom", () => {
  const inPod = { KUBERNETES_SERVICE_HOST: "10.43.0.1", KUBERNETES_SERVICE_PORT: "443" };

  it("prefers an explicit --kubeconfig, even inside a pod", () => {
    expect(kubeconfigSourceFrom("/etc/ferry/kubeconfig", inPod)).toEqual({
      kind: "file",
      path: "/etc/ferry/kubeconfig",
    });
  });

  it("uses the pod's service account when the API server is announced", () => {
    expect(kubeconfigSourceFrom(undefined, inPod)).toEqual({ kind: "in-cluster" });
  });

  it("has none outside a cluster without --kubeconfig", () => {
    expect(kubeconfigSourceFrom(undefined, { KUBECONFIG: "/home/me/.kube/config" })).toBeUndefined();
  });
});
