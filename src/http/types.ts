import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import type { Role } from "../domain/roles.js";
import type { Actor } from "../services/write-context.js";

/** Who a request acts as, set by the auth middleware from a valid Bearer token. */
export interface AuthContext {
  accountId: string;
  role: Role;
  tokenId: string;
  userId: string | null;
  actor: Actor;
}

declare module "fastify" {
  interface FastifyRequest {
    /** The authenticated caller, or `null` when no valid token came with the request. */
    auth: AuthContext | null;
    /** Why authentication failed, for the 401 answer (`missing` or `invalid`). */
    authFailure: "missing" | "invalid" | null;
  }
  interface FastifyContextConfig {
    /** Served without a token (the OpenAPI document). */
    public?: boolean;
    /** Lowest role allowed to call the route (owner > admin > recruiter > viewer). */
    minRole?: Role;
  }
}

/** The Fastify instance of the HTTP API, with TypeBox as type provider. */
export type App = FastifyInstance<
  Server,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;
