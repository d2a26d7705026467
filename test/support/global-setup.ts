import { execFileSync } from "node:child_process";

/** End-to-end suites run the real CLI from dist/: compile once before any suite (incremental). */
export default function setup(): void {
  execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
}
