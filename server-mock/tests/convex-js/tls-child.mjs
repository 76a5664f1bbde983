// Run by test.mjs in a child process whose NODE_EXTRA_CA_CERTS is the mock's CA (Node reads
// it only at start-up): the official client over https:// and wss://. Prints one JSON line.
import { ConvexClient, ConvexHttpClient } from "convex/browser";
import { anyApi as api } from "convex/server";

const [url, workspaceId] = process.argv.slice(2);
const http = new ConvexHttpClient(url);
const boot = await http.mutation(api.widgetSessions.boot, { workspaceId, sessionId: "js-tls" });
const token = boot.sessionToken;
const conversation = await http.mutation(api.conversations.createForVisitor, {
  workspaceId,
  sessionToken: token,
});
const client = new ConvexClient(url);
const first = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("no result over wss")), 20_000);
  const unsubscribe = client.onUpdate(
    api.messages.list,
    { conversationId: conversation._id, sessionToken: token },
    (messages) => {
      clearTimeout(timer);
      unsubscribe();
      resolve(messages);
    },
    reject,
  );
});
await client.close();
console.log(JSON.stringify({ conversationId: conversation._id, contents: first.map((m) => m.content) }));
