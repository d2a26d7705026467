import type { FastifyReply } from "fastify";

/** Sends a rendered page (HTML, UTF-8). */
export function sendPage(reply: FastifyReply, body: string): FastifyReply {
  return reply.type("text/html; charset=utf-8").send(body);
}

/**
 * Post/Redirect/Get: after a form, go back to a page with a fixed notice key (`?done=…`). Only
 * keys the page knows are shown, so no text from the request is ever reflected.
 */
export function redirectDone(reply: FastifyReply, path: string, done: string): FastifyReply {
  return reply.redirect(`${path}?done=${encodeURIComponent(done)}`, 303);
}
