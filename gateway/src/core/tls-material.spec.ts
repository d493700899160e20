import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { compileGatewayOptions } from "../compile-options";
import { certificateFingerprint, loadTlsMaterial } from "./tls-material";

describe("loadTlsMaterial", () => {
  let dir: string;
  const warnings: string[] = [];
  const logger = pino({ level: "warn" }, { write: (line: string) => warnings.push(line) });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-tls-material-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("makes a self-signed certificate once and keeps it, warning about names it lacks", async () => {
    const tlsDir = join(dir, "self", "tls");
    const made = await loadTlsMaterial(
      { kind: "self-signed", dir: tlsDir, names: ["localhost", "::1"] },
      logger,
    );
    expect(made.fingerprint).toBe(certificateFingerprint(new X509Certificate(made.cert)));
    expect(warnings).toEqual([]);

    const kept = await loadTlsMaterial(
      { kind: "self-signed", dir: tlsDir, names: ["localhost", "0:0::1", "gw.example.com"] },
      logger,
    );
    expect(kept).toEqual(made);
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0] ?? "{}")).toMatchObject({ lacking: ["gw.example.com"] });
  });

  it("refuses a kept certificate without its key", async () => {
    const tlsDir = join(dir, "keyless", "tls");
    await loadTlsMaterial({ kind: "self-signed", dir: tlsDir, names: ["localhost"] }, logger);
    await rm(join(tlsDir, "key.pem"));
    await expect(
      loadTlsMaterial({ kind: "self-signed", dir: tlsDir, names: ["localhost"] }, logger),
    ).rejects.toThrow(
      /^--data-dir: .*cert\.pem has no key\.pem beside it; remove .* to make a new certificate/,
    );
  });

  it("reads --tls-cert and --tls-key, naming the flag of a file it cannot use", async () => {
    const source = join(dir, "self", "tls");
    const files = {
      kind: "files" as const,
      certFile: join(source, "cert.pem"),
      keyFile: join(source, "key.pem"),
    };
    const read = await loadTlsMaterial(files, logger);
    expect(read.cert).toBe(await readFile(files.certFile, "utf8"));

    const missing = join(dir, "missing.pem");
    await expect(loadTlsMaterial({ ...files, certFile: missing }, logger)).rejects.toThrow(
      `--tls-cert: cannot read ${missing} (ENOENT)`,
    );
    const garbage = join(dir, "garbage.pem");
    await writeFile(garbage, "not a certificate");
    await expect(loadTlsMaterial({ ...files, certFile: garbage }, logger)).rejects.toThrow(
      `--tls-cert: ${garbage} holds no PEM certificate`,
    );
    await expect(loadTlsMaterial({ ...files, keyFile: garbage }, logger)).rejects.toThrow(
      "--tls-key: is no unencrypted PEM private key",
    );
    const otherKey = join(dir, "keyless", "tls", "cert.pem");
    await expect(loadTlsMaterial({ ...files, certFile: otherKey }, logger)).rejects.toThrow(
      /^--tls-key: is not the key of the certificate in /,
    );
  });
});

describe("compileGatewayOptions, tls", () => {
  const base = { dataDir: "/var/lib/ferry", remoteWriteUrl: "http://cortex/api/v1/push" };

  it("adds the local names to the self-signed certificate's", () => {
    const { tls } = compileGatewayOptions({
      ...base,
      tls: { selfSigned: true, subjectAltNames: ["10.0.0.7"] },
    });
    expect(tls).toMatchObject({ kind: "self-signed", dir: "/var/lib/ferry/tls" });
    expect(tls?.kind === "self-signed" && tls.names).toEqual(
      expect.arrayContaining(["localhost", "127.0.0.1", "::1", "10.0.0.7"]),
    );
  });

  it.each([
    [
      { selfSigned: true, subjectAltNames: ["bad name"] } as const,
      "/var/lib/ferry",
      '--tls-san: "bad name" is neither',
    ],
    [{ selfSigned: true } as const, "", "--data-dir: is required to keep the self-signed certificate"],
    [{ certFile: "", keyFile: "k.pem" }, "/d", "--tls-cert: is required with --tls-key"],
  ])("refuses %j with data dir %j", (tls, dataDir, message) => {
    expect(() =>
      compileGatewayOptions({
        ...base,
        dataDir,
        store: dataDir ? "file" : "etcd",
        etcdEndpoints: ["http://etcd:2379"],
        tls,
      }),
    ).toThrow(message);
  });
});
