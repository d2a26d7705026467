// s3rver ships no types; this covers only what the storage tests use.
declare module "s3rver" {
  import type { Server } from "node:http";
  import type { AddressInfo } from "node:net";

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    serviceEndpoint?: string;
    configureBuckets?: Array<{ name: string; configs?: Array<string | Buffer> }>;
  }

  export default class S3rver {
    constructor(options?: S3rverOptions);
    /** Resolves with the address the HTTP server listens on. */
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
    reset(): void;
    /** Set once `run()` has resolved. */
    httpServer?: Server;
  }
}
