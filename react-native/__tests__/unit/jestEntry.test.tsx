/**
 * What an app's screen test looks like with the Jest mock entry: the app imports
 * `react-native-opencom`, Jest maps it to `react-native-opencom/jest`, and the test plays the
 * agent through the fake.
 */
import * as React from 'react';
import { Pressable, Text, View } from 'react-native';
import { fireEvent, render, screen, waitFor } from '@testing-library/react-native';
import {
  OpencomNative,
  OpencomProvider,
  useConversation,
  useConversations,
  useOpencom,
  useUnreadCount,
} from 'react-native-opencom';
import { OpencomNative as JestNative, opencomFake, resetOpencomFake } from 'react-native-opencom/jest';

jest.mock('react-native-opencom', () => jest.requireActual('react-native-opencom/jest'));

function Inbox() {
  const { ready } = useOpencom();
  const { conversations } = useConversations();
  const { count } = useUnreadCount();
  const first = conversations[0];
  const thread = useConversation(first?.id);
  if (!ready) {
    return <Text>Connecting…</Text>;
  }
  return (
    <View>
      <Text testID="badge">{`${count} unread`}</Text>
      {thread.messages.map((m) => (
        <Text key={m.id}>{`${m.sender}: ${m.content} (${m.status})`}</Text>
      ))}
      <Pressable accessibilityRole="button" onPress={() => void thread.send('Thanks!')}>
        <Text>Send</Text>
      </Pressable>
    </View>
  );
}

function App() {
  return (
    <OpencomProvider config={{ deploymentUrl: 'https://happy-otter-123.convex.cloud', workspaceId: 'ws' }}>
      <Inbox />
    </OpencomProvider>
  );
}

describe('react-native-opencom/jest', () => {
  beforeEach(() => {
    resetOpencomFake();
  });

  it('runs a screen on the fake: replies and sends re-render it', async () => {
    render(<App />);
    expect(screen.getByText('Connecting…')).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('badge')).toHaveTextContent('0 unread'));

    const fake = opencomFake();
    const conversationId = fake.startConversation();
    await waitFor(() => expect(screen.getByText('bot: Hi! How can we help you today? (sent)')).toBeTruthy());
    fake.agentReply(conversationId, 'How can I help?');
    await waitFor(() => expect(screen.getByText('agent: How can I help? (sent)')).toBeTruthy());
    expect(screen.getByTestId('badge')).toHaveTextContent('1 unread');

    fireEvent.press(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(screen.getByText('visitor: Thanks! (sent)')).toBeTruthy());
    expect(fake.messagesOf(conversationId).map((m) => m.content)).toEqual([
      'Hi! How can we help you today?',
      'How can I help?',
      'Thanks!',
    ]);
  });

  it('exports OpencomNative: the generated API over the current fake', async () => {
    expect(OpencomNative).toBe(JestNative);
    const client = await new OpencomNative.ClientBuilder('https://happy-otter-123.convex.cloud', 'ws').build();
    const session = await client.start();
    expect(opencomFake().visitorList().map((v) => v.id)).toEqual([session.visitorId]);
    expect(OpencomNative.sdkVersion()).toBe('0.0.0-fake');
    expect(OpencomNative.parseDeepLinkWithPrefixes('myapp://tickets', ['myapp://'])).toBeInstanceOf(OpencomNative.Route.Tickets);
    // Records, enums and errors are the generated ones.
    expect(new OpencomNative.OpencomError.Timeout()).toBeInstanceOf(Error);
    // After a reset, it builds on the new fake.
    const next = resetOpencomFake();
    await (await new OpencomNative.ClientBuilder('https://happy-otter-123.convex.cloud', 'ws').build()).start();
    expect(next.visitorList()).toHaveLength(1);
  });

  it('gives each test a fresh workspace', () => {
    expect(opencomFake().visitorList()).toEqual([]);
  });
});
