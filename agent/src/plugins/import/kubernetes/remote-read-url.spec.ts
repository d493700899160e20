import { remoteReadUrl, serviceHost } from "./remote-read-url";

describe("remoteReadUrl", () => {
  const base = { scheme: "http", host: serviceHost("prometheus-k8s", "monitoring"), port: 9090 } as const;

  it("serves the API at the root when the route prefix is the default", () => {
    expect(remoteReadUrl({ ...base, routePrefix: "/" })).toBe(
      "http://prometheus-k8s.monitoring.svc:9090/api/v1/read",
    );
  });

  it.each(["/prom", "prom", "/prom/", "prom/"])("puts route prefix %j before /api/v1/read", (routePrefix) => {
    expect(remoteReadUrl({ ...base, routePrefix })).toBe(
      "http://prometheus-k8s.monitoring.svc:9090/prom/api/v1/read",
    );
  });

  it("keeps nested prefixes and the https scheme", () => {
    expect(remoteReadUrl({ ...base, scheme: "https", port: 443, routePrefix: "/a/b/" })).toBe(
      "https://prometheus-k8s.monitoring.svc:443/a/b/api/v1/read",
    );
  });
});
