import { mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { SourceAuthSchema } from "@ferry/api";
import { SourceAuthError, SourceCredentials } from "./source-auth";

describe("SourceCredentials", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-auth-spec-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const credentials = (init: Parameters<typeof create<typeof SourceAuthSchema>>[1]) =>
    new SourceCredentials(create(SourceAuthSchema, init));

  it("sends nothing without auth", async () => {
    expect(await new SourceCredentials(undefined).headers()).toEqual({});
    expect(await new SourceCredentials(undefined).tls()).toEqual({ rejectUnauthorized: true });
  });

  it("basic auth reads the password file (trimmed) and adds the extra headers", async () => {
    const file = join(dir, "pw");
    await writeFile(file, "s3cret\n");
    const headers = await credentials({
      basicUsername: "alice",
      basicPasswordFile: file,
      headers: { "X-Scope-OrgID": "t1" },
    }).headers();
    expect(headers).toEqual({
      "X-Scope-OrgID": "t1",
      Authorization: `Basic ${Buffer.from("alice:s3cret").toString("base64")}`,
    });
  });

  it("reads the bearer token again once the file's mtime changes", async () => {
    const file = join(dir, "token");
    await writeFile(file, "one");
    const c = credentials({ bearerTokenFile: file });
    expect((await c.headers()).Authorization).toBe("Bearer one");
    await writeFile(file, "two");
    await utimes(file, new Date(), new Date(Date.now() + 5_000));
    expect((await c.headers()).Authorization).toBe("Bearer two");
  });

  it("a missing or empty file is an error naming the field and the path, never the content", async () => {
    const missing = join(dir, "missing");
    await expect(credentials({ bearerTokenFile: missing }).headers()).rejects.toThrow(
      new SourceAuthError("auth.bearer_token_file", `${missing}: no such file`),
    );
    const empty = join(dir, "empty");
    await writeFile(empty, " \n");
    await expect(credentials({ basicUsername: "u", basicPasswordFile: empty }).headers()).rejects.toThrow(
      `auth.basic_password_file: ${empty}: the file is empty`,
    );
    const broken = join(dir, "broken");
    await writeFile(broken, "secret-part\r\nX-Injected: 1");
    const error = await credentials({ bearerTokenFile: broken })
      .headers()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceAuthError);
    expect(String(error)).not.toContain("secret-part");
  });

  it("reads the CA file and honours insecure_skip_verify", async () => {
    const ca = join(dir, "ca.pem");
    await writeFile(ca, "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n");
    const tls = await credentials({ caFile: ca }).tls();
    expect(tls.rejectUnauthorized).toBe(true);
    expect(tls.ca?.toString()).toContain("BEGIN CERTIFICATE");
    expect(await credentials({ insecureSkipVerify: true }).tls()).toEqual({ rejectUnauthorized: false });
    await expect(credentials({ caFile: join(dir, "nope.pem") }).tls()).rejects.toThrow(/^auth\.ca_file: /);
  });
});
