// Self-test of the Fedify peer: starts two peers, A and B, and drives A
// against B through the control API, the way Kindred's Java tests will drive
// a peer against Kindred. Prints "N passed, M failed"; exits 1 on failure.
import { spawn } from "node:child_process";
import { createPublicKey } from "node:crypto";
import { fileURLToPath } from "node:url";

const peerPath = fileURLToPath(new URL("./peer.mjs", import.meta.url));
let passed = 0, failed = 0;
function check(name, ok, detail) {
  if (ok) { passed++; console.log(`ok   ${name}`); }
  else { failed++; console.log(`FAIL ${name}${detail === undefined ? "" : `: ${JSON.stringify(detail)}`}`); }
}

function startPeer(label) {
  const child = spawn(process.execPath, [peerPath, "0"], { stdio: ["ignore", "pipe", "pipe"] });
  child.stderr.on("data", (d) => process.stderr.write(`[${label}] ${d}`));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label}: no PEER_READY in 20 s`)), 20000);
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/^PEER_READY (\d+)$/m);
      if (m) { clearTimeout(timer); resolve({ child, port: Number(m[1]), base: `http://127.0.0.1:${m[1]}` }); }
    });
    child.on("exit", (code) => reject(new Error(`${label} exited with ${code}`)));
  });
}

async function call(peer, method, path, body) {
  const res = await fetch(peer.base + path, {
    method, headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json; try { json = JSON.parse(text); } catch { json = text; }
  return { status: res.status, json };
}

const peers = [];
try {
  const A = await startPeer("A"); peers.push(A);
  const B = await startPeer("B"); peers.push(B);
  check("both peers print PEER_READY <port>", A.port > 0 && B.port > 0 && A.port !== B.port);
  const bActor = `${B.base}/users/tester`;

  // WebFinger (acct: over the https->http shim) + actor document
  const look = await call(A, "GET", `/control/lookup?q=${encodeURIComponent(`acct:tester@127.0.0.1:${B.port}`)}`);
  check("A looks up B by acct: via WebFinger", look.status === 200 && look.json.id === bActor, look.json);
  check("lookup reports inbox, shared inbox, followers, key owner",
    look.json.inbox === `${bActor}/inbox` && look.json.sharedInbox === `${B.base}/inbox` &&
    look.json.followers === `${bActor}/followers` && look.json.publicKeyOwner === bActor, look.json);
  const bits = look.json.publicKeyPem &&
    createPublicKey(look.json.publicKeyPem).asymmetricKeyDetails.modulusLength;
  check("B's publicKey is RSA-2048", bits === 2048, bits);
  const algs = (look.json.multikeys ?? []).map((k) => k.algorithm).sort();
  check("B's assertionMethod has RSA and Ed25519 multikeys",
    JSON.stringify(algs) === JSON.stringify(["Ed25519", "RSASSA-PKCS1-v1_5"]) &&
    look.json.multikeys.every((k) => k.publicKeyMultibase?.startsWith("z") && k.controller === bActor), look.json.multikeys);
  const miss = await call(A, "GET", `/control/lookup?q=${encodeURIComponent(`acct:nobody@127.0.0.1:${B.port}`)}`);
  check("lookup of an unknown account answers 404 with a reason", miss.status === 404 && miss.json.error, miss);

  // NodeInfo
  const ni = await call(A, "GET", `/control/nodeinfo?url=${encodeURIComponent(B.base)}`);
  check("A reads B's NodeInfo and parseNodeInfo accepts it",
    ni.status === 200 && ni.json.valid === true && ni.json.nodeinfo?.software?.name === "kindred-fedify-peer", ni.json);

  // Signed Follows with each first-knock spec; B must record them verified.
  for (const spec of ["rfc9421", "draft-cavage"]) {
    const f = await call(A, "POST", "/control/follow", { target: `acct:tester@127.0.0.1:${B.port}`, signature: spec });
    check(`A follows B signed with ${spec} (accepted on the first knock)`,
      f.status === 200 && f.json.sent === true && f.json.status === 202 &&
      f.json.attempts.length === 1 && f.json.attempts[0].signature === spec, f.json);
    const inbox = (await call(B, "GET", "/control/inbox")).json;
    const got = inbox.find((a) => a.id === f.json.id);
    check(`B records the ${spec} Follow as verified`,
      got?.type === "Follow" && got.verified === true && got.signature === spec &&
      got.actor === `${A.base}/users/tester`, got);
  }

  // B auto-accepts: A should get a verified Accept shortly after.
  let accept;
  for (let i = 0; i < 50 && !accept; i++) {
    accept = (await call(A, "GET", "/control/inbox")).json.find((a) => a.type === "Accept");
    if (!accept) await new Promise((r) => setTimeout(r, 100));
  }
  check("B answers the Follow with a verified Accept", accept?.verified === true && accept.actor === bActor, accept);

  // Arbitrary activities: raw (exact bytes) and through Fedify.
  const note = (n) => ({
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${A.base}/activities/create-${n}`, type: "Create", actor: `${A.base}/users/tester`,
    to: [bActor],
    object: { id: `${A.base}/notes/${n}`, type: "Note", attributedTo: `${A.base}/users/tester`,
      to: [bActor], content: `hello ${n}` },
  });
  for (const spec of ["rfc9421", "draft-cavage"]) {
    const s = await call(A, "POST", "/control/send", { to: `${B.base}/inbox`, activity: note(`raw-${spec}`), signature: spec, raw: true });
    check(`raw signed Create (${spec}) to B's shared inbox is accepted`,
      s.json.sent === true && s.json.status === 202 && s.json.signature === spec, s.json);
  }
  const viaFedify = await call(A, "POST", "/control/send", { to: `${bActor}/inbox`, activity: note("fedify"), signature: "rfc9421" });
  check("Create sent through Fedify's sendActivity is accepted", viaFedify.json.sent === true && viaFedify.json.status === 202, viaFedify.json);
  const bInbox = (await call(B, "GET", "/control/inbox")).json;
  check("B records the three Creates as verified",
    ["raw-rfc9421", "raw-draft-cavage", "fedify"].every((n) =>
      bInbox.some((a) => a.id === `${A.base}/activities/create-${n}` && a.type === "Create" && a.verified)),
    bInbox.map((a) => [a.id, a.verified]));

  // Negative: unsigned POST
  const u = await call(A, "POST", "/control/unsigned", { to: `${bActor}/inbox`, activity: note("unsigned") });
  check("unsigned POST to B is refused with 401", u.json.status === 401, u.json);
  const rec = (await call(B, "GET", "/control/inbox")).json.find((a) => a.id === `${A.base}/activities/create-unsigned`);
  check("B records the unsigned POST as not verified (noSignature)",
    rec?.verified === false && rec.reason?.type === "noSignature", rec);

  // Authorized fetch: signed GET
  const g = await call(A, "GET", `/control/signed-get?url=${encodeURIComponent(bActor)}&signature=rfc9421`);
  check("signed GET of B's actor answers 200 with the actor", g.json.status === 200 && JSON.parse(g.json.body).id === bActor, g.json);

  // Followers collection shows the accepted follower
  const fol = await call(B, "GET", "/control/followers");
  check("B lists A as follower", fol.json.includes(`${A.base}/users/tester`), fol.json);

  // Shutdown
  const exited = new Promise((r) => B.child.once("exit", r));
  const sd = await call(B, "POST", "/control/shutdown");
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r("timeout"), 5000))]);
  check("POST /control/shutdown exits cleanly", sd.status === 200 && code === 0, code);
} catch (e) {
  check("self-test ran to the end", false, e.stack ?? String(e));
} finally {
  for (const p of peers) if (p.child.exitCode === null) p.child.kill();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
