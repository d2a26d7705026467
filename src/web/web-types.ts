import type { WebSession } from "../services/web-session.service.js";

/** Who may open a web route: anyone, any signed-in team member, or owners and admins only. */
export type WebAccess = "public" | "signed-in" | "admin";

declare module "fastify" {
  interface FastifyRequest {
    /** The signed-in team member of a web page request, or `null`. */
    webSession: WebSession | null;
  }
  interface FastifyContextConfig {
    /** Set on every web route; routes that omit it are for owners and admins (closed by default). */
    web?: WebAccess;
  }
}

/** A parsed `application/x-www-form-urlencoded` body: the first value of each name. */
export type FormBody = Record<string, string | undefined>;
