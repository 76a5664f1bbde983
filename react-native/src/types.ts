/**
 * The values the hooks hand to screens: plain, serialisable JavaScript (strings for enum
 * variants, numbers for sizes, objects for attributes), converted once from the generated
 * records at this boundary.
 */
import type * as Ffi from './generated/opencom_ffi';

/** A JSON-like custom attribute or event property value. */
export type AttributeJson =
  | null
  | boolean
  | number
  | string
  | AttributeJson[]
  | { [key: string]: AttributeJson };

/** Who the visitor is, for `identify`. `userHash` comes from your backend, never the app. */
export interface OpencomUser {
  email?: string;
  name?: string;
  userId?: string;
  userHash?: string;
  company?: string;
  customAttributes?: Record<string, AttributeJson>;
}

/** The visitor profile the server returned. */
export interface OpencomVisitor {
  id: string;
  readableId?: string;
  email?: string;
  name?: string;
  userId?: string;
  identityVerified: boolean;
  customAttributes: Record<string, AttributeJson>;
}

/** The current visitor session. */
export type OpencomSession = Ffi.SessionInfo;

/** A file attached to a message or a ticket. */
export interface OpencomAttachment {
  id: string;
  fileName: string;
  mimeType: string;
  size: number;
  url?: string;
}

/** Who sent a message. */
export type SenderKind = 'visitor' | 'agent' | 'bot' | 'user' | 'other';

/** Where a message is on its way to the server; server messages are `sent`. */
export type MessageStatus = 'queued' | 'sending' | 'sent' | 'failed';

/** A message of a conversation, as `useConversation` shows it. */
export interface ChatMessage {
  /** The server id, `local:<id>` while in the SDK's outbox, `pending:<n>` before that. */
  id: string;
  conversationId: string;
  senderId: string;
  sender: SenderKind;
  senderName?: string;
  content: string;
  /** Epoch milliseconds. */
  createdAt: number;
  attachments: OpencomAttachment[];
  status: MessageStatus;
  /** Why sending failed (status `failed`). */
  failure?: string;
  /** The outbox id of a message this device sent. */
  localId?: string;
}

/** A conversation, as `useConversations` lists it. */
export interface ConversationSummary {
  id: string;
  status: 'open' | 'closed' | 'snoozed' | 'other';
  createdAt: number;
  updatedAt: number;
  lastMessageAt?: number;
  unreadCount: number;
  subject?: string;
  lastMessage?: ChatMessage;
}

/** Help-center records, as the SDK returns them. */
export type Article = Ffi.Article;
export type ArticleCollection = Ffi.ArticleCollection;
export type CollectionNode = Ffi.CollectionNode;

/** A ticket's status. */
export type TicketStatusName = 'submitted' | 'inProgress' | 'waitingOnCustomer' | 'resolved' | 'other';
/** A ticket's priority. */
export type TicketPriorityName = 'low' | 'normal' | 'high' | 'urgent';

/** A ticket. */
export interface OpencomTicket {
  id: string;
  subject: string;
  description?: string;
  status: TicketStatusName;
  priority: TicketPriorityName;
  createdAt: number;
  updatedAt: number;
  resolutionSummary?: string;
  attachments: OpencomAttachment[];
}

/** A public comment on a ticket. */
export interface OpencomTicketComment {
  id: string;
  authorType: string;
  content: string;
  createdAt: number;
  attachments: OpencomAttachment[];
}

/** A ticket with its public comments. */
export interface OpencomTicketDetail {
  ticket: OpencomTicket;
  comments: OpencomTicketComment[];
}

/** A field of the workspace's ticket form. */
export interface OpencomFormField {
  id: string;
  kind: 'text' | 'textarea' | 'select' | 'multiSelect' | 'number' | 'date' | 'other';
  label: string;
  placeholder?: string;
  required: boolean;
  options: string[];
}

/** The workspace's ticket form. */
export interface OpencomTicketForm {
  id: string;
  name: string;
  description?: string;
  fields: OpencomFormField[];
}

/** A value of a ticket-form field: text/select/date, number, checkbox, multi-select, none. */
export type FormFieldValue = string | number | boolean | string[] | null;

/** A ticket to create. */
export interface NewTicketInput {
  subject: string;
  description?: string;
  priority?: TicketPriorityName;
  formData?: Record<string, FormFieldValue>;
  attachmentIds?: string[];
}

/** A destination in the messenger, from a push payload or a deep link. */
export type OpencomRoute =
  | { screen: 'conversation'; conversationId: string; newMessage: boolean }
  | { screen: 'ticket'; ticketId: string; update?: 'statusChanged' | 'comment' }
  | { screen: 'tickets' }
  | { screen: 'article'; articleId: string }
  | { screen: 'messenger' }
  | { screen: 'helpCenter' };

/** The live connection's state. */
export type ConnectionStateName = 'connecting' | 'connected' | 'disconnected' | 'polling';

// ---- conversions from the generated records ------------------------------------------------

type Tagged = { tag: string; inner?: Record<string, unknown> };

/** An AttributeValue tree → plain JSON. */
export function attributeToJson(value: Ffi.AttributeValue): AttributeJson {
  const v = value as unknown as Tagged;
  const inner = v.inner ?? {};
  switch (v.tag) {
    case 'Bool':
    case 'Number':
    case 'Text':
      return inner.value as boolean | number | string;
    case 'Array':
      return (inner.items as Ffi.AttributeValue[]).map(attributeToJson);
    case 'Object':
      return attributesToJson(inner.entries as Map<string, Ffi.AttributeValue>);
    default:
      return null;
  }
}

/** A map of AttributeValues → a plain object. */
export function attributesToJson(map: Map<string, Ffi.AttributeValue> | undefined): Record<string, AttributeJson> {
  const out: Record<string, AttributeJson> = {};
  for (const [key, value] of map ?? new Map<string, Ffi.AttributeValue>()) {
    out[key] = attributeToJson(value);
  }
  return out;
}

export function toAttachment(a: Ffi.Attachment): OpencomAttachment {
  return { id: a.id, fileName: a.fileName, mimeType: a.mimeType, size: Number(a.size), url: a.url };
}

const SENDERS: Record<string, SenderKind> = {
  Visitor: 'visitor',
  Agent: 'agent',
  Bot: 'bot',
  User: 'user',
};

const STATUSES: Record<string, MessageStatus> = {
  Queued: 'queued',
  Sending: 'sending',
  Sent: 'sent',
  Failed: 'failed',
};

export function toChatMessage(m: Ffi.Message): ChatMessage {
  const delivery = m.delivery as unknown as Tagged;
  const status = STATUSES[delivery.tag] ?? 'sent';
  return {
    id: m.id,
    conversationId: m.conversationId,
    senderId: m.senderId,
    sender: SENDERS[(m.senderType as unknown as Tagged).tag] ?? 'other',
    senderName: m.senderName,
    content: m.content,
    createdAt: m.createdAt,
    attachments: m.attachments.map(toAttachment),
    status,
    failure: status === 'failed' ? String(delivery.inner?.error ?? '') : undefined,
    localId: m.localId,
  };
}

const CONVERSATION_STATUS: Record<string, ConversationSummary['status']> = {
  Open: 'open',
  Closed: 'closed',
  Snoozed: 'snoozed',
};

export function toConversation(c: Ffi.Conversation): ConversationSummary {
  return {
    id: c.id,
    status: CONVERSATION_STATUS[(c.status as unknown as Tagged).tag] ?? 'other',
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    lastMessageAt: c.lastMessageAt,
    unreadCount: c.unreadCount,
    subject: c.subject,
    lastMessage: c.lastMessage ? toChatMessage(c.lastMessage) : undefined,
  };
}

export function toVisitor(v: Ffi.Visitor): OpencomVisitor {
  return {
    id: v.id,
    readableId: v.readableId,
    email: v.email,
    name: v.name,
    userId: v.userId,
    identityVerified: v.identityVerified,
    customAttributes: attributesToJson(v.customAttributes),
  };
}

export function toUser(u: Ffi.User): OpencomUser {
  return {
    email: u.email,
    name: u.name,
    userId: u.userId,
    userHash: u.userHash,
    company: u.company,
    customAttributes: attributesToJson(u.customAttributes),
  };
}

const TICKET_STATUS: Record<string, TicketStatusName> = {
  Submitted: 'submitted',
  InProgress: 'inProgress',
  WaitingOnCustomer: 'waitingOnCustomer',
  Resolved: 'resolved',
};

const PRIORITIES: TicketPriorityName[] = ['low', 'normal', 'high', 'urgent'];

export function toTicket(t: Ffi.Ticket): OpencomTicket {
  return {
    id: t.id,
    subject: t.subject,
    description: t.description,
    status: TICKET_STATUS[(t.status as unknown as Tagged).tag] ?? 'other',
    priority: PRIORITIES[t.priority as unknown as number] ?? 'normal',
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    resolutionSummary: t.resolutionSummary,
    attachments: t.attachments.map(toAttachment),
  };
}

export function toTicketComment(c: Ffi.TicketComment): OpencomTicketComment {
  return {
    id: c.id,
    authorType: c.authorType,
    content: c.content,
    createdAt: c.createdAt,
    attachments: c.attachments.map(toAttachment),
  };
}

export function toTicketDetail(d: Ffi.TicketDetail): OpencomTicketDetail {
  return { ticket: toTicket(d.ticket), comments: d.comments.map(toTicketComment) };
}

const FIELD_KINDS: Record<string, OpencomFormField['kind']> = {
  Text: 'text',
  Textarea: 'textarea',
  Select: 'select',
  MultiSelect: 'multiSelect',
  Number: 'number',
  Date: 'date',
};

export function toTicketForm(f: Ffi.TicketForm): OpencomTicketForm {
  return {
    id: f.id,
    name: f.name,
    description: f.description,
    fields: f.fields.map((field) => ({
      id: field.id,
      kind: FIELD_KINDS[(field.kind as unknown as Tagged).tag] ?? 'other',
      label: field.label,
      placeholder: field.placeholder,
      required: field.required,
      options: field.options,
    })),
  };
}

export function toRoute(route: Ffi.Route): OpencomRoute | null {
  const r = route as unknown as Tagged;
  const inner = r.inner ?? {};
  switch (r.tag) {
    case 'NewMessage':
      return { screen: 'conversation', conversationId: String(inner.conversationId), newMessage: true };
    case 'Conversation':
      return { screen: 'conversation', conversationId: String(inner.conversationId), newMessage: false };
    case 'TicketUpdate':
      return {
        screen: 'ticket',
        ticketId: String(inner.ticketId),
        // TicketUpdateKind: StatusChanged = 0, Comment = 1.
        update: inner.kind === 1 ? 'comment' : 'statusChanged',
      };
    case 'Ticket':
      return { screen: 'ticket', ticketId: String(inner.ticketId) };
    case 'Tickets':
      return { screen: 'tickets' };
    case 'Article':
      return { screen: 'article', articleId: String(inner.articleId) };
    case 'Messenger':
      return { screen: 'messenger' };
    case 'HelpCenter':
      return { screen: 'helpCenter' };
    default:
      return null;
  }
}

const CONNECTION: ConnectionStateName[] = ['connecting', 'connected', 'disconnected', 'polling'];

export function toConnectionState(state: Ffi.ConnectionState): ConnectionStateName {
  return CONNECTION[state as unknown as number] ?? 'disconnected';
}

// ---- engagement: surveys, carousels, checklists, outbound messages, tours, the AI agent ----
// The generated records as the SDK returns them (their variants are the generated enum values:
// switch on `.tag`, e.g. `question.kind.tag === 'Nps'`).

/** A survey the visitor may be shown (`useSurveys`, `useSurveyTriggers`). */
export type Survey = Ffi.Survey;
export type SurveyQuestion = Ffi.SurveyQuestion;
/** What the visitor did with a survey, for `useSurveys().record`. */
export type SurveyAction = 'shown' | 'started' | 'completed' | 'dismissed';
/**
 * Answers by question id: a number (NPS, scales, ratings), a string (a text, or the choice of a
 * single-choice question) or several choices.
 */
export type SurveyAnswers = Record<string, number | string | string[]>;
/** A carousel (`useCarousels`). */
export type Carousel = Ffi.Carousel;
/** What the visitor did with a carousel, for `useCarousels().record`. */
export type CarouselAction = 'shown' | 'completed' | 'dismissed';
/** A checklist the visitor is eligible for, with their progress (`useChecklists`). */
export type EligibleChecklist = Ffi.EligibleChecklist;
export type ChecklistProgress = Ffi.ChecklistProgress;
/** An outbound message (chat, post, banner) eligible on the current page (`useOutboundMessages`). */
export type OutboundMessage = Ffi.OutboundMessage;
/** A tour with the visitor's status, and one offered on the current page (`useTours`). */
export type ListedTour = Ffi.ListedTour;
export type AvailableTour = Ffi.AvailableTour;
export type TourAdvanceOutcome = Ffi.AdvanceOutcome;
export type TourStepOutcome = Ffi.StepOutcome;
/** How the visitor moved past a tour step, for `useTours().advance`. */
export interface TourAdvanceInput {
  /** Default `click` (the step's own button). */
  mode?: 'click' | 'elementClick' | 'fieldFill';
  targetMatched?: boolean;
  fieldValue?: string;
  selector?: string;
  /** Default: the hook's `currentUrl`. */
  currentUrl?: string;
}
/** Why the app skipped a tour step, for `useTours().skipStep`. */
export type TourSkipReason =
  | 'modeMismatch'
  | 'elementClickRequired'
  | 'fieldFillRequired'
  | 'fieldFillInvalid'
  | 'routeMismatch'
  | 'checkpointInvalidRoute'
  | 'selectorMissing';
/** An AI agent's answer in a conversation (`useAIAgent`). */
export type AiAnswer = Ffi.AiAnswer;
/** The visitor's verdict on an AI answer. */
export type AiFeedbackName = 'helpful' | 'notHelpful';
/** What `useAIAgent().handoffToHuman` did: the bot message posted. */
export type AiHandoff = Ffi.Handoff;
