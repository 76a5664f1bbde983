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
  | { kind: 'connection'; listener: Ffi.ConnectionStateListener }
  | { kind: 'surveys'; listener: Ffi.SurveysListener }
  | { kind: 'carousels'; listener: Ffi.CarouselsListener }
  | { kind: 'outbound'; url: string; listener: Ffi.OutboundMessagesListener }
  | { kind: 'checklists'; listener: Ffi.ChecklistsListener }
  | { kind: 'ai'; conversationId: string; listener: Ffi.AiAnswersListener }
  | { kind: 'events'; listener: Ffi.ClientEventListener }
  | { kind: 'triggers'; listener: Ffi.SurveyTriggerListener };

const GREETING = 'Hi! How can we help you today?';
const AGENT_NAME = 'Alex from Support';
const EXPO_TOKEN = /^Expo(nent)?PushToken\[.+\]$/;
/** The SDK's `max_handoff_reason_chars()`. */
const MAX_HANDOFF_REASON_CHARS = 500;

/** A survey question for `addSurvey`. */
export interface FakeQuestionInput {
  id?: string;
  title: string;
  required?: boolean;
  kind?: 'nps' | 'text' | { scale: [number, number] } | { stars: number } | { choices: string[]; multiple?: boolean } | Ffi.QuestionKind;
}

function questionKind(kind: FakeQuestionInput['kind']): Ffi.QuestionKind {
  const K = Ffi.QuestionKind;
  if (kind === undefined || kind === 'nps') {
    return new K.Nps();
  }
  if (kind === 'text') {
    return new K.ShortText({ placeholder: undefined });
  }
  if ('scale' in kind) {
    return new K.NumericScale({ min: BigInt(kind.scale[0]), max: BigInt(kind.scale[1]), minLabel: undefined, maxLabel: undefined });
  }
  if ('stars' in kind) {
    return new K.StarRating({ max: BigInt(kind.stars), lowLabel: undefined, highLabel: undefined });
  }
  if ('choices' in kind) {
    return new K.MultipleChoice({ choices: kind.choices, allowMultiple: kind.multiple ?? false });
  }
  return kind;
}

/** Checks an answer as the SDK does before sending (`InvalidInput` on `answers.<id>`); returns its plain value. */
function checkAnswer(question: Ffi.SurveyQuestion, value: Ffi.AnswerValue): unknown {
  const field = `answers.${question.id}`;
  const v = value as unknown as { tag: string; inner: { value?: unknown; values?: string[] } };
  const kind = question.kind as unknown as { tag: string; inner: Record<string, unknown> };
  const range = (lo: bigint, hi: bigint): unknown => {
    if (v.tag !== 'Number') {
      throw invalid(field, 'expects a number');
    }
    const n = BigInt(v.inner.value as bigint);
    if (n < lo || n > hi) {
      throw invalid(field, `must be ${lo} to ${hi}`);
    }
    return Number(n);
  };
  switch (kind.tag) {
    case 'Nps':
      return range(0n, 10n);
    case 'NumericScale':
      return range(kind.inner.min as bigint, kind.inner.max as bigint);
    case 'StarRating':
      return range(1n, kind.inner.max as bigint);
    case 'EmojiRating':
      return range(1n, kind.inner.count as bigint);
    case 'Dropdown':
    case 'MultipleChoice': {
      const choices = kind.inner.choices as string[];
      const picked = v.tag === 'Choice' ? [v.inner.value as string] : v.tag === 'Choices' ? v.inner.values! : null;
      if (!picked || picked.length === 0) {
        throw invalid(field, 'expects a choice');
      }
      if (picked.length > 1 && !kind.inner.allowMultiple) {
        throw invalid(field, 'takes one choice');
      }
      const bad = picked.find((c) => !choices.includes(c));
      if (bad !== undefined) {
        throw invalid(field, `\`${bad}\` is not one of the choices`);
      }
      return v.tag === 'Choice' ? picked[0] : picked;
    }
    case 'ShortText':
    case 'LongText':
      if (v.tag !== 'Text' || String(v.inner.value).trim() === '') {
        throw invalid(field, 'expects a non-empty text');
      }
      return v.inner.value;
    default:
      return v.inner.value ?? v.inner.values;
  }
}

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
  /** Survey impressions (`record`), each at most once per survey, action and session. */
  readonly surveyImpressions: { visitorId: string; surveyId: string; action: 'shown' | 'started' | 'completed' | 'dismissed' }[] = [];
  /** Survey responses (`submit`), with the answers as plain values by question id. */
  readonly surveyResponses: { id: string; visitorId: string; surveyId: string; answers: Record<string, unknown>; complete: boolean }[] = [];
  /** Carousel impressions. */
  readonly carouselImpressions: { visitorId: string; carouselId: string; action: 'shown' | 'completed' | 'dismissed'; screenIndex?: number }[] = [];
  /** Outbound message impressions, clicks and dismissals. */
  readonly outboundImpressions: { visitorId: string; messageId: string; action: 'shown' | 'clicked' | 'dismissed'; buttonIndex?: number }[] = [];
  /** Checklist tasks completed (`completed: true`) and uncompleted. */
  readonly taskCompletions: { visitorId: string; checklistId: string; taskId: string; completed: boolean }[] = [];
  /** Tour actions: start, advance, blocked, skip (with the reason), complete, dismiss, snooze. */
  readonly tourActions: { visitorId: string; tourId: string; action: string; reason?: string }[] = [];
  /** Feedback on AI answers. */
  readonly aiFeedback: { responseId: string; feedback: 'helpful' | 'notHelpful' }[] = [];
  /** Hand-offs to a human agent. */
  readonly handoffs: { conversationId: string; reason?: string }[] = [];
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
  private surveyStore: Ffi.Survey[] = [];
  private carouselStore: Ffi.Carousel[] = [];
  private outboundStore: { message: Ffi.OutboundMessage; pageUrl?: string }[] = [];
  private checklistStore: Ffi.Checklist[] = [];
  private checklistProgress = new Map<string, { completed: Set<string>; startedAt?: number; completedAt?: number }>();
  private tourStore: { tour: Ffi.Tour; pageUrl?: string }[] = [];
  private tourProgress = new Map<
    string,
    { id: string; status: 'inProgress' | 'completed' | 'dismissed' | 'snoozed'; currentStep: number; completedAt?: number }
  >();
  private aiStore: Ffi.AiAnswer[] = [];
  /** Content a visitor completed, dismissed or saw once (`visitorId:id`). */
  private hidden = new Set<string>();
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
      AnswerValue: Ffi.AnswerValue,
      SurveyImpression: Ffi.SurveyImpression,
      CarouselImpression: Ffi.CarouselImpression,
      AiFeedback: Ffi.AiFeedback,
      AdvanceMode: Ffi.AdvanceMode,
      SkipReason: Ffi.SkipReason,
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
    this.emitEvent(new Ffi.ClientEvent.MessageReceived({ conversationId, messageId: id }), conversation.visitorId);
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

  // ---- engagement: surveys, carousels, outbound messages, checklists, tours, AI agent -------

  /**
   * An active survey; returns its id. Questions default to one NPS question; a question's
   * `kind` is `'nps'`, `'text'`, `{ scale: [min, max] }`, `{ stars: max }`, `{ choices, multiple? }`
   * or a generated `QuestionKind`. `triggerEvent` makes `useSurveyTriggers` fire when the visitor
   * tracks that event; `frequency: 'once'` hides it once shown.
   */
  addSurvey(survey: {
    name: string;
    description?: string;
    questions?: FakeQuestionInput[];
    triggerEvent?: string;
    frequency?: string;
    format?: 'small' | 'large';
  }): string {
    const id = this.id('srv');
    const questions = (survey.questions ?? [{ title: 'How likely are you to recommend us?', kind: 'nps' }]).map((q, i) => ({
      id: q.id ?? `q${i + 1}`,
      title: q.title,
      description: undefined,
      required: q.required ?? false,
      kind: questionKind(q.kind),
    }));
    this.surveyStore.push({
      id,
      name: survey.name,
      description: survey.description,
      format: survey.format === 'large' ? new Ffi.SurveyFormat.Large() : new Ffi.SurveyFormat.Small(),
      frequency: survey.frequency,
      questions,
      intro: undefined,
      thankYou: undefined,
      trigger: survey.triggerEvent ? new Ffi.SurveyTrigger.Event({ name: survey.triggerEvent }) : new Ffi.SurveyTrigger.Immediate(),
    });
    this.notify();
    return id;
  }

  /** Removes a survey (it leaves every active list). */
  removeSurvey(surveyId: string): void {
    this.surveyStore = this.surveyStore.filter((s) => s.id !== surveyId);
    this.notify();
  }

  /** An active carousel; returns its id. */
  addCarousel(carousel: { name: string; screens?: { title?: string; body?: string; imageUrl?: string; buttons?: { text: string; url?: string }[] }[] }): string {
    const id = this.id('car');
    this.carouselStore.push({
      id,
      name: carousel.name,
      priority: undefined,
      screens: (carousel.screens ?? [{ title: carousel.name }]).map((s, i) => ({
        id: `${id}_s${i}`,
        title: s.title,
        body: s.body,
        imageUrl: s.imageUrl,
        buttons: (s.buttons ?? []).map((b) => ({
          text: b.text,
          action: b.url ? new Ffi.CarouselAction.Url({ url: b.url }) : new Ffi.CarouselAction.Next(),
        })),
      })),
    });
    this.notify();
    return id;
  }

  /**
   * An outbound message; returns its id. `pageUrl`: eligible only where the current URL
   * contains it (everywhere when omitted). Dismissed messages leave the visitor's list.
   */
  addOutboundMessage(message: {
    kind?: 'chat' | 'post' | 'banner';
    name?: string;
    text?: string;
    title?: string;
    body?: string;
    buttons?: { text: string; url?: string }[];
    pageUrl?: string;
  }): string {
    const id = this.id('out');
    const K = Ffi.OutboundKind;
    this.outboundStore.push({
      pageUrl: message.pageUrl,
      message: {
        id,
        kind: message.kind === 'chat' ? new K.Chat() : message.kind === 'banner' ? new K.Banner() : new K.Post(),
        name: message.name,
        priority: undefined,
        frequency: undefined,
        content: {
          text: message.text,
          title: message.title,
          body: message.body,
          imageUrl: undefined,
          videoUrl: undefined,
          buttons: (message.buttons ?? []).map((b) => ({
            text: b.text,
            action: b.url ? new Ffi.OutboundAction.Url({ url: b.url }) : new Ffi.OutboundAction.Dismiss(),
          })),
          clickAction: undefined,
        },
      },
    });
    this.notify();
    return id;
  }

  /** A checklist every visitor is eligible for; returns its id (task ids: `tasks[i].id` or `t1`, `t2`…). */
  addChecklist(checklist: { name: string; description?: string; tasks: { id?: string; title: string }[] }): string {
    const id = this.id('chk');
    this.checklistStore.push({
      id,
      name: checklist.name,
      description: checklist.description,
      tasks: checklist.tasks.map((t, i) => ({
        id: t.id ?? `t${i + 1}`,
        title: t.title,
        description: undefined,
        action: undefined,
        completion: new Ffi.CompletionType.Manual(),
      })),
    });
    this.notify();
    return id;
  }

  /** A product tour; returns its id. `pageUrl`: offered only where the URL contains it. */
  addTour(tour: { name: string; steps: { title?: string; content: string }[]; pageUrl?: string; allowSnooze?: boolean }): string {
    const id = this.id('tour');
    this.tourStore.push({
      pageUrl: tour.pageUrl,
      tour: {
        id,
        name: tour.name,
        description: undefined,
        displayMode: new Ffi.DisplayMode.UntilDismissed(),
        priority: 0,
        allowSnooze: tour.allowSnooze ?? true,
        allowRestart: true,
        steps: tour.steps.map((s, i) => ({
          id: `${id}_step${i}`,
          order: i,
          kind: new Ffi.StepKind.Post(),
          title: s.title,
          content: s.content,
          selector: undefined,
          routePath: tour.pageUrl,
          advanceOn: new Ffi.AdvanceMode.Click(),
          position: undefined,
          mediaUrl: undefined,
        })),
      },
    });
    return id;
  }

  /** An AI agent's answer in a conversation (live in `useAIAgent`); returns its id. */
  aiAnswer(conversationId: string, answer: { query: string; response: string; confidence?: number }): string {
    if (!this.conversations.has(conversationId)) {
      throw new Error(`OpencomFake: no conversation ${conversationId}`);
    }
    const id = this.id('ai');
    this.aiStore.push({
      id,
      conversationId,
      messageId: undefined,
      query: answer.query,
      response: answer.response,
      sources: [],
      confidence: answer.confidence,
      handedOff: false,
      handoffReason: undefined,
      feedback: undefined,
      createdAt: Date.now(),
    });
    this.notify();
    return id;
  }

  /** Sends a client event to every `watchEvents` listener (of every client, or of one visitor's). */
  emitEvent(event: Ffi.ClientEvent, visitorId?: string): void {
    for (const client of [...this.clients]) {
      if (visitorId === undefined || client.currentVisitorId() === visitorId) {
        client.emit(event);
      }
    }
  }

  /** Where a visitor is with a checklist: the completed task ids. */
  completedTasks(checklistId: string, visitorId?: string): string[] {
    const who = visitorId ?? [...this.visitors.keys()].pop() ?? '';
    return [...(this.checklistProgress.get(`${who}:${checklistId}`)?.completed ?? [])];
  }

  /** Where a visitor is with a tour (undefined before `start`). */
  tourProgressOf(tourId: string, visitorId?: string): { status: string; currentStep: number } | undefined {
    const who = visitorId ?? [...this.visitors.keys()].pop() ?? '';
    const p = this.tourProgress.get(`${who}:${tourId}`);
    return p && { status: p.status, currentStep: p.currentStep };
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

  /** @internal */
  activeSurveys(visitorId: string): Ffi.Survey[] {
    return this.surveyStore.filter((s) => !this.hidden.has(`${visitorId}:${s.id}`));
  }

  /** @internal */
  surveyById(surveyId: string): Ffi.Survey | undefined {
    return this.surveyStore.find((s) => s.id === surveyId);
  }

  /** @internal */
  hideSurvey(visitorId: string, id: string): void {
    this.hidden.add(`${visitorId}:${id}`);
    this.notify();
  }

  /** @internal */
  activeCarousels(visitorId: string): Ffi.Carousel[] {
    return this.carouselStore.filter((c) => !this.hidden.has(`${visitorId}:${c.id}`));
  }

  /** @internal */
  hideCarousel(visitorId: string, id: string): void {
    this.hideSurvey(visitorId, id);
  }

  /** @internal */
  eligibleOutbound(visitorId: string, currentUrl?: string): Ffi.OutboundMessage[] {
    return this.outboundStore
      .filter((o) => !this.hidden.has(`${visitorId}:${o.message.id}`))
      .filter((o) => currentUrl === undefined || o.pageUrl === undefined || currentUrl.includes(o.pageUrl))
      .map((o) => o.message);
  }

  /** @internal */
  hideOutbound(visitorId: string, id: string): void {
    this.hideSurvey(visitorId, id);
  }

  /** @internal */
  eligibleChecklists(visitorId: string): Ffi.EligibleChecklist[] {
    return this.checklistStore.map((checklist) => {
      const p = this.checklistProgress.get(`${visitorId}:${checklist.id}`);
      return {
        checklist,
        progress: p && {
          checklistId: checklist.id,
          completedTaskIds: checklist.tasks.map((t) => t.id).filter((id) => p.completed.has(id)),
          startedAt: p.startedAt,
          completedAt: p.completedAt,
        },
      };
    });
  }

  /** @internal */
  setTask(visitorId: string, checklistId: string, taskId: string, done: boolean): Ffi.ChecklistProgress {
    const checklist = this.checklistStore.find((c) => c.id === checklistId);
    if (!checklist) {
      throw new Ffi.OpencomError.NotFound({ detail: `checklist ${checklistId}` });
    }
    if (!checklist.tasks.some((t) => t.id === taskId)) {
      throw invalid('task_id', `no task ${taskId} in checklist ${checklistId}`);
    }
    const key = `${visitorId}:${checklistId}`;
    const p = this.checklistProgress.get(key) ?? { completed: new Set<string>(), startedAt: Date.now() };
    this.checklistProgress.set(key, p);
    if (done) {
      p.completed.add(taskId);
    } else {
      p.completed.delete(taskId);
    }
    p.completedAt = checklist.tasks.every((t) => p.completed.has(t.id)) ? (p.completedAt ?? Date.now()) : undefined;
    this.taskCompletions.push({ visitorId, checklistId, taskId, completed: done });
    this.notify();
    return this.eligibleChecklists(visitorId).find((c) => c.checklist.id === checklistId)!.progress!;
  }

  private tourOf(tourId: string): { tour: Ffi.Tour; pageUrl?: string } {
    const found = this.tourStore.find((t) => t.tour.id === tourId);
    if (!found) {
      throw new Ffi.OpencomError.NotFound({ detail: `tour ${tourId}` });
    }
    return found;
  }

  private progressRecord(visitorId: string, tourId: string): Ffi.TourProgress | undefined {
    const p = this.tourProgress.get(`${visitorId}:${tourId}`);
    if (!p) {
      return undefined;
    }
    const S = Ffi.ProgressStatus;
    const status = { inProgress: S.InProgress, completed: S.Completed, dismissed: S.Dismissed, snoozed: S.Snoozed }[p.status];
    return {
      id: p.id,
      tourId,
      status: new status(),
      currentStep: p.currentStep,
      snoozedUntil: p.status === 'snoozed' ? Date.now() + 24 * 3600 * 1000 : undefined,
      completedAt: p.completedAt,
      lastBlockedReason: undefined,
    };
  }

  /** @internal */
  listedTours(visitorId: string): Ffi.ListedTour[] {
    const T = Ffi.TourStatus;
    return this.tourStore.map(({ tour }) => {
      const p = this.tourProgress.get(`${visitorId}:${tour.id}`);
      const status = !p ? new T.New() : p.status === 'completed' ? new T.Completed() : new T.InProgress();
      return { tour, status };
    });
  }

  /** @internal */
  availableTours(visitorId: string, currentUrl: string | undefined): Ffi.AvailableTour[] {
    return this.tourStore
      .filter((t) => currentUrl === undefined || t.pageUrl === undefined || currentUrl.includes(t.pageUrl))
      .filter((t) => {
        const p = this.tourProgress.get(`${visitorId}:${t.tour.id}`);
        return !p || p.status === 'inProgress';
      })
      .map(({ tour }) => ({ tour, progress: this.progressRecord(visitorId, tour.id) }));
  }

  /** @internal */
  activeTours(visitorId: string): Ffi.ActiveTour[] {
    return this.tourStore.flatMap(({ tour }) => {
      const progress = this.progressRecord(visitorId, tour.id);
      return progress && this.tourProgress.get(`${visitorId}:${tour.id}`)?.status === 'inProgress' ? [{ tour, progress }] : [];
    });
  }

  /** @internal */
  startTour(visitorId: string, tourId: string, force: boolean): string {
    this.tourOf(tourId);
    const key = `${visitorId}:${tourId}`;
    const existing = this.tourProgress.get(key);
    if (existing && !force) {
      if (existing.status !== 'inProgress') {
        throw invalid('tour_id', `the tour is ${existing.status} (start it with force)`);
      }
      return existing.id;
    }
    const id = existing?.id ?? this.id('tprog');
    this.tourProgress.set(key, { id, status: 'inProgress', currentStep: 0 });
    this.tourActions.push({ visitorId, tourId, action: 'start' });
    return id;
  }

  private inProgress(visitorId: string, tourId: string) {
    const { tour } = this.tourOf(tourId);
    const p = this.tourProgress.get(`${visitorId}:${tourId}`);
    if (!p) {
      throw new Ffi.OpencomError.NotFound({ detail: `the tour ${tourId} was never started` });
    }
    if (p.status !== 'inProgress') {
      throw invalid('tour_id', `the tour is ${p.status}, not in progress`);
    }
    return { tour, p };
  }

  private status(p: { status: 'inProgress' | 'completed' | 'dismissed' | 'snoozed' }): Ffi.ProgressStatus {
    return p.status === 'completed' ? new Ffi.ProgressStatus.Completed() : new Ffi.ProgressStatus.InProgress();
  }

  private step(tour: Ffi.Tour, p: { status: string; currentStep: number; completedAt?: number }): void {
    p.currentStep += 1;
    if (p.currentStep >= tour.steps.length) {
      p.currentStep = tour.steps.length - 1;
      p.status = 'completed';
      p.completedAt = Date.now();
    }
  }

  /** @internal */
  advanceTour(visitorId: string, tourId: string, input: Ffi.AdvanceInput): Ffi.AdvanceOutcome {
    const { tour, p } = this.inProgress(visitorId, tourId);
    const wanted = tour.steps[p.currentStep]?.advanceOn.tag as string | undefined;
    if (wanted !== undefined && (input.mode.tag as string) !== wanted) {
      this.tourActions.push({ visitorId, tourId, action: 'blocked' });
      return new Ffi.AdvanceOutcome.Blocked({ reason: new Ffi.BlockReason.ModeMismatch(), status: this.status(p), step: p.currentStep });
    }
    this.step(tour, p);
    this.tourActions.push({ visitorId, tourId, action: 'advance' });
    return new Ffi.AdvanceOutcome.Advanced({ status: this.status(p), nextStep: p.currentStep });
  }

  /** @internal */
  skipTourStep(visitorId: string, tourId: string, reason: Ffi.SkipReason): Ffi.StepOutcome {
    const { tour, p } = this.inProgress(visitorId, tourId);
    this.step(tour, p);
    this.tourActions.push({ visitorId, tourId, action: 'skip', reason: Ffi.SkipReason[reason] });
    return { status: this.status(p), nextStep: p.currentStep };
  }

  /** @internal */
  endTour(visitorId: string, tourId: string, status: 'completed' | 'dismissed' | 'snoozed', permanently = false): void {
    const { tour } = this.tourOf(tourId);
    const key = `${visitorId}:${tourId}`;
    let p = this.tourProgress.get(key);
    if (!p && !permanently) {
      throw new Ffi.OpencomError.NotFound({ detail: `the tour ${tourId} was never started` });
    }
    if (status === 'snoozed' && !tour.allowSnooze) {
      throw invalid('tour_id', 'this tour cannot be snoozed');
    }
    p ??= { id: this.id('tprog'), status, currentStep: 0 };
    p.status = status;
    if (status === 'completed') {
      p.completedAt = Date.now();
    }
    this.tourProgress.set(key, p);
    this.tourActions.push({ visitorId, tourId, action: status === 'completed' ? 'complete' : status === 'dismissed' ? 'dismiss' : 'snooze' });
  }

  /** @internal */
  aiAnswersOf(conversationId: string): Ffi.AiAnswer[] {
    return this.aiStore.filter((a) => a.conversationId === conversationId).map((a) => ({ ...a }));
  }

  /** @internal */
  aiAnswerById(id: string): Ffi.AiAnswer | undefined {
    return this.aiStore.find((a) => a.id === id);
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
  /** Survey impressions sent in this session (`sessionId:surveyId:action`). */
  private recordedOnce = new Set<string>();

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
        this.emit(new Ffi.ClientEvent.VisitorIdentified({ visitorId: visitor.id }));
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
        this.tracked(name);
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
    if (!this.watches.has(watch) || watch.kind === 'events' || watch.kind === 'triggers') {
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
        case 'surveys': {
          const list = this.fake.activeSurveys(this.me().id);
          value = list;
          send = () => watch.listener.onSurveys(list, false, Ffi.Delivery.Socket);
          break;
        }
        case 'carousels': {
          const list = this.fake.activeCarousels(this.me().id);
          value = list;
          send = () => watch.listener.onCarousels(list, false, Ffi.Delivery.Socket);
          break;
        }
        case 'outbound': {
          const list = this.fake.eligibleOutbound(this.me().id, watch.url);
          value = list;
          send = () => watch.listener.onOutboundMessages(list, false, Ffi.Delivery.Socket);
          break;
        }
        case 'checklists': {
          const list = this.fake.eligibleChecklists(this.me().id);
          value = list;
          send = () => watch.listener.onChecklists(list, false, Ffi.Delivery.Socket);
          break;
        }
        case 'ai': {
          this.mine(watch.conversationId);
          const list = this.fake.aiAnswersOf(watch.conversationId);
          value = list;
          send = () => watch.listener.onAiAnswers(list, false, Ffi.Delivery.Socket);
          break;
        }
      }
    } catch (error) {
      value = { error: signature(error) };
      send = () => {
        if ('onError' in watch.listener) {
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

  // ---- engagement ----------------------------------------------------------------------------

  /** @internal */
  currentVisitorId(): string | undefined {
    return this.visitorId;
  }

  /** @internal Sends an event to this client's `watchEvents` listeners (asynchronously). */
  emit(event: Ffi.ClientEvent): void {
    for (const watch of this.watches.keys()) {
      if (watch.kind === 'events') {
        queueMicrotask(() => {
          if (this.watches.has(watch)) {
            watch.listener.onEvent(event);
          }
        });
      }
    }
  }

  watchEvents(listener: Ffi.ClientEventListener): Ffi.SubscriptionLike {
    this.fake.enterSync('watchEvents', []);
    const watch: Watch = { kind: 'events', listener };
    this.watches.set(watch, undefined);
    const total = this.visitorId ? this.fake.conversationsOf(this.visitorId).reduce((n, c) => n + c.unread, 0) : 0;
    const state = this.fake.connectionState();
    queueMicrotask(() => {
      if (this.watches.has(watch)) {
        listener.onEvent(new Ffi.ClientEvent.UnreadChanged({ total }));
        listener.onEvent(new Ffi.ClientEvent.ConnectionChanged({ state }));
      }
    });
    return new FakeSubscription(this, watch);
  }

  /** @internal An event was tracked: `EventTracked`, and the surveys it triggers. */
  tracked(name: string): void {
    this.emit(new Ffi.ClientEvent.EventTracked({ name }));
    const triggered = this.fake
      .activeSurveys(this.me().id)
      .filter((s) => s.trigger?.tag === Ffi.SurveyTrigger_Tags.Event && (s.trigger.inner as { name: string }).name === name);
    for (const watch of this.watches.keys()) {
      if (watch.kind === 'triggers') {
        for (const survey of triggered) {
          queueMicrotask(() => {
            if (this.watches.has(watch)) {
              watch.listener.onSurveyTriggered(survey);
            }
          });
        }
      }
    }
  }

  surveys(): Ffi.SurveysClientLike {
    const fake = this.fake;
    return {
      active: async () => {
        await fake.enter('surveys.active', []);
        return fake.activeSurveys(this.me().id);
      },
      watchActive: (listener: Ffi.SurveysListener) => {
        fake.enterSync('surveys.watchActive', []);
        return this.watch({ kind: 'surveys', listener });
      },
      record: async (surveyId: string, action: Ffi.SurveyImpression) => {
        await fake.enter('surveys.record', [surveyId, action]);
        const survey = fake.surveyById(surveyId);
        if (!survey) {
          throw new Ffi.OpencomError.NotFound({ detail: `survey ${surveyId}` });
        }
        const name = (['shown', 'started', 'completed', 'dismissed'] as const)[action];
        const once = `${this.sessionId}:${surveyId}:${name}`;
        if (this.recordedOnce.has(once)) {
          return; // at most once per survey and session, as the SDK
        }
        this.recordedOnce.add(once);
        fake.surveyImpressions.push({ visitorId: this.me().id, surveyId, action: name });
        if (name === 'shown') {
          this.emit(new Ffi.ClientEvent.SurveyShown({ surveyId }));
        }
        if (name === 'completed' || name === 'dismissed' || (name === 'shown' && survey.frequency === 'once')) {
          fake.hideSurvey(this.me().id, surveyId);
        }
      },
      submit: async (survey: Ffi.Survey, answers: Ffi.SurveyAnswer[], complete: boolean) => {
        await fake.enter('surveys.submit', [survey.id, answers, complete]);
        const known = fake.surveyById(survey.id);
        if (!known) {
          throw new Ffi.OpencomError.NotFound({ detail: `survey ${survey.id} is not active for this visitor` });
        }
        const values: Record<string, unknown> = {};
        for (const answer of answers) {
          const question = known.questions.find((q) => q.id === answer.questionId);
          if (!question) {
            throw invalid(`answers.${answer.questionId}`, 'no such question in this survey');
          }
          values[answer.questionId] = checkAnswer(question, answer.value);
        }
        if (complete) {
          for (const question of known.questions) {
            if (question.required && !(question.id in values)) {
              throw invalid(`answers.${question.id}`, 'is required');
            }
          }
        }
        const id = fake.id('resp');
        fake.surveyResponses.push({ id, visitorId: this.me().id, surveyId: survey.id, answers: values, complete });
        if (complete) {
          fake.hideSurvey(this.me().id, survey.id);
        }
        return id;
      },
      watchTriggers: (listener: Ffi.SurveyTriggerListener) => {
        fake.enterSync('surveys.watchTriggers', []);
        const watch: Watch = { kind: 'triggers', listener };
        this.watches.set(watch, undefined);
        return new FakeSubscription(this, watch);
      },
    };
  }

  carousels(): Ffi.CarouselsClientLike {
    const fake = this.fake;
    return {
      active: async () => {
        await fake.enter('carousels.active', []);
        return fake.activeCarousels(this.me().id);
      },
      watchActive: (listener: Ffi.CarouselsListener) => {
        fake.enterSync('carousels.watchActive', []);
        return this.watch({ kind: 'carousels', listener });
      },
      record: async (carouselId: string, action: Ffi.CarouselImpression) => {
        await fake.enter('carousels.record', [carouselId, action]);
        const carousel = fake.activeCarousels(this.me().id).find((c) => c.id === carouselId);
        if (!carousel) {
          throw new Ffi.OpencomError.NotFound({ detail: `carousel ${carouselId}` });
        }
        const tag = action.tag as string;
        const screenIndex = tag === 'Shown' ? (action as unknown as { inner: { screenIndex: number } }).inner.screenIndex : undefined;
        if (screenIndex !== undefined && screenIndex >= carousel.screens.length) {
          throw invalid('screen_index', `the carousel has ${carousel.screens.length} screens`);
        }
        const name = tag === 'Shown' ? 'shown' : tag === 'Completed' ? 'completed' : 'dismissed';
        fake.carouselImpressions.push({ visitorId: this.me().id, carouselId, action: name, screenIndex });
        if (name !== 'shown') {
          fake.hideCarousel(this.me().id, carouselId);
        }
      },
    };
  }

  outbound(): Ffi.OutboundClientLike {
    const fake = this.fake;
    const mine = (messageId: string, url?: string): Ffi.OutboundMessage => {
      const found = fake.eligibleOutbound(this.me().id, url).find((m) => m.id === messageId);
      if (!found) {
        throw new Ffi.OpencomError.NotFound({ detail: `outbound message ${messageId}` });
      }
      return found;
    };
    return {
      eligible: async (currentUrl: string) => {
        await fake.enter('outbound.eligible', [currentUrl]);
        return fake.eligibleOutbound(this.me().id, currentUrl);
      },
      watchEligible: (currentUrl: string, listener: Ffi.OutboundMessagesListener) => {
        fake.enterSync('outbound.watchEligible', [currentUrl]);
        return this.watch({ kind: 'outbound', url: currentUrl, listener });
      },
      shown: async (messageId: string) => {
        await fake.enter('outbound.shown', [messageId]);
        mine(messageId);
        fake.outboundImpressions.push({ visitorId: this.me().id, messageId, action: 'shown' });
        this.emit(new Ffi.ClientEvent.OutboundMessageShown({ messageId }));
      },
      clicked: async (messageId: string, buttonIndex: number | undefined) => {
        await fake.enter('outbound.clicked', [messageId, buttonIndex]);
        const message = mine(messageId);
        if (buttonIndex !== undefined && buttonIndex >= message.content.buttons.length) {
          throw invalid('button_index', `the message has ${message.content.buttons.length} buttons`);
        }
        fake.outboundImpressions.push({ visitorId: this.me().id, messageId, action: 'clicked', buttonIndex });
      },
      dismissed: async (messageId: string) => {
        await fake.enter('outbound.dismissed', [messageId]);
        mine(messageId);
        fake.outboundImpressions.push({ visitorId: this.me().id, messageId, action: 'dismissed' });
        fake.hideOutbound(this.me().id, messageId);
      },
    };
  }

  checklists(): Ffi.ChecklistsClientLike {
    const fake = this.fake;
    const change = async (method: string, checklistId: string, taskId: string, done: boolean) => {
      await fake.enter(method, [checklistId, taskId]);
      return fake.setTask(this.me().id, checklistId, taskId, done);
    };
    return {
      eligible: async (limit: number | undefined) => {
        await fake.enter('checklists.eligible', [limit]);
        if (limit !== undefined && (limit < 1 || limit > 500)) {
          throw invalid('limit', 'must be 1 to 500');
        }
        return fake.eligibleChecklists(this.me().id).slice(0, limit);
      },
      watchEligible: (listener: Ffi.ChecklistsListener) => {
        fake.enterSync('checklists.watchEligible', []);
        return this.watch({ kind: 'checklists', listener });
      },
      progress: async (checklistId: string) => {
        await fake.enter('checklists.progress', [checklistId]);
        return fake.eligibleChecklists(this.me().id).find((c) => c.checklist.id === checklistId)?.progress;
      },
      allProgress: async () => {
        await fake.enter('checklists.allProgress', []);
        return fake.eligibleChecklists(this.me().id).flatMap((c) => (c.progress ? [c.progress] : []));
      },
      completeTask: (checklistId: string, taskId: string) => change('checklists.completeTask', checklistId, taskId, true),
      uncompleteTask: (checklistId: string, taskId: string) => change('checklists.uncompleteTask', checklistId, taskId, false),
    };
  }

  tours(): Ffi.ToursClientLike {
    const fake = this.fake;
    const me = () => this.me().id;
    return {
      list: async () => {
        await fake.enter('tours.list', []);
        return fake.listedTours(me());
      },
      available: async (currentUrl: string | undefined) => {
        await fake.enter('tours.available', [currentUrl]);
        return fake.availableTours(me(), currentUrl);
      },
      active: async () => {
        await fake.enter('tours.active', []);
        return fake.activeTours(me());
      },
      start: async (tourId: string, force: boolean) => {
        await fake.enter('tours.start', [tourId, force]);
        return fake.startTour(me(), tourId, force);
      },
      advance: async (tourId: string, input: Ffi.AdvanceInput) => {
        await fake.enter('tours.advance', [tourId, input]);
        return fake.advanceTour(me(), tourId, input);
      },
      skipStep: async (tourId: string, reason: Ffi.SkipReason) => {
        await fake.enter('tours.skipStep', [tourId, reason]);
        return fake.skipTourStep(me(), tourId, reason);
      },
      complete: async (tourId: string) => {
        await fake.enter('tours.complete', [tourId]);
        fake.endTour(me(), tourId, 'completed');
      },
      dismiss: async (tourId: string) => {
        await fake.enter('tours.dismiss', [tourId]);
        fake.endTour(me(), tourId, 'dismissed');
      },
      dismissPermanently: async (tourId: string) => {
        await fake.enter('tours.dismissPermanently', [tourId]);
        fake.endTour(me(), tourId, 'dismissed', true);
      },
      snooze: async (tourId: string) => {
        await fake.enter('tours.snooze', [tourId]);
        fake.endTour(me(), tourId, 'snoozed');
      },
      restart: async (tourId: string) => {
        await fake.enter('tours.restart', [tourId]);
        fake.startTour(me(), tourId, true);
      },
    };
  }

  aiAgent(): Ffi.AiAgentClientLike {
    const fake = this.fake;
    return {
      responses: async (conversationId: string) => {
        await fake.enter('aiAgent.responses', [conversationId]);
        this.mine(conversationId);
        return fake.aiAnswersOf(conversationId);
      },
      watchResponses: (conversationId: string, listener: Ffi.AiAnswersListener) => {
        fake.enterSync('aiAgent.watchResponses', [conversationId]);
        return this.watch({ kind: 'ai', conversationId, listener });
      },
      feedback: async (responseId: string, feedback: Ffi.AiFeedback) => {
        await fake.enter('aiAgent.feedback', [responseId, feedback]);
        const tag = feedback.tag as string;
        if (tag !== 'Helpful' && tag !== 'NotHelpful') {
          throw invalid('feedback', 'cannot be sent (Helpful or NotHelpful)');
        }
        const answer = fake.aiAnswerById(responseId);
        if (!answer || this.fake.conversation(answer.conversationId)?.visitorId !== this.me().id) {
          throw new Ffi.OpencomError.NotFound({ detail: `AI response ${responseId}` });
        }
        answer.feedback = feedback;
        fake.aiFeedback.push({ responseId, feedback: tag === 'Helpful' ? 'helpful' : 'notHelpful' });
        fake.notify();
      },
      handoffToHuman: async (conversationId: string, reason: string | undefined) => {
        await fake.enter('aiAgent.handoffToHuman', [conversationId, reason]);
        const conversation = this.mine(conversationId);
        if (reason !== undefined && reason.trim() === '') {
          throw invalid('reason', 'must not be blank');
        }
        if (reason !== undefined && [...reason].length > MAX_HANDOFF_REASON_CHARS) {
          throw invalid('reason', `at most ${MAX_HANDOFF_REASON_CHARS} characters`);
        }
        const messageId = fake.id('msg');
        const handoffMessage = "I'm connecting you with a member of our team.";
        fake.addMessage(conversation, { id: messageId, senderId: 'system', senderType: 'bot', content: handoffMessage, createdAt: Date.now() });
        const last = fake.aiAnswersOf(conversationId).pop();
        if (last) {
          const stored = fake.aiAnswerById(last.id)!;
          stored.handedOff = true;
          stored.handoffReason = reason;
        }
        fake.handoffs.push({ conversationId, reason });
        fake.notify();
        return { messageId, handoffMessage };
      },
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
