/**
 * Where the agent's Kubernetes credentials come from: the pod's service account (the API server
 * address from KUBERNETES_SERVICE_HOST/PORT, the token and CA mounted under
 * /var/run/secrets/kubernetes.io/serviceaccount), or a kubeconfig file's current context.
 */
export type KubeconfigSource = { kind: "in-cluster" } | { kind: "file"; path: string };

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * An explicit --kubeconfig wins; otherwise the service account when running in a pod;
 * otherwise none, and the agent answers discovery with FailedPrecondition.
 */
export function kubeconfigSourceFrom(kubeconfig: string | undefined, env: Env): KubeconfigSource | undefined {
  if (kubeconfig) return { kind: "file", path: kubeconfig };
  if (env.KUBERNETES_SERVICE_HOST) return { kind: "in-cluster" };
  return undefined;
}

export function describeSource(source: KubeconfigSource): string {
  return source.kind === "file" ? `kubeconfig ${source.path}` : "in-cluster service account";
}
