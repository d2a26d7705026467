#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run by `npm start`).
// Signals are held first (a small module with no imports): loading the rest takes a while, and
// a SIGTERM in that time must reach the command, so that `start` and `worker` stop cleanly.
import("../dist/cli/shutdown.js")
  .then(({ holdSignals }) => {
    holdSignals();
    return import("../dist/cli/main.js");
  })
  .catch((err) => {
    if (
      err &&
      err.code === "ERR_MODULE_NOT_FOUND" &&
      /dist\/cli\/(shutdown|main)\.js/.test(String(err.message))
    ) {
      console.error("hirevault: not built yet; run `npm run build` (npm start does it for you)");
      process.exit(1);
    }
    throw err;
  });
