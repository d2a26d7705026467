import { execFileSync } from "node:child_process";

/**
 * The e2e project's global setup (vitest.config.ts): its files run the real CLI from dist/, so it
 * is compiled once before them (incremental). Unit and integration runs skip it.
 */
export default function setup(): void {
  execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
}
