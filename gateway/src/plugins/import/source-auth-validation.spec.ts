import { create } from "@bufbuild/protobuf";
import { ConnectError } from "@connectrpc/connect";
import { SourceAuthSchema } from "@ferry/api";
import { redactTarget } from "./source-auth-redaction";
import { MAX_SOURCE_HEADERS, requireSourceAuth } from "./source-auth-validation";

const auth = (init: Parameters<typeof create<typeof SourceAuthSchema>>[1]) => create(SourceAuthSchema, init);

function problem(init: Parameters<typeof create<typeof SourceAuthSchema>>[1]): string {
  try {
    requireSourceAuth(auth(init));
    return "accepted";
  } catch (error) {
    return ConnectError.from(error).rawMessage;
  }
}

describe("requireSourceAuth", () => {
  it("keeps valid credentials and drops empty ones", () => {
    expect(requireSourceAuth(undefined)).toBeUndefined();
    expect(requireSourceAuth(auth({}))).toBeUndefined();
    const ok = requireSourceAuth(
      auth({ basicUsername: "u", basicPasswordFile: "/p", headers: { "X-Scope-OrgID": "t" }, caFile: "/ca" }),
    );
    expect(ok?.headers).toEqual({ "X-Scope-OrgID": "t" });
  });

  it("names the field of each problem", () => {
    expect(problem({ caFile: "ca.pem" })).toMatch(/^auth\.ca_file: "ca\.pem" is not an absolute path/);
    expect(problem({ bearerTokenFile: "/t\n" })).toMatch(/^auth\.bearer_token_file: /);
    expect(problem({ basicPasswordFile: "/p" })).toBe(
      "auth.basic_username: is required with basic_password_file",
    );
    expect(problem({ basicUsername: "a:b" })).toBe("auth.basic_username: must not contain ':'");
    expect(problem({ basicUsername: "u", bearerTokenFile: "/t" })).toMatch(
      /^auth\.bearer_token_file: cannot/,
    );
    expect(problem({ headers: { "X Bad": "v" } })).toMatch(
      /^auth\.headers\["X Bad"\]: is not a valid header name/,
    );
    expect(problem({ headers: { "content-type": "x" } })).toMatch(
      /^auth\.headers\["content-type"\]: may not/,
    );
    expect(problem({ headers: { Authorization: "Bearer x" } })).toMatch(/^auth\.headers\["Authorization"\]/);
    expect(problem({ headers: { "X-A": "1", "x-a": "2" } })).toMatch(/given twice/);
    expect(problem({ headers: { "X-A": "" } })).toBe('auth.headers["X-A"]: needs a value');
    const crlf = problem({ headers: { "X-A": "secret\r\nX-B: 1" } });
    expect(crlf).toMatch(/^auth\.headers\["X-A"\]: the value must be printable/);
    expect(crlf).not.toContain("secret");
    const many = Object.fromEntries(
      Array.from({ length: MAX_SOURCE_HEADERS + 1 }, (_, i) => [`X-${i}`, "v"]),
    );
    expect(problem({ headers: many })).toMatch(/^auth\.headers: 33 headers, at most 32/);
  });

  it("<redacted> keeps the stored value of that header on an edit", () => {
    const stored = auth({ headers: { "X-Scope-OrgID": "tenant-1" } });
    const edited = requireSourceAuth(
      auth({ headers: { "x-scope-orgid": "<redacted>", "X-New": "n" } }),
      stored,
    );
    expect(edited?.headers).toEqual({ "x-scope-orgid": "tenant-1", "X-New": "n" });
    expect(() => requireSourceAuth(auth({ headers: { "X-Other": "<redacted>" } }), stored)).toThrow(
      /auth\.headers\["X-Other"\]: <redacted> keeps a stored value, and there is none/,
    );
  });
});

describe("redactTarget", () => {
  it("masks header values and shows paths and the user name", () => {
    const target = {
      $typeName: "ferry.v1.Target" as const,
      clusterId: "c",
      name: "n",
      endpoint: "http://x",
      auth: auth({ basicUsername: "u", basicPasswordFile: "/p", headers: { "X-Scope-OrgID": "t" } }),
    };
    const shown = redactTarget(target);
    expect(shown.auth?.headers).toEqual({ "X-Scope-OrgID": "<redacted>" });
    expect(shown.auth?.basicUsername).toBe("u");
    expect(shown.auth?.basicPasswordFile).toBe("/p");
    expect(target.auth.headers["X-Scope-OrgID"]).toBe("t"); // the stored copy is untouched
  });
});
