import * as React from 'react';
import type * as Ffi from '../generated/opencom_ffi';
import { attempt, OpencomSdkError, type OpencomResult } from '../errors';
import { useOpencomContext } from '../provider';
import type { OpencomBindings } from '../bindings';
import {
  toTicket,
  toTicketDetail,
  toTicketForm,
  type FormFieldValue,
  type NewTicketInput,
  type OpencomTicket,
  type OpencomTicketDetail,
  type TicketPriorityName,
} from '../types';
import { emptyList, useLoad } from './internal';

function toFormValue(bindings: OpencomBindings, value: FormFieldValue): Ffi.FormValue {
  const F = bindings.FormValue;
  if (value === null) {
    return new F.Null();
  }
  if (Array.isArray(value)) {
    return new F.Choices({ values: value });
  }
  if (typeof value === 'number') {
    return new F.Number({ value });
  }
  if (typeof value === 'boolean') {
    return new F.Bool({ value });
  }
  return new F.Text({ value });
}

function toPriority(bindings: OpencomBindings, priority: TicketPriorityName): Ffi.TicketPriority {
  const P = bindings.TicketPriority;
  return { low: P.Low, normal: P.Normal, high: P.High, urgent: P.Urgent }[priority];
}

/** The visitor's tickets (newest first), the workspace's ticket form, and creating/commenting. */
export function useTickets() {
  const { clients, sessionKey, bindings } = useOpencomContext();
  const loaded = useLoad(sessionKey && `tickets:${sessionKey}`, async (signal) => {
    if (!clients) {
      throw new OpencomSdkError('NotStarted');
    }
    const [tickets, form] = await Promise.all([
      clients.tickets.list({ signal }),
      clients.tickets.defaultForm({ signal }),
    ]);
    return { tickets: tickets.map(toTicket), form: form ? toTicketForm(form) : null };
  });
  const { refresh } = loaded;

  const create = React.useCallback(
    async (ticket: NewTicketInput): Promise<OpencomResult<string>> => {
      if (!clients) {
        return { ok: false, error: new OpencomSdkError('NotStarted') };
      }
      const result = await attempt(() =>
        clients.tickets.create({
          subject: ticket.subject,
          description: ticket.description,
          priority: ticket.priority === undefined ? undefined : toPriority(bindings, ticket.priority),
          formData: new Map(
            Object.entries(ticket.formData ?? {}).map(([k, v]) => [k, toFormValue(bindings, v)]),
          ),
          attachmentIds: ticket.attachmentIds ?? [],
        }),
      );
      if (result.ok) {
        refresh();
      }
      return result;
    },
    [clients, bindings, refresh],
  );

  const get = React.useCallback(
    async (ticketId: string): Promise<OpencomResult<OpencomTicketDetail>> => {
      if (!clients) {
        return { ok: false, error: new OpencomSdkError('NotStarted') };
      }
      return attempt(async () => toTicketDetail(await clients.tickets.get(ticketId)));
    },
    [clients],
  );

  const addComment = React.useCallback(
    async (ticketId: string, text: string, attachmentIds: string[] = []): Promise<OpencomResult<string>> => {
      if (!clients) {
        return { ok: false, error: new OpencomSdkError('NotStarted') };
      }
      return attempt(() => clients.tickets.addComment(ticketId, text, attachmentIds));
    },
    [clients],
  );

  const tickets = loaded.data?.tickets ?? emptyList<OpencomTicket>();
  const form = loaded.data?.form ?? null;
  return React.useMemo(
    () => ({ tickets, form, loading: loaded.loading, error: loaded.error, refresh, create, get, addComment }),
    [tickets, form, loaded.loading, loaded.error, refresh, create, get, addComment],
  );
}
