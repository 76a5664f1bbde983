/**
 * An in-memory Opencom: the generated API's shape (ClientBuilder → OpencomClient → sub-clients,
 * listeners, subscriptions, `OpencomError` variants) over a small fake workspace, with a control
 * API to play the agent and to inject failures. The package's unit tests run the real hooks on
 * it, and `react-native-opencom/jest` gives it to apps so screens can be tested without native
 * code.
 *
 * Behaviour follows the Rust SDK where screens can see it: new conversations start with the
 * workspace greeting, sending goes through an outbox (local echo `Sending` → `Sent`, or `Failed`
 * while delivery fails), agent replies raise the unread count, listeners get the current value
 * first and then every change (asynchronously, never inside the call that changed it), logout
 * starts a new anonymous visitor, push tokens must be Expo tokens. Records and errors are the
 * generated classes, so conversions are exercised as with the native module.
 */
import * as Ffi from '../generated/opencom_ffi';
import type { OpencomBindings } from '../bindings';
import type { OpencomErrorKind } from '../errors';

/** A method of the fake client, as named in `failNext` and `calls`. */
export type FakeMethod =
  | 'build'
  | 'start'
  | 'logout'
  | 'visitor.identify'
  | 'events.track'
  | 'conversations.list'
  | 'conversations.create'
  | 'conversations.getOrCreate'
  | 'conversations.messages'
  | 'conversations.send'
  | 'conversations.markRead'
  | 'conversations.watchMessages'
  | 'conversations.watchConversations'
  | 'conversations.watchUnreadCount'
  | 'helpCenter.collections'
  | 'helpCenter.articles'
  | 'helpCenter.search'
  | 'helpCenter.article'
  | 'push.register'
  | 'push.unregister'
  | 'tickets.list'
  | 'tickets.create'
  | 'tickets.get'
  | (string & {});

/** One recorded call. */
export interface FakeCall {
  method: FakeMethod;
  args: unknown[];
}

interface FakeVisitor {
  id: string;
  readableId: string;
  email?: string;
  name?: string;
  userId?: string;
  customAttributes: Map<string, Ffi.AttributeValue>;
}

interface FakeMessage {
  id: string;
  senderId: string;
  senderType: 'visitor' | 'agent' | 'bot';
  senderName?: string;
  content: string;
  createdAt: number;
  localId?: string;
}

interface FakeConversation {
  id: string;
  visitorId: string;
  status: 'open' | 'closed';
  createdAt: number;
  updatedAt: number;
  unread: number;
  messages: FakeMessage[];
}

interface FakeArticle {
  id: string;
  title: string;
  slug: string;
  content: string;
  collectionId?: string;
  published: boolean;
  order: number;
  updatedAt: number;
}

interface FakeCollection {
  id: string;
  name: string;
  description?: string;
  parentId?: string;
  order: number;
}

interface FakeTicket {
  id: string;
  visitorId: string;
  subject: string;
  description?: string;
  priority: Ffi.TicketPriority;
  status: 'submitted' | 'inProgress' | 'resolved';
  createdAt: number;
  comments: { id: string; authorType: string; content: string; createdAt: number }[];
}

interface OutboxItem {
  localId: string;
  conversationId: string;
  text: string;
  createdAt: number;
  failure?: string;
  waiters: { resolve(id: string): void; reject(e: unknown): void }[];
}

type Watch =
  | { kind: 'messages'; conversationId: string; listener: Ffi.MessagesListener }
  | { kind: 'conversations'; listener: Ffi.ConversationsListener }
  | { kind: 'unread'; listener: Ffi.UnreadCountListener }
  | { kind: 'connection'; listener: Ffi.ConnectionStateListener };

const GREETING = 'Hi! How can we help you today?';
const AGENT_NAME = 'Alex from Support';
const EXPO_TOKEN = /^Expo(nent)?PushToken\[.+\]$/;

/** The generated error variant for `kind`. */
export function fakeError(kind: OpencomErrorKind, detail = 'injected by the fake'): Ffi.OpencomError {
  const E = Ffi.OpencomError;
  switch (kind) {
    case 'Timeout':
      return new E.Timeout();
    case 'SessionExpired':
      return new E.SessionExpired();
    case 'InvalidInput':
      return new E.InvalidInput({ field: 'input', reason: detail });
    case 'RateLimited':
      return new E.RateLimited({ retryAfter: 1000 });
    case 'NotAuthorized':
      return new E.NotAuthorized({ detail });
    case 'NotFound':
      return new E.NotFound({ detail });
    case 'Server':
      return new E.Server({ detail });
    case 'Decode':
      return new E.Decode({ detail });
    case 'Config':
      return new E.Config({ detail });
    case 'Storage':
      return new E.Storage({ detail });
    case 'Network':
      return new E.Network({ detail });
    default:
      return new E.Internal({ detail });
  }
}

function invalid(field: string, reason: string): Ffi.OpencomError {
  return new Ffi.OpencomError.InvalidInput({ field, reason });
}

function slugify(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function signature(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** Same rules as the Rust SDK's `parse_push`. */
function idOk(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= 128 && /^[A-Za-z0-9_;-]+$/.test(id);
}

export function fakeParsePush(payloadJson: string): Ffi.Route | undefined {
  let payload: unknown;
  try {
    payload = JSON.parse(payloadJson);
  } catch (e) {
    throw invalid('payload_json', `not JSON: ${String(e)}`);
  }
  const obj = (v: unknown): Record<string, unknown> | undefined =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  const root = obj(payload);
  const data = obj(obj(obj(root?.request)?.content)?.data) ?? obj(root?.data) ?? root;
  if (!data) {
    return undefined;
  }
  switch (data.type) {
    case 'new_message':
      return idOk(data.conversationId) ? new Ffi.Route.NewMessage({ conversationId: data.conversationId }) : undefined;
    case 'ticket_status_changed':
      return idOk(data.ticketId)
        ? new Ffi.Route.TicketUpdate({ ticketId: data.ticketId, kind: Ffi.TicketUpdateKind.StatusChanged })
        : undefined;
    case 'ticket_comment':
      return idOk(data.ticketId)
        ? new Ffi.Route.TicketUpdate({ ticketId: data.ticketId, kind: Ffi.TicketUpdateKind.Comment })
        : undefined;
    default:
      return undefined;
  }
}

interface LinkPrefix {
  scheme: string;
  host?: string;
  segments: string[];
}

/** A link (or prefix) as scheme, host (https only) and path segments; null when not a URL. */
function splitLink(text: string): LinkPrefix | null {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:[?#].*)?$/.exec(text.trim());
  if (!match) {
    return null;
  }
  const scheme = match[1]!.toLowerCase();
  const host = match[2]!.toLowerCase();
  const path = match[3]!.split('/').filter((s) => s.length > 0);
  if (scheme === 'https') {
    return host === '' ? null : { scheme, host, segments: path };
  }
  return { scheme, segments: host === '' ? path : [host, ...path] };
}

const DEFAULT_PREFIXES: LinkPrefix[] = [
  { scheme: 'opencom', segments: [] },
  { scheme: 'https', host: 'opencom.app', segments: [] },
];

/** Same rules as the Rust SDK's `DeepLinks::new` (prefixes) and `parse`. */
export function fakeParseDeepLinkWithPrefixes(link: string, prefixes: string[]): Ffi.Route | undefined {
  const accepted = [...DEFAULT_PREFIXES];
  for (const prefix of prefixes) {
    const trimmed = prefix.trim();
    const text = trimmed.includes(':') ? (trimmed.endsWith(':') ? `${trimmed}//` : trimmed) : `${trimmed}://`;
    const parsed = splitLink(text);
    const refuse = (reason: string) =>
      invalid('prefixes', `invalid deep-link prefix ${JSON.stringify(prefix)}: ${reason}`);
    if (!parsed || /[?#@]/.test(text) || /:\/\/[^/]*:/.test(text)) {
      throw refuse('not a usable prefix');
    }
    if (parsed.scheme === 'http') {
      throw refuse('use https (plain http links are not accepted)');
    }
    if (['file', 'data', 'javascript', 'ftp', 'ws', 'wss', 'blob'].includes(parsed.scheme)) {
      throw refuse('not an app scheme');
    }
    accepted.push(parsed);
  }
  const url = splitLink(link);
  if (!url || /:\/\/[^/]*:\d/.test(link)) {
    return undefined;
  }
  const prefix = accepted.find(
    (p) =>
      p.scheme === url.scheme &&
      p.host === url.host &&
      p.segments.length <= url.segments.length &&
      p.segments.every((s, i) => url.segments[i] === s),
  );
  if (!prefix) {
    return undefined;
  }
  return routeOf(url.segments.slice(prefix.segments.length));
}

/** Same rules as the Rust SDK's `parse_deep_link`. */
export function fakeParseDeepLink(link: string): Ffi.Route | undefined {
  return fakeParseDeepLinkWithPrefixes(link, []);
}

function routeOf(segments: string[]): Ffi.Route | undefined {
  const id = segments[1];
  switch (`${segments[0] ?? ''}/${segments.length}`) {
    case 'conversation/2':
      return idOk(id) ? new Ffi.Route.Conversation({ conversationId: id }) : undefined;
    case 'article/2':
      return idOk(id) ? new Ffi.Route.Article({ articleId: id }) : undefined;
    case 'ticket/2':
      return idOk(id) ? new Ffi.Route.Ticket({ ticketId: id }) : undefined;
    case 'tickets/1':
      return new Ffi.Route.Tickets();
    case 'messenger/1':
      return new Ffi.Route.Messenger();
    case 'help-center/1':
      return new Ffi.Route.HelpCenter();
    default:
      return undefined;
  }
}

/**
 * The fake workspace and its control API. `fake.bindings` goes to `<OpencomProvider bindings>`
 * (the Jest entry makes it the default).
 */
export class OpencomFake {
  readonly workspaceId = 'fake-workspace';
  readonly bindings: OpencomBindings;
  /** Every client call, oldest first. */
  readonly calls: FakeCall[] = [];
  /** Articles' feedback, oldest first. */
  readonly feedback: { articleId: string; helpful: boolean }[] = [];
  /** Tracked events, oldest first. */
  readonly events: { visitorId: string; name: string; properties: Record<string, unknown> }[] = [];
  /** Every client built, with the root certificates it was given. */
  readonly builds: { deploymentUrl: string; workspaceId: string; rootCertificatesPem: string[] }[] = [];
  /** `pause()` / `resume()` calls that changed something, oldest first (as `session_end`/`session_start`). */
  readonly lifecycle: ('pause' | 'resume')[] = [];
  /** Uploaded attachments, with their bytes. */
  readonly uploads: { id: string; fileName: string; mimeType: string; bytes: Uint8Array }[] = [];
  /** Conversation ratings. */
  readonly ratings: { conversationId: string; rating: number; feedback?: string }[] = [];
  /** @internal */
  messengerSettings: Ffi.MessengerSettings = {
    primaryColor: '#792cd4',
    backgroundColor: '#ffffff',
    themeMode: 'system',
    launcherPosition: 'right',
    showLauncher: true,
    welcomeMessage: 'Hi there! How can we help?',
    supportedLanguages: ['en'],
    defaultLanguage: 'en',
    mobileEnabled: true,
    logo: undefined,
    privacyPolicyUrl: undefined,
    rawJson: '{}',
  };
  /** @internal */
  hours: { isOpen: boolean; offlineMessage?: string; expectedReplyTimeMinutes?: number; expectedReplyTime?: string } = {
    isOpen: true,
  };

  private seq = 0;
  private visitors = new Map<string, FakeVisitor>();
  private conversations = new Map<string, FakeConversation>();
  private articles: FakeArticle[] = [];
  private collections: FakeCollection[] = [];
  private tickets: FakeTicket[] = [];
  private form: Ffi.TicketForm | undefined;
  private pushTokens = new Map<string, { visitorId: string; enabled: boolean }>();
  private failures: { method: FakeMethod; error: Ffi.OpencomError }[] = [];
  private deliveryFailure: string | null = null;
  private gate: Promise<void> | null = null;
  private openGate: (() => void) | null = null;
  private connection: Ffi.ConnectionState = Ffi.ConnectionState.Connected;
  /** @internal */
  readonly clients = new Set<FakeClient>();

  constructor() {
    const fake = this;
    this.bindings = {
      ClientBuilder: class extends FakeClientBuilder {
        constructor(deploymentUrl: string, workspaceId: string) {
          super(fake, deploymentUrl, workspaceId);
        }
      },
      parsePush: fakeParsePush,
      parseDeepLink: fakeParseDeepLink,
      parseDeepLinkWithPrefixes: fakeParseDeepLinkWithPrefixes,
      sdkVersion: () => '0.0.0-fake',
      AttributeValue: Ffi.AttributeValue,
      AttachmentSource: Ffi.AttachmentSource,
      FormValue: Ffi.FormValue,
      RealtimeMode: Ffi.RealtimeMode,
      PushPlatform: Ffi.PushPlatform,
      TicketPriority: Ffi.TicketPriority,
    };
  }

  // ---- control API ------------------------------------------------------------------------

  /** An agent message in a conversation (`unread += 1`); returns its id. */
  agentReply(conversationId: string, text: string): string {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) {
      throw new Error(`OpencomFake: no conversation ${conversationId}`);
    }
    const id = this.id('msg');
    this.addMessage(conversation, { id, senderId: 'agent-1', senderType: 'agent', senderName: AGENT_NAME, content: text, createdAt: Date.now() });
    conversation.unread += 1;
    this.notify();
    return id;
  }

  /**
   * A conversation started by a visitor (default: the newest one), with the greeting, as if
   * the app had called `getOrCreate`; returns its id.
   */
  startConversation(visitorId?: string): string {
    const id = visitorId ?? [...this.visitors.keys()].pop();
    if (!id || !this.visitors.has(id)) {
      throw new Error('OpencomFake: no visitor yet (render an <OpencomProvider> and wait until it is ready)');
    }
    return this.createConversation(id).id;
  }

  /** Closes (resolves) a conversation. */
  closeConversation(conversationId: string): void {
    const conversation = this.conversations.get(conversationId);
    if (conversation) {
      conversation.status = 'closed';
      conversation.updatedAt = Date.now();
      this.notify();
    }
  }

  /** A help-center collection; returns its id. */
  addCollection(name: string, options: { parentId?: string; description?: string; order?: number } = {}): string {
    const id = this.id('col');
    this.collections.push({ id, name, parentId: options.parentId, description: options.description, order: options.order ?? this.collections.length });
    return id;
  }

  /** A help-center article (published unless `published: false`); returns its id. */
  addArticle(article: { title: string; content: string; collectionId?: string; published?: boolean }): string {
    const id = this.id('art');
    let slug = slugify(article.title);
    for (let n = 1; this.articles.some((a) => a.slug === slug); n++) {
      slug = `${slugify(article.title)}-${n}`;
    }
    this.articles.push({
      id,
      title: article.title,
      slug,
      content: article.content,
      collectionId: article.collectionId,
      published: article.published ?? true,
      order: this.articles.length,
      updatedAt: Date.now(),
    });
    return id;
  }

  /** The workspace's ticket form. */
  setTicketForm(form: { name: string; fields: { id: string; label: string; required?: boolean; options?: string[] }[] }): void {
    this.form = {
      id: this.id('form'),
      name: form.name,
      description: undefined,
      fields: form.fields.map((f) => ({
        id: f.id,
        kind: f.options ? new Ffi.FieldKind.Select() : new Ffi.FieldKind.Text(),
        label: f.label,
        placeholder: undefined,
        required: f.required ?? false,
        options: f.options ?? [],
      })),
    };
  }

  /** An agent's public comment on a ticket; returns its id. */
  addTicketComment(ticketId: string, text: string): string {
    const ticket = this.tickets.find((t) => t.id === ticketId);
    if (!ticket) {
      throw new Error(`OpencomFake: no ticket ${ticketId}`);
    }
    const id = this.id('cmt');
    ticket.comments.push({ id, authorType: 'agent', content: text, createdAt: Date.now() });
    return id;
  }

  /** The next call of `method` fails with the `kind` variant of `OpencomError`. */
  failNext(method: FakeMethod, kind: OpencomErrorKind, detail?: string): void {
    this.failures.push({ method, error: fakeError(kind, detail) });
  }

  /**
   * While set, queued messages are not delivered: their echo turns `Failed` with this text and
   * `sent()` rejects with `Network`. `null` delivers again (call `resumeOutbox`, as in the SDK).
   */
  failDelivery(detail: string | null): void {
    this.deliveryFailure = detail;
  }

  /** Makes every client call wait until the returned function is called (to see loading states). */
  hold(): () => void {
    if (!this.gate) {
      this.gate = new Promise((resolve) => {
        this.openGate = () => {
          this.gate = null;
          this.openGate = null;
          resolve();
        };
      });
    }
    const open = this.openGate!;
    return () => open();
  }

  /** The messenger's settings (merged into the defaults). */
  setMessengerSettings(settings: Partial<Ffi.MessengerSettings>): void {
    this.messengerSettings = { ...this.messengerSettings, ...settings };
  }

  /** Office hours and the expected reply time (text such as "2 hours"). */
  setOfficeHours(hours: { isOpen: boolean; offlineMessage?: string; expectedReplyTimeMinutes?: number; expectedReplyTime?: string }): void {
    this.hours = hours;
  }

  /** The live connection's state, as `useOpencom().connectionState` sees it. */
  setConnectionState(state: 'connecting' | 'connected' | 'disconnected' | 'polling'): void {
    const S = Ffi.ConnectionState;
    this.connection = { connecting: S.Connecting, connected: S.Connected, disconnected: S.Disconnected, polling: S.Polling }[state];
    this.notify();
  }

  /** Listeners currently subscribed (across clients): 0 once every screen unmounted. */
  get activeSubscriptions(): number {
    let n = 0;
    for (const client of this.clients) {
      n += client.watches.size;
    }
    return n;
  }

  /** The visitors, as documents. */
  visitorList(): { id: string; email?: string; name?: string; userId?: string }[] {
    return [...this.visitors.values()].map(({ id, email, name, userId }) => ({ id, email, name, userId }));
  }

  /** A visitor's conversations (ids, oldest first). */
  conversationIds(visitorId: string): string[] {
    return [...this.conversations.values()].filter((c) => c.visitorId === visitorId).map((c) => c.id);
  }

  /** The stored messages of a conversation, oldest first. */
  messagesOf(conversationId: string): { id: string; sender: string; content: string }[] {
    return (this.conversations.get(conversationId)?.messages ?? []).map((m) => ({ id: m.id, sender: m.senderType, content: m.content }));
  }

  /** The push tokens, with their visitor. */
  tokens(): { token: string; visitorId: string; enabled: boolean }[] {
    return [...this.pushTokens.entries()].map(([token, t]) => ({ token, ...t }));
  }

  /** Calls of one method. */
  callsOf(method: FakeMethod): FakeCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  // ---- internals used by the fake clients --------------------------------------------------

  /** @internal */
  id(prefix: string): string {
    this.seq += 1;
    return `${prefix}_${this.seq}`;
  }

  /** @internal Records the call, waits for `hold()`, and throws an injected failure. */
  async enter(method: FakeMethod, args: unknown[]): Promise<void> {
    this.enterSync(method, args);
    while (this.gate) {
      await this.gate;
    }
    await Promise.resolve();
  }

  /** @internal */
  enterSync(method: FakeMethod, args: unknown[]): void {
    this.calls.push({ method, args });
    const i = this.failures.findIndex((f) => f.method === method);
    if (i >= 0) {
      const [failure] = this.failures.splice(i, 1);
      throw failure!.error;
    }
  }

  /** @internal */
  newVisitor(): FakeVisitor {
    const visitor: FakeVisitor = { id: this.id('vis'), readableId: `fake-visitor-${this.seq}`, customAttributes: new Map() };
    this.visitors.set(visitor.id, visitor);
    return visitor;
  }

  /** @internal */
  visitor(id: string): FakeVisitor | undefined {
    return this.visitors.get(id);
  }

  /** @internal */
  conversationsOf(visitorId: string): FakeConversation[] {
    return [...this.conversations.values()].filter((c) => c.visitorId === visitorId);
  }

  /** @internal */
  conversation(id: string): FakeConversation | undefined {
    return this.conversations.get(id);
  }

  /** @internal */
  createConversation(visitorId: string): FakeConversation {
    const now = Date.now();
    const conversation: FakeConversation = { id: this.id('conv'), visitorId, status: 'open', createdAt: now, updatedAt: now, unread: 0, messages: [] };
    this.conversations.set(conversation.id, conversation);
    this.addMessage(conversation, { id: this.id('msg'), senderId: 'system', senderType: 'bot', content: GREETING, createdAt: now });
    this.notify();
    return conversation;
  }

  /** @internal */
  addMessage(conversation: FakeConversation, message: FakeMessage): void {
    conversation.messages.push(message);
    conversation.updatedAt = message.createdAt;
  }

  /** @internal */
  deliveryError(): string | null {
    return this.deliveryFailure;
  }

  /** @internal */
  helpArticles(): FakeArticle[] {
    return this.articles.filter((a) => a.published);
  }

  /** @internal */
  helpCollections(): FakeCollection[] {
    return this.collections;
  }

  /** @internal */
  ticketStore(): FakeTicket[] {
    return this.tickets;
  }

  /** @internal */
  ticketForm(): Ffi.TicketForm | undefined {
    return this.form;
  }

  /** @internal */
  tokenStore(): Map<string, { visitorId: string; enabled: boolean }> {
    return this.pushTokens;
  }

  /** @internal */
  connectionState(): Ffi.ConnectionState {
    return this.connection;
  }

  /** @internal Sends every listener its current value, when it changed (asynchronously). */
  notify(): void {
    queueMicrotask(() => {
      for (const client of [...this.clients]) {
        client.deliverAll();
      }
    });
  }
}

function toFfiMessage(conversationId: string, m: FakeMessage): Ffi.Message {
  const S = Ffi.SenderType;
  return {
    id: m.id,
    conversationId,
    senderId: m.senderId,
    senderType: m.senderType === 'visitor' ? new S.Visitor() : m.senderType === 'agent' ? new S.Agent() : new S.Bot(),
    senderName: m.senderName,
    content: m.content,
    createdAt: m.createdAt,
    attachments: [],
    delivery: new Ffi.DeliveryState.Sent(),
    localId: m.localId,
  };
}

function toFfiArticle(a: FakeArticle): Ffi.Article {
  return {
    id: a.id,
    title: a.title,
    slug: a.slug,
    content: a.content,
    renderedContent: a.content,
    collectionId: a.collectionId,
    order: a.order,
    updatedAt: a.updatedAt,
  };
}

class FakeClientBuilder implements Ffi.ClientBuilderLike {
  private options: { storage?: Ffi.Storage; origin?: string } = {};
  private roots: string[] = [];

  constructor(
    private readonly fake: OpencomFake,
    private readonly deploymentUrl: string,
    private readonly workspaceId: string,
  ) {}

  private set(change: (o: { storage?: Ffi.Storage; origin?: string }) => void): this {
    change(this.options);
    return this;
  }

  aiReplies(): Ffi.ClientBuilderLike {
    return this;
  }
  addRootCertificatePem(pem: string): Ffi.ClientBuilderLike {
    this.roots.push(pem);
    return this;
  }
  clientInfo(): Ffi.ClientBuilderLike {
    return this;
  }
  clock(): Ffi.ClientBuilderLike {
    return this;
  }
  connectTimeout(): Ffi.ClientBuilderLike {
    return this;
  }
  device(): Ffi.ClientBuilderLike {
    return this;
  }
  fileStorage(): Ffi.ClientBuilderLike {
    return this;
  }
  heartbeatInterval(): Ffi.ClientBuilderLike {
    return this;
  }
  origin(origin: string): Ffi.ClientBuilderLike {
    return this.set((o) => (o.origin = origin));
  }
  pollInterval(): Ffi.ClientBuilderLike {
    return this;
  }
  realtime(): Ffi.ClientBuilderLike {
    return this;
  }
  requestTimeout(): Ffi.ClientBuilderLike {
    return this;
  }
  retryPolicy(): Ffi.ClientBuilderLike {
    return this;
  }
  siteUrl(): Ffi.ClientBuilderLike {
    return this;
  }
  storage(storage: Ffi.Storage): Ffi.ClientBuilderLike {
    return this.set((o) => (o.storage = storage));
  }

  async build(): Promise<Ffi.OpencomClientLike> {
    await this.fake.enter('build', [this.deploymentUrl, this.workspaceId]);
    if (!/^https?:\/\/./.test(this.deploymentUrl)) {
      throw new Ffi.OpencomError.Config({ detail: `invalid deployment URL: ${this.deploymentUrl}` });
    }
    if (this.workspaceId.trim() === '') {
      throw new Ffi.OpencomError.Config({ detail: 'the workspace id is empty' });
    }
    const bad = this.roots.findIndex((pem) => !/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(pem));
    if (bad >= 0) {
      throw new Ffi.OpencomError.Config({ detail: `invalid root certificate #${bad}: no certificate found` });
    }
    this.fake.builds.push({ deploymentUrl: this.deploymentUrl, workspaceId: this.workspaceId, rootCertificatesPem: [...this.roots] });
    return new FakeClient(this.fake, this.deploymentUrl, this.workspaceId, this.options.storage);
  }
}

class FakeSubscription implements Ffi.SubscriptionLike {
  constructor(
    private readonly client: FakeClient,
    private readonly watch: Watch,
  ) {}
  cancel(): void {
    this.client.watches.delete(this.watch);
  }
  isActive(): boolean {
    return this.client.watches.has(this.watch);
  }
}

/** @internal A client of the fake: one visitor session on this device. */
export class FakeClient implements Ffi.OpencomClientLike {
  /** @internal Live listeners and the signature of what each one last got. */
  readonly watches = new Map<Watch, string | undefined>();
  private visitorId: string | undefined;
  private sessionId: string | undefined;
  private user: Ffi.User | undefined;
  private pushToken: string | undefined;
  private outbox: OutboxItem[] = [];

  constructor(
    readonly fake: OpencomFake,
    private readonly url: string,
    private readonly workspace: string,
    private readonly store: Ffi.Storage | undefined,
  ) {
    fake.clients.add(this);
  }

  private get key(): string {
    return `opencom/${this.workspace}/`;
  }

  /** @internal */
  me(): FakeVisitor {
    const visitor = this.visitorId ? this.fake.visitor(this.visitorId) : undefined;
    if (!visitor) {
      throw new Ffi.OpencomError.SessionExpired();
    }
    return visitor;
  }

  private info(restored: boolean): Ffi.SessionInfo {
    return {
      visitorId: this.visitorId!,
      sessionId: this.sessionId!,
      expiresAtMs: Date.now() + 24 * 3600 * 1000,
      restored,
      discardedCorruptState: false,
    };
  }

  private async persist(): Promise<void> {
    await this.store?.set(`${this.key}session`, JSON.stringify({ visitorId: this.visitorId, sessionId: this.sessionId }));
  }

  async start(): Promise<Ffi.SessionInfo> {
    await this.fake.enter('start', []);
    if (this.visitorId) {
      return this.info(true);
    }
    const saved = await this.store?.get(`${this.key}session`);
    if (saved) {
      try {
        const parsed = JSON.parse(saved) as { visitorId?: string; sessionId?: string };
        if (parsed.visitorId && parsed.sessionId && this.fake.visitor(parsed.visitorId)) {
          this.visitorId = parsed.visitorId;
          this.sessionId = parsed.sessionId;
          const user = await this.store?.get(`${this.key}user`);
          this.user = user ? (JSON.parse(user) as Ffi.User) : undefined;
          if (this.user) {
            this.user = { ...this.user, customAttributes: new Map() };
          }
          return this.info(true);
        }
      } catch {
        // Corrupt: a fresh session, as the SDK does.
      }
    }
    this.visitorId = this.fake.newVisitor().id;
    this.sessionId = this.fake.id('sess');
    await this.persist();
    this.fake.notify();
    return this.info(false);
  }

  private paused = false;

  async pause(): Promise<void> {
    await this.fake.enter('pause', []);
    if (!this.paused) {
      this.paused = true;
      this.fake.lifecycle.push('pause');
    }
  }

  async resume(): Promise<void> {
    await this.fake.enter('resume', []);
    this.me();
    if (this.paused) {
      this.paused = false;
      this.fake.lifecycle.push('resume');
      this.fake.notify();
    }
  }

  isPaused(): boolean {
    return this.paused;
  }

  async logout(): Promise<Ffi.SessionInfo> {
    await this.fake.enter('logout', []);
    if (this.pushToken) {
      this.fake.tokenStore().delete(this.pushToken);
      this.pushToken = undefined;
    }
    for (const key of (await this.store?.keys(this.key)) ?? []) {
      await this.store?.remove(key);
    }
    this.user = undefined;
    this.outbox = [];
    this.visitorId = this.fake.newVisitor().id;
    this.sessionId = this.fake.id('sess');
    await this.persist();
    this.fake.notify();
    return this.info(false);
  }

  session(): Ffi.SessionClientLike {
    return {
      visitorId: () => this.visitorId,
      sessionId: () => this.sessionId,
      refresh: async () => {
        await this.fake.enter('session.refresh', []);
        this.me();
        return this.info(false);
      },
    };
  }

  visitor(): Ffi.VisitorClientLike {
    return {
      identify: async (user: Ffi.User) => {
        await this.fake.enter('visitor.identify', [user]);
        const visitor = this.me();
        if (user.email !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(user.email)) {
          throw invalid('email', 'not an email address');
        }
        for (const key of user.customAttributes.keys()) {
          if (key.startsWith('$') || key.includes('.')) {
            throw invalid(`customAttributes.${key}`, 'keys must not start with `$` or contain `.`');
          }
        }
        visitor.email = user.email ?? visitor.email;
        visitor.name = user.name ?? visitor.name;
        visitor.userId = user.userId ?? visitor.userId;
        for (const [k, v] of user.customAttributes) {
          visitor.customAttributes.set(k, v);
        }
        this.user = user;
        await this.store?.set(`${this.key}user`, JSON.stringify({ ...user, customAttributes: {} }));
        return {
          id: visitor.id,
          readableId: visitor.readableId,
          email: visitor.email,
          name: visitor.name,
          userId: visitor.userId,
          identityVerified: false,
          customAttributes: new Map(visitor.customAttributes),
        };
      },
      currentUser: async () => {
        await this.fake.enter('visitor.currentUser', []);
        return this.user;
      },
      heartbeat: async () => {
        await this.fake.enter('visitor.heartbeat', []);
      },
    };
  }

  events(): Ffi.EventsClientLike {
    return {
      track: async (name: string, properties: Map<string, Ffi.AttributeValue>) => {
        await this.fake.enter('events.track', [name, properties]);
        if (name.trim() === '') {
          throw invalid('name', 'must not be empty');
        }
        const props: Record<string, unknown> = {};
        for (const [k, v] of properties) {
          props[k] = (v as unknown as { inner?: { value?: unknown } }).inner?.value ?? null;
        }
        this.fake.events.push({ visitorId: this.me().id, name, properties: props });
        return this.fake.id('evt');
      },
      trackScreen: async (screenName: string) => {
        await this.fake.enter('events.trackScreen', [screenName]);
        this.fake.events.push({ visitorId: this.me().id, name: 'screen_view', properties: { screenName } });
        return new Ffi.TrackOutcome.Recorded({ eventId: this.fake.id('evt') });
      },
    };
  }

  // ---- conversations -------------------------------------------------------------------------

  private summary(c: FakeConversation): Ffi.Conversation {
    const last = c.messages[c.messages.length - 1];
    return {
      id: c.id,
      status: c.status === 'open' ? new Ffi.ConversationStatus.Open() : new Ffi.ConversationStatus.Closed(),
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      lastMessageAt: last?.createdAt,
      unreadCount: c.unread,
      subject: undefined,
      lastMessage: last ? toFfiMessage(c.id, last) : undefined,
    };
  }

  private mine(conversationId: string): FakeConversation {
    const conversation = this.fake.conversation(conversationId);
    if (!conversation || conversation.visitorId !== this.me().id) {
      throw new Ffi.OpencomError.NotFound({ detail: 'Conversation not found' });
    }
    return conversation;
  }

  /** Server messages plus this device's unsent ones, oldest first. */
  private messageList(conversationId: string): Ffi.Message[] {
    const conversation = this.fake.conversation(conversationId);
    const stored = (conversation?.messages ?? []).map((m) => toFfiMessage(conversationId, m));
    const echoes: Ffi.Message[] = this.outbox
      .filter((item) => item.conversationId === conversationId)
      .map((item) => ({
        id: `local:${item.localId}`,
        conversationId,
        senderId: this.visitorId ?? '',
        senderType: new Ffi.SenderType.Visitor(),
        senderName: undefined,
        content: item.text,
        createdAt: item.createdAt,
        attachments: [],
        delivery: item.failure === undefined ? new Ffi.DeliveryState.Sending() : new Ffi.DeliveryState.Failed({ error: item.failure }),
        localId: item.localId,
      }));
    return [...stored, ...echoes];
  }

  private deliver(item: OutboxItem): void {
    queueMicrotask(() => {
      if (!this.outbox.includes(item)) {
        return;
      }
      const failure = this.fake.deliveryError();
      if (failure !== null) {
        item.failure = failure;
        for (const w of item.waiters.splice(0)) {
          w.reject(new Ffi.OpencomError.Network({ detail: failure }));
        }
        this.fake.notify();
        return;
      }
      const conversation = this.fake.conversation(item.conversationId);
      if (!conversation) {
        return;
      }
      const id = this.fake.id('msg');
      this.fake.addMessage(conversation, {
        id,
        senderId: this.visitorId ?? '',
        senderType: 'visitor',
        content: item.text,
        createdAt: item.createdAt,
        localId: item.localId,
      });
      this.outbox = this.outbox.filter((i) => i !== item);
      for (const w of item.waiters.splice(0)) {
        w.resolve(id);
      }
      this.fake.notify();
    });
  }

  conversations(): Ffi.ConversationsClientLike {
    const fake = this.fake;
    return {
      list: async () => {
        await fake.enter('conversations.list', []);
        return fake
          .conversationsOf(this.me().id)
          .sort((a, b) => b.updatedAt - a.updatedAt)
          .map((c) => this.summary(c));
      },
      getOrCreate: async () => {
        await fake.enter('conversations.getOrCreate', []);
        const open = fake.conversationsOf(this.me().id).find((c) => c.status === 'open');
        return this.summary(open ?? fake.createConversation(this.me().id));
      },
      create: async () => {
        await fake.enter('conversations.create', []);
        return this.summary(fake.createConversation(this.me().id));
      },
      get: async (conversationId: string) => {
        await fake.enter('conversations.get', [conversationId]);
        const c = fake.conversation(conversationId);
        return c && c.visitorId === this.me().id ? this.summary(c) : undefined;
      },
      messages: async (conversationId: string) => {
        await fake.enter('conversations.messages', [conversationId]);
        return this.mine(conversationId).messages.map((m) => toFfiMessage(conversationId, m));
      },
      send: async (conversationId: string, message: Ffi.OutgoingMessage) => {
        await fake.enter('conversations.send', [conversationId, message.text]);
        this.mine(conversationId);
        if (message.text.trim() === '' && message.attachmentIds.length === 0) {
          throw invalid('text', 'a message needs text or an attachment');
        }
        const item: OutboxItem = { localId: fake.id('out'), conversationId, text: message.text, createdAt: Date.now(), waiters: [] };
        this.outbox.push(item);
        fake.notify();
        this.deliver(item);
        const handle: Ffi.SendHandleLike = {
          localId: () => item.localId,
          sent: () =>
            new Promise<string>((resolve, reject) => {
              const stored = fake.conversation(conversationId)?.messages.find((m) => m.localId === item.localId);
              if (stored) {
                resolve(stored.id);
              } else if (item.failure !== undefined) {
                reject(new Ffi.OpencomError.Network({ detail: item.failure }));
              } else {
                item.waiters.push({ resolve, reject });
              }
            }),
        };
        return handle;
      },
      resumeOutbox: async () => {
        await fake.enter('conversations.resumeOutbox', []);
        for (const item of this.outbox) {
          if (item.failure !== undefined) {
            item.failure = undefined;
            this.deliver(item);
          }
        }
        fake.notify();
      },
      upload: async (source: Ffi.AttachmentSource, fileName: string, mimeType: string | undefined) => {
        await fake.enter('conversations.upload', [fileName, mimeType]);
        const inner = (source as unknown as { tag: string; inner: { data?: ArrayBuffer; path?: string } }).inner;
        if (!inner.data) {
          throw new Ffi.OpencomError.Storage({ detail: 'the fake cannot read files: pass bytes' });
        }
        const bytes = new Uint8Array(inner.data.slice(0));
        if (bytes.length === 0) {
          throw invalid('data', 'the file is empty');
        }
        const id = fake.id('att');
        const type = mimeType ?? 'application/octet-stream';
        fake.uploads.push({ id, fileName, mimeType: type, bytes });
        return { id, fileName, mimeType: type, size: BigInt(bytes.length) };
      },
      markRead: async (conversationId: string) => {
        await fake.enter('conversations.markRead', [conversationId]);
        this.mine(conversationId).unread = 0;
        fake.notify();
      },
      totalUnread: async () => {
        await fake.enter('conversations.totalUnread', []);
        return fake.conversationsOf(this.me().id).reduce((n, c) => n + c.unread, 0);
      },
      csatEligibility: async (conversationId: string) => {
        await fake.enter('conversations.csatEligibility', [conversationId]);
        const closed = this.mine(conversationId).status === 'closed';
        return { eligible: closed, reason: closed ? 'eligible' : 'conversation_not_closed' };
      },
      rate: async (conversationId: string, rating: number, feedback: string | undefined) => {
        await fake.enter('conversations.rate', [conversationId, rating, feedback]);
        if (rating < 1 || rating > 5) {
          throw invalid('rating', 'must be 1 to 5');
        }
        if (this.mine(conversationId).status !== 'closed') {
          throw invalid('conversationId', 'the conversation is not closed');
        }
        fake.ratings.push({ conversationId, rating, feedback });
      },
      watchMessages: (conversationId: string, listener: Ffi.MessagesListener) => {
        fake.enterSync('conversations.watchMessages', [conversationId]);
        return this.watch({ kind: 'messages', conversationId, listener });
      },
      watchConversations: (listener: Ffi.ConversationsListener) => {
        fake.enterSync('conversations.watchConversations', []);
        return this.watch({ kind: 'conversations', listener });
      },
      watchUnreadCount: (listener: Ffi.UnreadCountListener) => {
        fake.enterSync('conversations.watchUnreadCount', []);
        return this.watch({ kind: 'unread', listener });
      },
    };
  }

  watchConnectionState(listener: Ffi.ConnectionStateListener): Ffi.SubscriptionLike {
    return this.watch({ kind: 'connection', listener });
  }

  private watch(watch: Watch): Ffi.SubscriptionLike {
    this.watches.set(watch, undefined);
    queueMicrotask(() => this.deliverOne(watch));
    return new FakeSubscription(this, watch);
  }

  /** @internal */
  deliverAll(): void {
    for (const watch of [...this.watches.keys()]) {
      this.deliverOne(watch);
    }
  }

  private deliverOne(watch: Watch): void {
    if (!this.watches.has(watch)) {
      return;
    }
    let value: unknown;
    let send: () => void;
    try {
      switch (watch.kind) {
        case 'messages': {
          const list = this.messageList(watch.conversationId);
          this.mine(watch.conversationId);
          value = list;
          send = () => watch.listener.onMessages(list, false, Ffi.Delivery.Socket);
          break;
        }
        case 'conversations': {
          const list = this.fake
            .conversationsOf(this.me().id)
            .sort((a, b) => b.updatedAt - a.updatedAt)
            .map((c) => this.summary(c));
          value = list;
          send = () => watch.listener.onConversations(list, false, Ffi.Delivery.Socket);
          break;
        }
        case 'unread': {
          const count = this.fake.conversationsOf(this.me().id).reduce((n, c) => n + c.unread, 0);
          value = count;
          send = () => watch.listener.onUnreadCount(count, false, Ffi.Delivery.Socket);
          break;
        }
        case 'connection': {
          const state = this.fake.connectionState();
          value = state;
          send = () => watch.listener.onState(state);
          break;
        }
      }
    } catch (error) {
      value = { error: signature(error) };
      send = () => {
        if (watch.kind !== 'connection') {
          watch.listener.onError(error as Ffi.OpencomError);
        }
      };
    }
    const sig = signature(value);
    if (this.watches.get(watch) === sig) {
      return;
    }
    this.watches.set(watch, sig);
    send();
  }

  // ---- help center, push, tickets, messenger ----------------------------------------------

  helpCenter(): Ffi.HelpCenterClientLike {
    const fake = this.fake;
    const tree = (parentId: string | undefined): Ffi.CollectionNode[] =>
      fake
        .helpCollections()
        .filter((c) => c.parentId === parentId)
        .sort((a, b) => a.order - b.order)
        .map((c) => ({
          collection: {
            id: c.id,
            name: c.name,
            description: c.description,
            icon: undefined,
            parentId: c.parentId,
            order: c.order,
            articleCount: fake.helpArticles().filter((a) => a.collectionId === c.id).length,
          },
          children: tree(c.id),
        }));
    return {
      collections: async () => {
        await fake.enter('helpCenter.collections', []);
        return tree(undefined);
      },
      articles: async (collectionId: string | undefined) => {
        await fake.enter('helpCenter.articles', [collectionId]);
        return fake
          .helpArticles()
          .filter((a) => collectionId === undefined || a.collectionId === collectionId)
          .map(toFfiArticle);
      },
      search: async (query: string) => {
        await fake.enter('helpCenter.search', [query]);
        const words = query.toLowerCase().split(/\s+/).filter(Boolean);
        if (words.length === 0) {
          throw invalid('query', 'must not be empty');
        }
        return fake
          .helpArticles()
          .filter((a) => words.every((w) => `${a.title} ${a.content}`.toLowerCase().includes(w)))
          .slice(0, 20)
          .map(toFfiArticle);
      },
      article: async (articleId: string) => {
        await fake.enter('helpCenter.article', [articleId]);
        const found = fake.helpArticles().find((a) => a.id === articleId);
        return found ? toFfiArticle(found) : undefined;
      },
      articleBySlug: async (slug: string) => {
        await fake.enter('helpCenter.articleBySlug', [slug]);
        const found = fake.helpArticles().find((a) => a.slug === slug);
        return found ? toFfiArticle(found) : undefined;
      },
      submitFeedback: async (articleId: string, helpful: boolean) => {
        await fake.enter('helpCenter.submitFeedback', [articleId, helpful]);
        fake.feedback.push({ articleId, helpful });
      },
      suggestions: async (query: string, limit: number | undefined) => {
        await fake.enter('helpCenter.suggestions', [query, limit]);
        if (query.trim().length < 2) {
          return [];
        }
        const q = query.toLowerCase();
        return fake
          .helpArticles()
          .filter((a) => a.title.toLowerCase().includes(q) || a.content.toLowerCase().includes(q))
          .slice(0, Math.min(5, Math.max(1, limit ?? 3)))
          .map((a) => ({ id: a.id, title: a.title, snippet: a.content.slice(0, 80), score: 1 }));
      },
    };
  }

  push(): Ffi.PushClientLike {
    const fake = this.fake;
    return {
      register: async (token: string, platform: Ffi.PushPlatform, deviceId: string | undefined) => {
        await fake.enter('push.register', [token, platform, deviceId]);
        if (!EXPO_TOKEN.test(token)) {
          throw invalid('token', 'not an Expo push token (ExponentPushToken[…])');
        }
        const me = this.me().id;
        const existing = fake.tokenStore().get(token);
        fake.tokenStore().set(token, { visitorId: me, enabled: true });
        this.pushToken = token;
        await this.store?.set(`${this.key}push`, token);
        if (!existing) {
          return Ffi.PushRegistration.Created;
        }
        return existing.visitorId === me ? Ffi.PushRegistration.Updated : Ffi.PushRegistration.Reassigned;
      },
      registeredToken: async () => {
        await fake.enter('push.registeredToken', []);
        return this.pushToken ?? (await this.store?.get(`${this.key}push`)) ?? undefined;
      },
      unregister: async () => {
        await fake.enter('push.unregister', []);
        const token = this.pushToken;
        this.pushToken = undefined;
        await this.store?.remove(`${this.key}push`);
        return token !== undefined && fake.tokenStore().delete(token);
      },
      setEnabled: async (enabled: boolean) => {
        await fake.enter('push.setEnabled', [enabled]);
        const entry = this.pushToken ? fake.tokenStore().get(this.pushToken) : undefined;
        if (entry) {
          entry.enabled = enabled;
        }
      },
    };
  }

  tickets(): Ffi.TicketsClientLike {
    const fake = this.fake;
    const status = (t: FakeTicket): Ffi.TicketStatus =>
      t.status === 'submitted'
        ? new Ffi.TicketStatus.Submitted()
        : t.status === 'inProgress'
          ? new Ffi.TicketStatus.InProgress()
          : new Ffi.TicketStatus.Resolved();
    const toTicket = (t: FakeTicket): Ffi.Ticket => ({
      id: t.id,
      subject: t.subject,
      description: t.description,
      status: status(t),
      priority: t.priority,
      createdAt: t.createdAt,
      updatedAt: t.createdAt,
      resolutionSummary: undefined,
      attachments: [],
    });
    const mine = (ticketId: string): FakeTicket => {
      const ticket = fake.ticketStore().find((t) => t.id === ticketId && t.visitorId === this.me().id);
      if (!ticket) {
        throw new Ffi.OpencomError.NotFound({ detail: 'Ticket not found' });
      }
      return ticket;
    };
    const comments = (t: FakeTicket): Ffi.TicketComment[] => t.comments.map((c) => ({ ...c, attachments: [] }));
    return {
      defaultForm: async () => {
        await fake.enter('tickets.defaultForm', []);
        return fake.ticketForm();
      },
      create: async (ticket: Ffi.NewTicket) => {
        await fake.enter('tickets.create', [ticket.subject]);
        if (ticket.subject.trim() === '') {
          throw invalid('subject', 'must not be empty');
        }
        for (const field of fake.ticketForm()?.fields ?? []) {
          if (field.required && !ticket.formData.has(field.id)) {
            throw invalid(`formData.${field.id}`, 'is required');
          }
        }
        const id = fake.id('tkt');
        fake.ticketStore().push({
          id,
          visitorId: this.me().id,
          subject: ticket.subject,
          description: ticket.description,
          priority: ticket.priority ?? Ffi.TicketPriority.Normal,
          status: 'submitted',
          createdAt: Date.now(),
          comments: [],
        });
        return id;
      },
      list: async () => {
        await fake.enter('tickets.list', []);
        const me = this.me().id;
        return fake
          .ticketStore()
          .filter((t) => t.visitorId === me)
          .slice()
          .reverse()
          .map(toTicket);
      },
      get: async (ticketId: string) => {
        await fake.enter('tickets.get', [ticketId]);
        const t = mine(ticketId);
        return { ticket: toTicket(t), comments: comments(t) };
      },
      comments: async (ticketId: string) => {
        await fake.enter('tickets.comments', [ticketId]);
        return comments(mine(ticketId));
      },
      addComment: async (ticketId: string, content: string) => {
        await fake.enter('tickets.addComment', [ticketId, content]);
        const t = mine(ticketId);
        const id = fake.id('cmt');
        t.comments.push({ id, authorType: 'visitor', content, createdAt: Date.now() });
        return id;
      },
    };
  }

  messenger(): Ffi.MessengerClientLike {
    const fake = this.fake;
    return {
      settings: async () => {
        await fake.enter('messenger.settings', []);
        return { ...fake.messengerSettings };
      },
      homeConfig: async () => {
        await fake.enter('messenger.homeConfig', []);
        return '{"enabled":true,"cards":[]}';
      },
      officeHours: async () => {
        await fake.enter('messenger.officeHours', []);
        const h = fake.hours;
        return { isOpen: h.isOpen, offlineMessage: h.offlineMessage, expectedReplyTimeMinutes: h.expectedReplyTimeMinutes };
      },
      expectedReplyTime: async () => {
        await fake.enter('messenger.expectedReplyTime', []);
        return fake.hours.expectedReplyTime;
      },
      automationSettings: async () => {
        await fake.enter('messenger.automationSettings', []);
        return { suggestArticlesEnabled: false, showReplyTimeEnabled: false, collectEmailEnabled: false, askForRatingEnabled: false };
      },
      aiSettings: async () => {
        await fake.enter('messenger.aiSettings', []);
        return '{"enabled":false}';
      },
      commonIssueButtons: async () => {
        await fake.enter('messenger.commonIssueButtons', []);
        return [];
      },
      discovery: async () => this.discover(),
    };
  }

  async discover(): Promise<Ffi.Discovery> {
    await this.fake.enter('discover', []);
    return { version: '1.0', name: 'Opencom (fake)', convexUrl: this.url, features: ['chat', 'knowledge-base'] };
  }

  async metadata(): Promise<string> {
    await this.fake.enter('metadata', []);
    return '{}';
  }

  async exportMyData(path: string): Promise<Ffi.ExportSummary> {
    await this.fake.enter('exportMyData', [path]);
    throw new Ffi.OpencomError.Storage({ detail: 'the fake cannot write files' });
  }

  workspaceId(): string {
    return this.workspace;
  }

  deploymentUrl(): string {
    return this.url;
  }

  siteUrl(): string {
    return this.url;
  }

  /** Released by the provider on unmount: stops its listeners, as the native client does. */
  uniffiDestroy(): void {
    this.watches.clear();
    this.fake.clients.delete(this);
  }
}
