/**
 * An engagement flow against the REAL Rust client (N-API flavour) and server-mock: the mock's
 * demo content (`POST /_mock/workspaces/{id}/engagement-demo`) shows up in `useSurveys`; an
 * out-of-range NPS answer is refused by the core before anything is sent; a complete response
 * reaches `surveys:submitResponse`, and the shown impression `surveys:recordImpression`; a
 * checklist task completed through `useChecklists` shows as completed live; `useOpencomEvents`
 * sees the core's `EventTracked`.
 */
import * as React from 'react';
import { act, renderHook, waitFor } from '@testing-library/react-native';
import * as napi from '../../build/napi';
import {
  OpencomProvider,
  useChecklists,
  useOpencom,
  useOpencomEvents,
  useSurveys,
  type OpencomBindings,
  type OpencomConfig,
  type OpencomEvent,
} from '../../src/api';
import { ServerMock } from './serverMock';

const bindings: OpencomBindings = napi;
const WAIT = { timeout: 20_000, interval: 25 };

let mock: ServerMock;
let demo: { surveyId: string; checklistId: string };

beforeAll(async () => {
  mock = await ServerMock.start();
  demo = await mock.control('POST', `/_mock/workspaces/${mock.workspaceId}/engagement-demo`);
});

afterAll(async () => {
  await mock?.stop();
});

function wrapper({ children }: { children: React.ReactNode }) {
  const config: OpencomConfig = {
    deploymentUrl: mock.url,
    workspaceId: mock.workspaceId,
    origin: 'https://app.example.com',
    device: { platform: 'ios', os: 'iOS 18.1', deviceType: 'mobile' },
    realtime: 'polling',
    heartbeatIntervalMs: null,
    pollIntervalMs: 200,
    maxAttempts: 1,
  };
  return (
    <OpencomProvider config={config} bindings={bindings}>
      {children}
    </OpencomProvider>
  );
}

interface Call {
  path: string;
  args: Record<string, unknown> | null;
}

async function calls(path: string): Promise<Call[]> {
  return (await mock.control<Call[]>('GET', '/_mock/calls')).filter((c) => c.path === path);
}

describe('useSurveys (real client)', () => {
  it('lists the demo survey, refuses a bad answer in the core, records and submits', async () => {
    const { result } = renderHook(() => useSurveys(), { wrapper });
    await waitFor(() => expect(result.current.surveys.map((s) => s.id)).toContain(demo.surveyId), WAIT);
    const survey = result.current.surveys.find((s) => s.id === demo.surveyId)!;
    expect(survey.name).toBe('Product feedback');
    expect(survey.questions.map((q) => [q.id, q.kind.tag])).toEqual([
      ['nps', 'Nps'],
      ['rating', 'StarRating'],
      ['features', 'MultipleChoice'],
      ['role', 'ShortText'],
      ['comments', 'LongText'],
    ]);

    await act(async () => {
      const bad = await result.current.submit(demo.surveyId, { nps: 11 }, true);
      expect(bad.ok ? null : [bad.error.kind, bad.error.field]).toEqual(['InvalidInput', 'answers.nps']);
    });
    expect(await calls('surveys:submitResponse')).toEqual([]);

    await act(async () => {
      const shown = await result.current.record(demo.surveyId, 'shown');
      expect(shown).toEqual({ ok: true, value: undefined });
      const done = await result.current.submit(
        demo.surveyId,
        { nps: 9, features: ['Messenger', 'Tickets'], role: 'Developer' },
        true,
      );
      expect(done).toEqual({ ok: true, value: expect.any(String) });
    });
    expect(result.current.error).toBeNull();
    expect((await calls('surveys:recordImpression')).length).toBeGreaterThanOrEqual(1);
    const submitted = await calls('surveys:submitResponse');
    expect(submitted).toHaveLength(1);
    expect(JSON.stringify(submitted[0]!.args)).toContain(demo.surveyId);
  });
});

describe('useChecklists and useOpencomEvents (real client)', () => {
  it('completes a demo task live and hears the core events', async () => {
    const events: OpencomEvent[] = [];
    const { result } = renderHook(
      () => ({ opencom: useOpencom(), checklists: useChecklists(), events: useOpencomEvents((e) => events.push(e)) }),
      { wrapper },
    );
    await waitFor(() => expect(result.current.checklists.checklists.map((c) => c.checklist.id)).toContain(demo.checklistId), WAIT);
    expect(result.current.checklists.isTaskCompleted(demo.checklistId, 'say-hello')).toBe(false);
    await act(async () => {
      const r = await result.current.checklists.completeTask(demo.checklistId, 'say-hello');
      expect(r.ok && r.value.completedTaskIds).toContain('say-hello');
    });
    await waitFor(() => expect(result.current.checklists.isTaskCompleted(demo.checklistId, 'say-hello')).toBe(true), WAIT);
    await act(async () => {
      const unknown = await result.current.checklists.completeTask(demo.checklistId, 'no-such-task');
      expect(unknown.ok).toBe(false);
    });
    await act(async () => {
      expect((await result.current.opencom.track('profile_completed')).ok).toBe(true);
    });
    await waitFor(() => expect(events).toContainEqual({ type: 'EventTracked', name: 'profile_completed' }), WAIT);
  });
});
