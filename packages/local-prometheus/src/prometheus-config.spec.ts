import { buildPrometheusConfig } from "./prometheus-config";

describe("buildPrometheusConfig", () => {
  it("puts the out-of-order window under storage.tsdb and remote_write with fast queues", () => {
    const config: unknown = JSON.parse(
      buildPrometheusConfig({
        port: 19_290,
        outOfOrderWindow: "100y",
        scrapeSelf: true,
        remoteWrite: [{ url: "http://127.0.0.1:1/push", headers: { "X-Scope-OrgID": "c1" } }],
      }),
    );
    expect(config).toMatchObject({
      storage: { tsdb: { out_of_order_time_window: "100y" } },
      scrape_configs: [{ static_configs: [{ targets: ["127.0.0.1:19290"] }] }],
      remote_write: [
        {
          url: "http://127.0.0.1:1/push",
          headers: { "X-Scope-OrgID": "c1" },
          queue_config: { batch_send_deadline: "1s" },
        },
      ],
    });
  });

  it("leaves storage and scraping out unless asked", () => {
    const config: unknown = JSON.parse(buildPrometheusConfig({ port: 1 }));
    expect(config).toEqual({
      global: { scrape_interval: "15s", evaluation_interval: "15s" },
      scrape_configs: [],
      remote_write: [],
    });
  });
});
