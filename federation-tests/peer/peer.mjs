// A real third-party ActivityPub peer for Kindred's federation tests.
//
// Fedify speaks the protocol (WebFinger, actor documents, HTTP signatures,
// inbox verification, NodeInfo); this file only wires one actor, `tester`,
// to it and adds a JSON control API under /control/ so the Java tests can
// make the peer look things up and send signed (or unsigned) activities.
//
// Usage: node22 peer.mjs [PORT]   (PORT 0 or absent: pick a free port)
// Prints exactly one line "PEER_READY <port>" on stdout once listening.
// Test-only: private addresses allowed, keys in memory, nothing persisted.

import http from "node:http";
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import {
  createFederation,
  generateCryptoKeyPair,
  MemoryKvStore,
  nodeInfoToJson,
  parseNodeInfo,
  SendActivityError,
  signRequest,
} from "@fedify/fedify";
import {
  Accept,
  Activity,
  Endpoints,
  Follow,
  isActor,
  Person,
} from "@fedify/vocab";

const HOST = "127.0.0.1";
const USERNAME = "tester";
const SPECS = { "rfc9421": "rfc9421", "draft-cavage": "draft-cavage-http-signatures-12",
  "draft-cavage-http-signatures-12": "draft-cavage-http-signatures-12" };

// --- test-only fetch shim ---------------------------------------------------
// Fedify's WebFinger lookup of acct: URIs always uses https, and the servers
// under test listen on plain http on loopback. Rewrite https://127.0.0.1 and
// https://localhost to http://. Only unsigned GETs (WebFinger) go to such
// URLs: signed requests go to inbox/actor URLs that are already http, so no
// signature covers a rewritten URL. Every outgoing request is also logged
// into the current control call's attempt list (AsyncLocalStorage) so the
// control API can report which signature spec went out and what came back.
const attemptLog = new AsyncLocalStorage();
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  let request = new Request(input, init);
  const m = request.url.match(/^https:\/\/(127\.0\.0\.1|localhost)([:/].*)$/);
  if (m) request = new Request(`http://${m[1]}${m[2]}`, request);
  const attempt = { method: request.method, url: request.url, signature: specOf(request.headers) };
  const response = await realFetch(request);
  attemptLog.getStore()?.push({ ...attempt, status: response.status });
  return response;
};

/** Which HTTP signature flavour a request carries, judged by its headers. */
function specOf(headers) {
  if (headers.has("signature-input")) return "rfc9421";
  if (/keyId=/i.test(headers.get("signature") ?? "")) return "draft-cavage";
  return "none";
}

// --- state -------------------------------------------------------------------
const received = []; // every activity delivered to our inboxes, oldest first
const followers = new Map(); // follower actor id -> Recipient
let autoAccept = true; // answer Follows of tester with Accept
let origin; // http://127.0.0.1:PORT, known once listening
// Keys live only in memory: RSA for HTTP signatures (Mastodon interop),
// Ed25519 for Object Integrity Proofs, as Fedify recommends.
// Fedify's generateCryptoKeyPair makes 4096-bit RSA keys; the tests want the
// common 2048-bit size, so that one is made with WebCrypto the same way.
const keyPairs = [
  await crypto.subtle.generateKey({ name: "RSASSA-PKCS1-v1_5", modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, ["sign", "verify"]),
  await generateCryptoKeyPair("Ed25519"),
];

// --- the federation ------------------------------------------------------------
// One long-lived federation serves requests. Control calls that ask for a
// specific first-knock spec get a fresh federation with an empty KV store, so
// Fedify neither reuses a remembered spec nor a cached remote document.
function buildFederation({ firstKnock, kv = new MemoryKvStore() } = {}) {
  const fed = createFederation({
    kv,
    origin,
    allowPrivateAddress: true, // peers live on 127.0.0.1
    ...(firstKnock ? { firstKnock } : {}),
  });

  fed.setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== USERNAME) return null;
    const keys = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: "Fedify test peer",
      summary: "A third-party ActivityPub peer used by Kindred's federation tests.",
      inbox: ctx.getInboxUri(identifier),
      outbox: ctx.getOutboxUri(identifier),
      followers: ctx.getFollowersUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      manuallyApprovesFollowers: false,
      discoverable: true,
      publicKey: keys[0].cryptographicKey,
      assertionMethods: keys.map((k) => k.multikey),
    });
  }).setKeyPairsDispatcher((_ctx, identifier) => identifier === USERNAME ? keyPairs : []);

  fed.setInboxListeners("/users/{identifier}/inbox", "/inbox")
    .on(Activity, async (ctx, activity) => {
      // Fedify calls listeners only after the HTTP signature (and the
      // actor/key ownership) verified; unverified ones go to the handler below.
      record(ctx, activity, { verified: true });
      if (activity instanceof Follow && autoAccept &&
          activity.objectId?.href === ctx.getActorUri(USERNAME).href) {
        const follower = await activity.getActor(ctx);
        if (follower?.id == null) return;
        followers.set(follower.id.href, {
          id: follower.id, inboxId: follower.inboxId, endpoints: follower.endpoints,
        });
        // Reply after this request has been answered, like a real server.
        setTimeout(() => ctx.sendActivity({ identifier: USERNAME }, follower, new Accept({
          id: new URL(`${origin}/activities/${randomUUID()}`),
          actor: ctx.getActorUri(USERNAME),
          object: activity,
        })).catch((e) => console.error("accept failed:", e.message)), 10);
      }
    })
    .onUnverifiedActivity((ctx, activity, reason) => {
      record(ctx, activity, { verified: false, reason: reasonJson(reason) });
      // returning nothing keeps Fedify's own 401 answer
    });

  fed.setFollowersDispatcher("/users/{identifier}/followers", (_ctx, identifier) =>
    identifier === USERNAME ? { items: [...followers.values()] } : null)
    .setCounter((_ctx, identifier) => identifier === USERNAME ? followers.size : null);
  fed.setOutboxDispatcher("/users/{identifier}/outbox", (_ctx, identifier) =>
    identifier === USERNAME ? { items: [] } : null);

  fed.setNodeInfoDispatcher("/nodeinfo/2.1", () => ({
    software: { name: "kindred-fedify-peer", version: "0.1.0" },
    protocols: ["activitypub"],
    usage: { users: { total: 1, activeHalfyear: 1, activeMonth: 1 }, localPosts: 0, localComments: 0 },
    openRegistrations: false,
  }));
  return fed;
}

function record(ctx, activity, verification) {
  const info = ctx.data ?? {};
  let json = null;
  try { json = JSON.parse(info.body); } catch { /* keep null */ }
  received.push({
    receivedAt: new Date().toISOString(),
    inbox: new URL(ctx.request?.url ?? ctx.url).pathname,
    type: json?.type ?? activity.constructor.name,
    id: activity.id?.href ?? null,
    actor: activity.actorId?.href ?? null,
    object: activity.objectId?.href ?? null,
    signature: info.signature, // the spec the sender used, judged by headers
    ...verification,
    activity: json, // exactly what was delivered
  });
}

function reasonJson(reason) {
  return { type: reason.type, keyId: reason.keyId?.href ?? null };
}

// --- control API ---------------------------------------------------------------
const json = (status, body) => new Response(JSON.stringify(body, null, 1), {
  status, headers: { "content-type": "application/json" } });

function specFor(name) {
  if (name == null || name === "default") return undefined;
  if (!(name in SPECS)) throw new BadRequest(`unknown signature spec ${name}; use rfc9421, draft-cavage or default`);
  return SPECS[name];
}
class BadRequest extends Error {}

function contextFor(signature) {
  const firstKnock = specFor(signature);
  const fed = firstKnock ? buildFederation({ firstKnock }) : federation;
  return fed.createContext(new URL(origin), undefined);
}

async function lookupActor(ctx, q) {
  const obj = await ctx.lookupObject(q);
  if (obj == null) return null;
  return obj;
}

async function describe(ctx, obj) {
  const raw = await obj.toJsonLd({ format: "compact", contextLoader: ctx.contextLoader });
  const out = { type: raw.type ?? obj.constructor.name, id: obj.id?.href ?? null, raw };
  if (!isActor(obj)) return out;
  const key = await obj.getPublicKey(ctx);
  const multikeys = [];
  for await (const mk of obj.getAssertionMethods(ctx)) multikeys.push(mk);
  const rawMks = [].concat(raw.assertionMethod ?? []);
  return {
    ...out,
    preferredUsername: obj.preferredUsername?.toString() ?? null,
    name: obj.name?.toString() ?? null,
    inbox: obj.inboxId?.href ?? null,
    sharedInbox: obj.endpoints?.sharedInbox?.href ?? null,
    followers: obj.followersId?.href ?? null,
    outbox: obj.outboxId?.href ?? null,
    publicKeyPem: key?.publicKey ? await toPem(key.publicKey) : null,
    publicKeyId: key?.id?.href ?? null,
    publicKeyOwner: key?.ownerId?.href ?? null,
    multikeys: multikeys.map((mk) => ({
      id: mk.id?.href ?? null,
      controller: mk.controllerId?.href ?? null,
      // the multibase text as the actor published it (Fedify keeps it in its compact form)
      publicKeyMultibase: rawMks.find((r) => r?.id === mk.id?.href)?.publicKeyMultibase ?? null,
      algorithm: mk.publicKey?.algorithm?.name ?? null,
    })),
    manuallyApprovesFollowers: obj.manuallyApprovesFollowers,
    discoverable: obj.discoverable,
  };
}

async function toPem(cryptoKey) {
  const der = Buffer.from(await crypto.subtle.exportKey("spki", cryptoKey)).toString("base64");
  return `-----BEGIN PUBLIC KEY-----\n${der.match(/.{1,64}/g).join("\n")}\n-----END PUBLIC KEY-----\n`;
}

/** Runs a sending function, collecting every HTTP request it makes. */
async function withAttempts(fn) {
  const attempts = [];
  try {
    const value = await attemptLog.run(attempts, fn);
    return { ok: true, value, attempts };
  } catch (error) {
    return { ok: false, error, attempts };
  }
}

function sendResult(r, extra = {}) {
  const last = r.attempts.filter((a) => a.method === "POST").at(-1);
  if (r.ok && last == null) return json(500, { ...extra, sent: false, error: "Fedify sent nothing", attempts: r.attempts });
  if (r.ok) return json(200, { ...extra, sent: true, status: last?.status ?? null, attempts: r.attempts });
  const e = r.error;
  return json(e instanceof SendActivityError ? 502 : 500, {
    ...extra, sent: false, error: e.message,
    status: e instanceof SendActivityError ? e.statusCode : last?.status ?? null,
    responseBody: e instanceof SendActivityError ? e.responseBody : null,
    attempts: r.attempts,
  });
}

/** A raw signed request of the exact bytes given, with exactly one spec. */
async function signedFetch(url, { method = "GET", body, spec, accept }) {
  const headers = { accept: accept ?? "application/activity+json, application/ld+json" };
  if (body != null) headers["content-type"] = "application/activity+json";
  const req = new Request(url, { method, headers, body });
  const signed = await signRequest(req, keyPairs[0].privateKey,
    new URL(`${origin}/users/${USERNAME}#main-key`), { spec: spec ?? "draft-cavage-http-signatures-12" });
  const res = await fetch(signed);
  return { status: res.status, signature: specOf(signed.headers), body: await res.text() };
}

const routes = {
  "GET /control/lookup": async (url) => {
    const q = url.searchParams.get("q");
    if (!q) throw new BadRequest("missing ?q=");
    const ctx = contextFor("rfc9421"); // fresh federation: no cached documents
    let obj;
    try { obj = await lookupActor(ctx, q); } catch (e) {
      return json(404, { error: `lookup of ${q} failed: ${e.message}` });
    }
    if (obj == null) return json(404, { error: `lookup of ${q} found nothing (WebFinger or document fetch failed, or the document did not parse)` });
    return json(200, await describe(ctx, obj));
  },

  "GET /control/nodeinfo": async (url) => {
    // Fedify's getNodeInfo() refuses private addresses, so fetch by hand and
    // let Fedify only judge the document.
    const base = url.searchParams.get("url");
    if (!base) throw new BadRequest("missing ?url=");
    const wk = await fetch(new URL("/.well-known/nodeinfo", base), { headers: { accept: "application/json" } });
    if (!wk.ok) return json(502, { error: `/.well-known/nodeinfo answered ${wk.status}` });
    const links = (await wk.json()).links ?? [];
    const link = ["2.1", "2.0"].map((v) => links.find((l) =>
      l.rel === `http://nodeinfo.diaspora.software/ns/schema/${v}`)).find(Boolean);
    if (!link) return json(502, { error: "no NodeInfo 2.1 or 2.0 link", links });
    const doc = await fetch(link.href, { headers: { accept: "application/json" } });
    if (!doc.ok) return json(502, { error: `${link.href} answered ${doc.status}`, link: link.href });
    const raw = await doc.json();
    const parsed = parseNodeInfo(raw);
    if (parsed == null) return json(200, { valid: false, error: "parseNodeInfo rejected the document", link: link.href, rel: link.rel, raw });
    return json(200, { valid: true, link: link.href, rel: link.rel, nodeinfo: nodeInfoToJson(parsed), raw });
  },

  "POST /control/follow": async (_url, body) => {
    if (!body.target) throw new BadRequest("missing target");
    const ctx = contextFor(body.signature);
    const target = await lookupActor(ctx, body.target).catch(() => null);
    if (!isActor(target)) return json(404, { sent: false, error: `no actor found at ${body.target}` });
    const id = `${origin}/follows/${randomUUID()}`;
    const follow = new Follow({ id: new URL(id), actor: ctx.getActorUri(USERNAME), object: target.id });
    const r = await withAttempts(() =>
      ctx.sendActivity({ identifier: USERNAME }, target, follow, { immediate: true }));
    return sendResult(r, { id, target: target.id.href, inbox: target.inboxId?.href ?? null });
  },

  "POST /control/send": async (_url, body) => {
    if (!body.to || !body.activity) throw new BadRequest("need to and activity");
    publish(body.activity);
    if (body.raw) {
      // exact bytes, exactly one signature spec, no double-knock
      const spec = specFor(body.signature) ?? "draft-cavage-http-signatures-12";
      const r = await withAttempts(() => signedFetch(body.to, {
        method: "POST", body: JSON.stringify(body.activity), spec }));
      if (!r.ok) return json(500, { sent: false, error: r.error.message });
      return json(200, { sent: r.value.status < 300, ...r.value });
    }
    // Through Fedify: parsed into its vocabulary, re-serialised, signed (HTTP
    // signature with first knock + Object Integrity Proof) and delivered.
    const ctx = contextFor(body.signature);
    // Give it an id up front so the answer can name what was sent.
    const activity = await Activity.fromJsonLd(
      { id: `${origin}/activities/${randomUUID()}`, ...body.activity }, ctx);
    // Fedify skips recipients without an id; the id is only bookkeeping
    // here, so the inbox URL stands in when no recipient actor is given.
    const inbox = new URL(body.to);
    const recipient = { id: new URL(body.recipient ?? body.to), inboxId: inbox };
    const r = await withAttempts(() => ctx.sendActivity({ identifier: USERNAME },
      recipient, activity, { immediate: true }));
    return sendResult(r, { id: activity.id?.href ?? null });
  },

  "POST /control/unsigned": async (_url, body) => {
    if (!body.to || !body.activity) throw new BadRequest("need to and activity");
    const res = await fetch(body.to, { method: "POST",
      headers: { "content-type": "application/activity+json" }, body: JSON.stringify(body.activity) });
    return json(200, { status: res.status, body: await res.text() });
  },

  "GET /control/signed-get": async (url) => {
    const target = url.searchParams.get("url");
    if (!target) throw new BadRequest("missing ?url=");
    const spec = specFor(url.searchParams.get("signature") ?? undefined);
    return json(200, await signedFetch(target, { spec, accept: url.searchParams.get("accept") }));
  },

  "GET /control/inbox": () => json(200, received),
  "DELETE /control/inbox": () => { received.length = 0; return json(200, { cleared: true }); },
  "GET /control/followers": () => json(200, [...followers.keys()]),
  "POST /control/config": (_url, body) => {
    if (typeof body.autoAccept === "boolean") autoAccept = body.autoAccept;
    return json(200, { autoAccept });
  },
  "GET /control/info": () => json(200, {
    origin, actor: `${origin}/users/${USERNAME}`, acct: `acct:${USERNAME}@${new URL(origin).host}`,
    inbox: `${origin}/users/${USERNAME}/inbox`, sharedInbox: `${origin}/inbox`,
    rsaKeyId: `${origin}/users/${USERNAME}#main-key`,
  }),
  "POST /control/shutdown": () => {
    setTimeout(() => server.close(() => process.exit(0)), 50).unref();
    setTimeout(() => process.exit(0), 2000).unref(); // do not wait for keep-alive sockets
    return json(200, { shuttingDown: true });
  },
};

async function control(request, url) {
  const route = routes[`${request.method} ${url.pathname}`];
  if (!route) return json(404, { error: `no control route ${request.method} ${url.pathname}` });
  try {
    let body = {};
    if (request.method === "POST") {
      const text = await request.text();
      if (text.trim()) body = JSON.parse(text);
    }
    return await route(url, body);
  } catch (e) {
    if (e instanceof BadRequest || e instanceof SyntaxError) return json(400, { error: e.message });
    return json(500, { error: e.message, stack: e.stack });
  }
}

// --- Node http <-> fetch Request/Response adapter --------------------------------
// What the tester published through /control/send, served at its ids as any real
// server serves its objects, so receivers can fetch them from their origin.
const published = new Map();
function publish(activity) {
  const context = activity["@context"] ?? "https://www.w3.org/ns/activitystreams";
  for (const doc of [activity, activity.object]) {
    if (doc && typeof doc === "object" && typeof doc.id === "string" && doc.id.startsWith(origin)) {
      published.set(doc.id, { "@context": context, ...doc });
    }
  }
}

async function handle(req, res) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const body = chunks.length ? Buffer.concat(chunks) : null;
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    for (const one of [].concat(v)) headers.append(k, one);
  }
  const url = new URL(req.url, origin);
  const request = new Request(url, { method: req.method, headers,
    body: ["GET", "HEAD"].includes(req.method) ? undefined : body });
  let response;
  const own = req.method === "GET" ? published.get(`${origin}${url.pathname}`) : undefined;
  try {
    response = own
      ? new Response(JSON.stringify(own), { status: 200, headers: { "content-type": "application/activity+json" } })
      : url.pathname.startsWith("/control/")
      ? await control(request, url)
      : await federation.fetch(request, {
        // handed to inbox listeners: the exact bytes and the signature flavour
        contextData: { body: body?.toString("utf8") ?? null, signature: specOf(headers) },
      });
  } catch (e) {
    console.error(e);
    response = new Response(String(e?.message ?? e), { status: 500 });
  }
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

const port = Number(process.argv[2] ?? process.env.PEER_PORT ?? 0);
const server = http.createServer((req, res) => handle(req, res).catch((e) => {
  console.error(e);
  if (!res.headersSent) res.writeHead(500);
  res.end();
}));
let federation;
server.listen(port, HOST, () => {
  origin = `http://${HOST}:${server.address().port}`;
  federation = buildFederation();
  process.stdout.write(`PEER_READY ${server.address().port}\n`);
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(0));
