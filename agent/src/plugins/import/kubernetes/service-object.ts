/** The fields of a core/v1 Service that discovery reads. */
export interface ServiceObject {
  namespace: string;
  name: string;
  labels: Readonly<Record<string, string>>;
  /** spec.selector; empty for a Service without one (its endpoints are managed by hand). */
  selector: Readonly<Record<string, string>>;
  /** spec.clusterIP is "None": DNS answers with the pods' addresses. */
  headless: boolean;
  ports: readonly ServicePortObject[];
}

export interface ServicePortObject {
  name: string;
  port: number;
  /** A container port number or name; absent means the same as `port`. */
  targetPort: number | string | undefined;
}
