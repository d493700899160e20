import { type Client, Code, ConnectError } from "@connectrpc/connect";
import type { AgentLink } from "@ferry/api";
import type { Logger } from "pino";
import { CredentialFileError, credentialPath, readCredential, writeCredential } from "./credential-file";

export interface EnrollmentOptions {
  clusterId: string;
  agentVersion: string;
  /** Exchanged for a credential on first contact; not needed once the credential is stored. */
  bootstrapToken: string | undefined;
  /** Where the credential is kept; without it the credential lives only as long as the process. */
  dataDir: string | undefined;
  logger: Logger;
}

/**
 * The agent's credential: read from the data dir, or obtained on first contact by trading the
 * bootstrap token for it (AgentLink.Enroll) and then stored, so later starts need no token.
 */
export class Enrollment {
  private credential: string | undefined;

  constructor(private readonly options: EnrollmentOptions) {}

  /** The credential once known; sent as `authorization: Bearer …` on Connect and Push. */
  get current(): string | undefined {
    return this.credential;
  }

  /** Loads the stored credential, if any; a CredentialFileError when it is unreadable or another cluster's. */
  async load(): Promise<void> {
    if (!this.options.dataDir) return;
    const stored = await readCredential(this.options.dataDir);
    if (!stored) return;
    if (stored.clusterId !== this.options.clusterId) {
      throw new CredentialFileError(
        credentialPath(this.options.dataDir),
        `holds the credential of cluster "${stored.clusterId}", not "${this.options.clusterId}"`,
      );
    }
    this.credential = stored.credential;
  }

  /**
   * The credential, enrolling through `client` first if there is none yet. Errors are the
   * gateway's (Unavailable is worth another try; the rest are not) or FailedPrecondition.
   */
  async obtain(client: Client<typeof AgentLink>, signal: AbortSignal): Promise<string> {
    if (this.credential) return this.credential;
    const { bootstrapToken, clusterId, dataDir } = this.options;
    if (!bootstrapToken) {
      const where = dataDir ? ` in ${credentialPath(dataDir)}` : "";
      throw new ConnectError(
        `no agent credential${where} and no bootstrap token: create one with \`ferry tokens create\` and start the agent with --bootstrap-token`,
        Code.FailedPrecondition,
      );
    }
    const response = await client.enroll(
      { bootstrapToken, clusterId, agentVersion: this.options.agentVersion },
      { signal },
    );
    this.credential = response.credential;
    this.options.logger.info({ cluster: clusterId }, "enrolled with the gateway");
    if (!dataDir) {
      this.options.logger.warn(
        "no --data-dir: the agent credential lives in memory only, and a restarted agent cannot enroll again",
      );
    } else {
      // Kept on failure: this process still works, and the log says what a restart will meet.
      await writeCredential(dataDir, { clusterId, credential: response.credential }).catch(
        (error: unknown) => {
          this.options.logger.error(
            { err: error },
            "could not store the agent credential; a restart cannot get in",
          );
        },
      );
    }
    return response.credential;
  }
}
