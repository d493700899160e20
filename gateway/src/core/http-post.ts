import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

export interface PostResult {
  status: number;
  headers: IncomingMessage["headers"];
  /** The response body as text, only for non-2xx answers (2xx bodies are drained). */
  text: string;
}

const MAX_ERROR_BODY = 4096;

/**
 * One POST over a keep-alive connection pool, with node:http rather than fetch: forwarding is
 * the gateway's hot path, and fetch's web streams cost several times more CPU per request.
 */
export class HttpPoster {
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64 });

  post(
    url: URL,
    headers: Record<string, string>,
    body: Uint8Array,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<PostResult> {
    return new Promise((resolve, reject) => {
      const https = url.protocol === "https:";
      const req = (https ? httpsRequest : httpRequest)(
        url,
        {
          method: "POST",
          agent: https ? this.httpsAgent : this.httpAgent,
          headers: { ...headers, "Content-Length": String(body.byteLength) },
          timeout: timeoutMs,
          signal,
        },
        (res) => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            res.resume();
            res.once("end", () => resolve({ status, headers: res.headers, text: "" }));
            res.once("error", reject);
            return;
          }
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (part: string) => {
            if (text.length < MAX_ERROR_BODY) text += part;
          });
          res.once("end", () =>
            resolve({ status, headers: res.headers, text: text.slice(0, MAX_ERROR_BODY) }),
          );
          res.once("error", reject);
        },
      );
      req.once("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.once("error", reject);
      req.end(body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
