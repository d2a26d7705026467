import { createRequire } from "node:module";

/** This release's version (package.json), written into manifests so a file names its maker. */
export const APP_VERSION: string = (createRequire(import.meta.url)("../package.json") as { version: string })
  .version;
