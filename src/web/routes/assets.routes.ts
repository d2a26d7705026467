import type { App } from "../../http/types.js";
import { ASSETS } from "../assets/index.js";

/** The stylesheet and script, at content-hashed URLs: cached for a year, never stale. */
export function registerAssetRoutes(app: App): void {
  // Browsers ask for it on every first visit; no icon, and no 404 in the console or the log.
  app.get("/favicon.ico", { config: { web: "public" } }, async (_request, reply) =>
    reply.header("cache-control", "public, max-age=86400").code(204).send(),
  );
  for (const asset of Object.values(ASSETS)) {
    app.get(asset.path, { config: { web: "public" } }, async (_request, reply) =>
      reply
        .header("cache-control", "public, max-age=31536000, immutable")
        .type(asset.contentType)
        .send(asset.body),
    );
  }
}
