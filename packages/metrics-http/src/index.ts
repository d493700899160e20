export { MetricsServer, type MetricsSource } from "./metrics-server";
