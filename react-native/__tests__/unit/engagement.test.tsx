/**
 * The engagement hooks on the fake: surveys (and their event triggers), carousels, checklists,
 * outbound messages, tours, the AI agent and the client's event stream. Each: loading → data,
 * live updates, actions recorded by the fake, errors as values.
 */
import { act, render, renderHook, waitFor } from '@testing-library/react-native';
import {
  useAIAgent,
  useCarousels,
  useChecklists,
  useConversations,
  useOpencom,
  useOpencomEvents,
  useOutboundMessages,
  useSurveys,
  useSurveyTriggers,
  useTours,
  type OpencomEvent,
  type Survey,
} from '../../src/api';
import * as Ffi from '../../src/generated/opencom_ffi';
import { mountHookInProvider, setup } from './helpers';

describe('useSurveys', () => {
  it('lists the active surveys live, records impressions once and submits answers', async () => {
    const { fake, wrapper } = setup();
    const npsId = fake.addSurvey({
      name: 'NPS',
      questions: [
        { id: 'score', title: 'How likely…?', kind: 'nps', required: true },
        { id: 'why', title: 'Why?', kind: 'text' },
        { id: 'area', title: 'Which area?', kind: { choices: ['chat', 'help'] } },
      ],
    });
    const { result } = renderHook(() => useSurveys(), { wrapper });
    expect(result.current.loading).toBe(true);
    expect(result.current.surveys).toEqual([]);
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current.surveys.map((s) => s.name)).toEqual(['NPS']);
    expect(result.current.surveys[0]!.questions[0]!.kind.tag).toBe('Nps');

    const otherId = fake.addSurvey({ name: 'Onboarding' });
    await waitFor(() => expect(result.current.surveys).toHaveLength(2));

    const { record, submit } = result.current;
    await act(async () => {
      expect((await record(npsId, 'shown')).ok).toBe(true);
      expect((await record(npsId, 'shown')).ok).toBe(true); // a repeat: no second impression
      await record(npsId, 'started');
    });
    expect(fake.surveyImpressions.map((i) => i.action)).toEqual(['shown', 'started']);

    let submitted: Awaited<ReturnType<typeof submit>> | undefined;
    await act(async () => {
      submitted = await submit(npsId, { score: 9, why: 'Fast answers', area: 'chat' }, true);
    });
    expect(submitted).toEqual({ ok: true, value: expect.any(String) });
    expect(fake.surveyResponses).toEqual([
      expect.objectContaining({ surveyId: npsId, answers: { score: 9, why: 'Fast answers', area: 'chat' }, complete: true }),
    ]);
    // A completed survey leaves the active list; the actions kept their identity.
    await waitFor(() => expect(result.current.surveys.map((s) => s.id)).toEqual([otherId]));
    expect(result.current.record).toBe(record);
    expect(result.current.submit).toBe(submit);
  });

  it('refuses an out-of-range NPS answer, a missing required answer and a wrong choice with InvalidInput', async () => {
    const { fake, wrapper } = setup();
    const id = fake.addSurvey({
      name: 'NPS',
      questions: [
        { id: 'score', title: 'How likely…?', kind: 'nps', required: true },
        { id: 'area', title: 'Which area?', kind: { choices: ['chat', 'help'] } },
      ],
    });
    const { result } = renderHook(() => useSurveys(), { wrapper });
    await waitFor(() => expect(result.current.surveys).toHaveLength(1));
    let outcomes: { ok: boolean; error?: { kind: string; field?: string } }[] = [];
    await act(async () => {
      outcomes = [
        await result.current.submit(id, { score: 11 }, true),
        await result.current.submit(id, { area: 'chat' }, true),
        await result.current.submit(id, { score: 5, area: 'billing' }, false),
      ];
    });
    expect(outcomes.map((o) => [o.ok, o.error?.kind, o.error?.field])).toEqual([
      [false, 'InvalidInput', 'answers.score'],
      [false, 'InvalidInput', 'answers.score'],
      [false, 'InvalidInput', 'answers.area'],
    ]);
    expect(result.current.error?.kind).toBe('InvalidInput');
    expect(fake.surveyResponses).toEqual([]);
    // A good partial response clears the error.
    await act(async () => {
      expect((await result.current.submit(id, { score: 0 }, false)).ok).toBe(true);
    });
    expect(result.current.error).toBeNull();
    expect(result.current.surveys).toHaveLength(1); // partial: still active
  });

  it('reports a subscription failure and an unknown survey as errors', async () => {
    const { fake, wrapper } = setup();
    fake.failNext('surveys.watchActive', 'Network', 'down');
    const { result } = renderHook(() => useSurveys(), { wrapper });
    await waitFor(() => expect(result.current.error?.kind).toBe('Network'));
    expect(result.current.surveys).toEqual([]);
    await act(async () => {
      const r = await result.current.submit('srv_missing', { q1: 1 }, true);
      expect(r.ok ? null : r.error.kind).toBe('NotFound');
    });
  });

  it('hides a once-only survey after it was shown', async () => {
    const { fake, wrapper } = setup();
    const id = fake.addSurvey({ name: 'Once', frequency: 'once' });
    const { result } = renderHook(() => useSurveys(), { wrapper });
    await waitFor(() => expect(result.current.surveys).toHaveLength(1));
    await act(async () => {
      await result.current.record(id, 'shown');
    });
    await waitFor(() => expect(result.current.surveys).toEqual([]));
  });
});

describe('useSurveyTriggers', () => {
  it('calls back with the survey a tracked event triggers, and stops on unmount', async () => {
    const { fake, wrapper } = setup();
    const id = fake.addSurvey({ name: 'After checkout', triggerEvent: 'checkout_done' });
    fake.addSurvey({ name: 'Unrelated', triggerEvent: 'other' });
    const seen: Survey[] = [];
    const { result, unmount } = renderHook(
      () => ({ opencom: useOpencom(), triggers: useSurveyTriggers((s) => seen.push(s)) }),
      { wrapper },
    );
    await waitFor(() => expect(result.current.triggers.listening).toBe(true));
    await act(async () => {
      await result.current.opencom.track('page_view');
      await result.current.opencom.track('checkout_done');
    });
    await waitFor(() => expect(seen.map((s) => s.id)).toEqual([id]));
    const before = fake.activeSubscriptions;
    unmount();
    expect(fake.activeSubscriptions).toBeLessThan(before);
  });

  it('reports a failure to subscribe', async () => {
    const { fake, wrapper } = setup();
    fake.failNext('surveys.watchTriggers', 'Internal');
    const { result } = renderHook(() => useSurveyTriggers(() => undefined), { wrapper });
    await waitFor(() => expect(result.current.error?.kind).toBe('Internal'));
    expect(result.current.listening).toBe(false);
  });
});

describe('useCarousels', () => {
  it('lists carousels live and records shown / dismissed', async () => {
    const { fake, wrapper } = setup();
    const { result } = renderHook(() => useCarousels(), { wrapper });
    expect(result.current.loading).toBe(true);
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current.carousels).toEqual([]);
    const id = fake.addCarousel({ name: 'Welcome', screens: [{ title: 'Hi' }, { title: 'Chat with us', buttons: [{ text: 'Go' }] }] });
    await waitFor(() => expect(result.current.carousels.map((c) => c.screens.length)).toEqual([2]));
    await act(async () => {
      expect((await result.current.record(id, 'shown', 1)).ok).toBe(true);
      expect((await result.current.record(id, 'dismissed')).ok).toBe(true);
    });
    expect(fake.carouselImpressions.map((i) => [i.action, i.screenIndex])).toEqual([
      ['shown', 1],
      ['dismissed', undefined],
    ]);
    await waitFor(() => expect(result.current.carousels).toEqual([]));
  });

  it('refuses a screen index out of range and reports it as the error', async () => {
    const { fake, wrapper } = setup();
    const id = fake.addCarousel({ name: 'One screen' });
    const { result } = renderHook(() => useCarousels(), { wrapper });
    await waitFor(() => expect(result.current.carousels).toHaveLength(1));
    await act(async () => {
      const r = await result.current.record(id, 'shown', 3);
      expect(r.ok ? null : r.error.field).toBe('screen_index');
    });
    expect(result.current.error?.kind).toBe('InvalidInput');
    expect(fake.carouselImpressions).toEqual([]);
  });
});

describe('useChecklists', () => {
  it('shows progress live as tasks are completed and uncompleted', async () => {
    const { fake, wrapper } = setup();
    const id = fake.addChecklist({ name: 'Get started', tasks: [{ id: 'profile', title: 'Fill in your profile' }, { title: 'Invite a teammate' }] });
    const { result } = renderHook(() => useChecklists(), { wrapper });
    expect(result.current.loading).toBe(true);
    await waitFor(() => expect(result.current.checklists).toHaveLength(1));
    expect(result.current.checklists[0]!.progress).toBeUndefined();
    expect(result.current.isTaskCompleted(id, 'profile')).toBe(false);

    await act(async () => {
      const r = await result.current.completeTask(id, 'profile');
      expect(r.ok && r.value.completedTaskIds).toEqual(['profile']);
    });
    await waitFor(() => expect(result.current.isTaskCompleted(id, 'profile')).toBe(true));
    await act(async () => {
      await result.current.completeTask(id, 't2');
    });
    await waitFor(() => expect(result.current.checklists[0]!.progress?.completedAt).toEqual(expect.any(Number)));
    await act(async () => {
      await result.current.uncompleteTask(id, 'profile');
    });
    await waitFor(() => expect(result.current.isTaskCompleted(id, 'profile')).toBe(false));
    expect(result.current.checklists[0]!.progress?.completedAt).toBeUndefined();
    expect(fake.taskCompletions.map((t) => [t.taskId, t.completed])).toEqual([
      ['profile', true],
      ['t2', true],
      ['profile', false],
    ]);
    expect(fake.completedTasks(id)).toEqual(['t2']);
  });

  it('reports an unknown task and an unknown checklist as errors', async () => {
    const { fake, wrapper } = setup();
    const id = fake.addChecklist({ name: 'Get started', tasks: [{ title: 'One' }] });
    const { result } = renderHook(() => useChecklists(), { wrapper });
    await waitFor(() => expect(result.current.checklists).toHaveLength(1));
    await act(async () => {
      const a = await result.current.completeTask(id, 'nope');
      const b = await result.current.completeTask('chk_nope', 't1');
      expect([a.ok ? null : a.error.kind, b.ok ? null : b.error.kind]).toEqual(['InvalidInput', 'NotFound']);
    });
    expect(result.current.error?.kind).toBe('NotFound');
  });
});

describe('useOutboundMessages', () => {
  it('lists the messages eligible on the current URL, again when it changes, and tracks shown / click / dismiss', async () => {
    const { fake, wrapper } = setup();
    const post = fake.addOutboundMessage({ kind: 'post', title: "What's new", buttons: [{ text: 'Read', url: 'https://x.example/new' }, { text: 'Later' }] });
    const banner = fake.addOutboundMessage({ kind: 'banner', text: 'Maintenance on Sunday', pageUrl: '/settings' });
    const { result, rerender } = renderHook(({ url }: { url: string }) => useOutboundMessages(url), {
      wrapper,
      initialProps: { url: '/home' },
    });
    expect(result.current.loading).toBe(true);
    await waitFor(() => expect(result.current.messages.map((m) => m.id)).toEqual([post]));
    rerender({ url: '/settings/profile' });
    await waitFor(() => expect(result.current.messages.map((m) => m.id)).toEqual([post, banner]));
    expect(result.current.messages[1]!.kind.tag).toBe('Banner');

    await act(async () => {
      await result.current.markShown(post);
      await result.current.trackClick(post, 0);
      await result.current.trackClick(post);
      await result.current.trackDismiss(banner);
    });
    expect(fake.outboundImpressions.map((i) => [i.messageId, i.action, i.buttonIndex])).toEqual([
      [post, 'shown', undefined],
      [post, 'clicked', 0],
      [post, 'clicked', undefined],
      [banner, 'dismissed', undefined],
    ]);
    await waitFor(() => expect(result.current.messages.map((m) => m.id)).toEqual([post]));
  });

  it('refuses a button index out of range and reports a subscription failure', async () => {
    const { fake, wrapper } = setup();
    const id = fake.addOutboundMessage({ kind: 'chat', text: 'Hi!' });
    const { result } = renderHook(() => useOutboundMessages('/'), { wrapper });
    await waitFor(() => expect(result.current.messages).toHaveLength(1));
    await act(async () => {
      const r = await result.current.trackClick(id, 2);
      expect(r.ok ? null : r.error.field).toBe('button_index');
    });
    expect(result.current.error?.kind).toBe('InvalidInput');

    fake.failNext('outbound.watchEligible', 'Server', 'boom');
    const other = renderHook(() => useOutboundMessages('/other'), { wrapper });
    await waitFor(() => expect(other.result.current.error?.kind).toBe('Server'));
  });
});

describe('useTours', () => {
  it('lists tours, starts, advances, skips and completes one, loading again after each action', async () => {
    const { fake, wrapper } = setup();
    const id = fake.addTour({
      name: 'Inbox tour',
      pageUrl: '/inbox',
      steps: [{ content: 'This is your inbox' }, { content: 'Filter here' }, { content: 'Done!' }],
    });
    const elsewhere = fake.addTour({ name: 'Settings tour', pageUrl: '/settings', steps: [{ content: 'Settings' }] });
    const { result } = renderHook(() => useTours('/inbox'), { wrapper });
    expect(result.current.loading).toBe(true);
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current.tours.map((t) => [t.tour.id, t.status.tag])).toEqual([
      [id, 'New'],
      [elsewhere, 'New'],
    ]);
    expect(result.current.available.map((t) => t.tour.id)).toEqual([id]);

    await act(async () => {
      const started = await result.current.start(id);
      expect(started.ok).toBe(true);
    });
    await waitFor(() => expect(result.current.available[0]?.progress?.currentStep).toBe(0));
    await act(async () => {
      const r = await result.current.advance(id);
      expect(r.ok && r.value.tag).toBe('Advanced');
      const blocked = await result.current.advance(id, { mode: 'fieldFill', fieldValue: 'x' });
      expect(blocked.ok && blocked.value.tag).toBe('Blocked'); // a refusal, not an error
      const skipped = await result.current.skipStep(id, 'selectorMissing');
      expect(skipped.ok && skipped.value.nextStep).toBe(2);
    });
    await waitFor(() => expect(result.current.tours[0]!.status.tag).toBe('InProgress'));
    await act(async () => {
      await result.current.complete(id);
    });
    await waitFor(() => expect(result.current.tours[0]!.status.tag).toBe('Completed'));
    expect(result.current.available).toEqual([]);
    expect(fake.tourActions.map((a) => a.action)).toEqual(['start', 'advance', 'blocked', 'skip', 'complete']);
    expect(fake.tourActions[3]!.reason).toBe('SelectorMissing');
    expect(fake.tourProgressOf(id)).toEqual({ status: 'completed', currentStep: 2 });
  });

  it('dismisses and snoozes, and reports what the core refuses as errors', async () => {
    const { fake, wrapper } = setup();
    const a = fake.addTour({ name: 'A', steps: [{ content: 'a' }] });
    const b = fake.addTour({ name: 'B', steps: [{ content: 'b' }], allowSnooze: false });
    const { result } = renderHook(() => useTours(), { wrapper });
    await waitFor(() => expect(result.current.available).toHaveLength(2));
    await act(async () => {
      const never = await result.current.advance(a);
      expect(never.ok ? null : never.error.kind).toBe('NotFound');
      await result.current.start(a);
      await result.current.start(b);
      expect((await result.current.snooze(a)).ok).toBe(true);
      const refused = await result.current.snooze(b);
      expect(refused.ok ? null : refused.error.kind).toBe('InvalidInput');
      expect((await result.current.dismiss(b)).ok).toBe(true);
      const over = await result.current.advance(b);
      expect(over.ok ? null : over.error.field).toBe('tour_id');
    });
    expect(result.current.error?.kind).toBe('InvalidInput');
    await waitFor(() => expect(result.current.available).toEqual([]));
    expect(fake.tourProgressOf(a)?.status).toBe('snoozed');
    expect(fake.tourProgressOf(b)?.status).toBe('dismissed');
  });

  it('reports a failed load as the error', async () => {
    const { fake, wrapper } = setup();
    fake.failNext('tours.list', 'Timeout');
    const { result } = renderHook(() => useTours(), { wrapper });
    await waitFor(() => expect(result.current.error?.kind).toBe('Timeout'));
    expect(result.current.tours).toEqual([]);
  });
});

describe('useAIAgent', () => {
  it('shows AI answers live, records feedback and hands off to a human', async () => {
    const { fake, wrapper } = setup();
    const { result } = renderHook(
      () => {
        const list = useConversations();
        const id = list.conversations[0]?.id;
        return { list, id, ai: useAIAgent(id) };
      },
      { wrapper },
    );
    await waitFor(() => expect(result.current.list.loading).toBe(false));
    await act(async () => {
      await result.current.list.create();
    });
    await waitFor(() => expect(result.current.ai.loading).toBe(false));
    expect(result.current.ai.answers).toEqual([]);
    const conversationId = result.current.id!;
    const answerId = fake.aiAnswer(conversationId, { query: 'How do I reset my password?', response: 'Use the link on the sign-in page.', confidence: 0.9 });
    await waitFor(() => expect(result.current.ai.answers.map((a) => a.response)).toEqual(['Use the link on the sign-in page.']));

    await act(async () => {
      expect((await result.current.ai.submitFeedback(answerId, 'notHelpful')).ok).toBe(true);
    });
    expect(fake.aiFeedback).toEqual([{ responseId: answerId, feedback: 'notHelpful' }]);
    await waitFor(() => expect(result.current.ai.answers[0]!.feedback?.tag).toBe('NotHelpful'));

    let handoff: Awaited<ReturnType<typeof result.current.ai.handoffToHuman>> | undefined;
    await act(async () => {
      handoff = await result.current.ai.handoffToHuman('Wants a person');
    });
    expect(handoff).toEqual({ ok: true, value: { messageId: expect.any(String), handoffMessage: expect.any(String) } });
    expect(fake.handoffs).toEqual([{ conversationId, reason: 'Wants a person' }]);
    expect(fake.messagesOf(conversationId).at(-1)?.sender).toBe('bot');
    await waitFor(() => expect(result.current.ai.answers[0]!.handedOff).toBe(true));
  });

  it('refuses a blank hand-off reason and feedback on an unknown answer; null conversation waits', async () => {
    const { fake, wrapper } = setup();
    const idle = renderHook(() => useAIAgent(null), { wrapper });
    expect(idle.result.current.loading).toBe(true);
    const { result } = renderHook(
      () => {
        const list = useConversations();
        return { list, ai: useAIAgent(list.conversations[0]?.id) };
      },
      { wrapper },
    );
    await waitFor(() => expect(result.current.list.loading).toBe(false));
    await act(async () => {
      await result.current.list.create();
    });
    await waitFor(() => expect(result.current.ai.loading).toBe(false));
    await act(async () => {
      const blank = await result.current.ai.handoffToHuman('   ');
      expect(blank.ok ? null : [blank.error.kind, blank.error.field]).toEqual(['InvalidInput', 'reason']);
      const unknown = await result.current.ai.submitFeedback('ai_nope', 'helpful');
      expect(unknown.ok ? null : unknown.error.kind).toBe('NotFound');
    });
    expect(result.current.ai.error?.kind).toBe('NotFound');
    expect(fake.handoffs).toEqual([]);
    expect(fake.aiFeedback).toEqual([]);
  });
});

describe('useOpencomEvents', () => {
  it('gets the current state first, then the events the core emits and those the test emits', async () => {
    const { fake, wrapper } = setup();
    const events: OpencomEvent[] = [];
    const surveyId = fake.addSurvey({ name: 'NPS' });
    const outboundId = fake.addOutboundMessage({ text: 'Hi' });
    const { result } = renderHook(
      () => ({
        opencom: useOpencom(),
        surveys: useSurveys(),
        outbound: useOutboundMessages('/'),
        events: useOpencomEvents((e) => events.push(e)),
      }),
      { wrapper },
    );
    await waitFor(() => expect(result.current.events.listening).toBe(true));
    await waitFor(() => expect(events.map((e) => e.type)).toEqual(['UnreadChanged', 'ConnectionChanged']));
    expect(events).toEqual([
      { type: 'UnreadChanged', total: 0 },
      { type: 'ConnectionChanged', state: 'connected' },
    ]);
    await act(async () => {
      await result.current.opencom.track('signed_up');
      await result.current.surveys.record(surveyId, 'shown');
      await result.current.outbound.markShown(outboundId);
      await result.current.opencom.identify({ email: 'ada@example.com' });
    });
    fake.emitEvent(new Ffi.ClientEvent.MessageFailed({
      conversationId: 'conv_1',
      localId: 'out_1',
      error: new Ffi.OpencomError.Network({ detail: 'offline' }),
    }));
    fake.emitEvent(new Ffi.ClientEvent.SessionExpired());
    await waitFor(() => expect(events).toHaveLength(8));
    expect(events.slice(2)).toEqual([
      { type: 'EventTracked', name: 'signed_up' },
      { type: 'SurveyShown', surveyId },
      { type: 'OutboundMessageShown', messageId: outboundId },
      { type: 'VisitorIdentified', visitorId: expect.any(String) },
      { type: 'MessageFailed', conversationId: 'conv_1', localId: 'out_1', error: expect.objectContaining({ kind: 'Network', detail: 'offline' }) },
      { type: 'SessionExpired' },
    ]);
  });

  it('uses the newest handler', async () => {
    const { fake, wrapper } = setup();
    const first: string[] = [];
    const second: string[] = [];
    let handler = (e: OpencomEvent) => first.push(e.type);
    const { result, rerender } = renderHook(() => useOpencomEvents((e) => handler(e)), { wrapper });
    await waitFor(() => expect(first).toHaveLength(2));
    handler = (e) => second.push(e.type);
    rerender({});
    fake.emitEvent(new Ffi.ClientEvent.EventTracked({ name: 'x' }));
    await waitFor(() => expect(second).toEqual(['EventTracked']));
    expect(result.current.error).toBeNull();
  });

  it('unsubscribes when the listening component unmounts (the provider stays)', async () => {
    const { fake, wrapper } = setup();
    const unmountListener = mountHookInProvider(wrapper, () => useOpencomEvents(() => undefined), render);
    await waitFor(() => expect(fake.activeSubscriptions).toBe(2));
    unmountListener();
    expect(fake.activeSubscriptions).toBe(1);
  });

  it('reports a failure to subscribe', async () => {
    const { fake, wrapper } = setup();
    fake.failNext('watchEvents', 'Internal');
    const { result } = renderHook(() => useOpencomEvents(() => undefined), { wrapper });
    await waitFor(() => expect(result.current.error?.kind).toBe('Internal'));
  });
});
