/**
 * A minimal messenger on react-native-opencom, using only its hooks:
 * launcher (with the unread badge) → conversation list → thread with live replies →
 * help center (with debounced search) → push registration. Navigation is a plain state machine
 * so the example has no dependency beyond Expo.
 */
import * as React from 'react';
import { Button, FlatList, Pressable, SafeAreaView, Text, TextInput, View } from 'react-native';
import AsyncStorage from '@react-native-async-storage/async-storage';
import Constants from 'expo-constants';
import * as Notifications from 'expo-notifications';
import * as SecureStore from 'expo-secure-store';
import {
  OpencomProvider,
  fromAsyncStorage,
  fromSecureStore,
  opencomConfigFromExpo,
  splitStorage,
  useArticleSearch,
  useConversation,
  useConversations,
  useHelpCenter,
  useOpencom,
  usePush,
  useUnreadCount,
  type OpencomRoute,
} from 'react-native-opencom';

// The session token in the Keychain/Keystore; caches and the outbox in AsyncStorage.
const storage = splitStorage(fromSecureStore(SecureStore), fromAsyncStorage(AsyncStorage));
// deploymentUrl/workspaceId/origin come from app.json (the react-native-opencom config plugin).
const config = opencomConfigFromExpo(Constants.expoConfig, { storage });

type Screen =
  | { name: 'launcher' }
  | { name: 'conversations' }
  | { name: 'thread'; conversationId: string }
  | { name: 'help'; articleId?: string }
  | { name: 'push' };

export default function App() {
  return (
    <OpencomProvider config={config}>
      <SafeAreaView style={{ flex: 1 }}>
        <Messenger />
      </SafeAreaView>
    </OpencomProvider>
  );
}

function screenFor(route: OpencomRoute | null): Screen | null {
  switch (route?.screen) {
    case 'conversation':
      return { name: 'thread', conversationId: route.conversationId };
    case 'article':
      return { name: 'help', articleId: route.articleId };
    case 'helpCenter':
      return { name: 'help' };
    case 'messenger':
      return { name: 'conversations' };
    default:
      return null;
  }
}

function Messenger() {
  const [screen, setScreen] = React.useState<Screen>({ name: 'launcher' });
  const { status, error, restart } = useOpencom();
  const { routeForNotification } = usePush();

  // A tapped Opencom notification opens its conversation.
  React.useEffect(() => {
    const subscription = Notifications.addNotificationResponseReceivedListener((response) => {
      const next = screenFor(routeForNotification(response.notification.request.content.data));
      if (next) {
        setScreen(next);
      }
    });
    return () => subscription.remove();
  }, [routeForNotification]);

  if (status === 'error') {
    return (
      <View style={{ padding: 16 }}>
        <Text>{`Support is unavailable (${error?.kind}): ${error?.message}`}</Text>
        <Button title="Retry" onPress={restart} />
      </View>
    );
  }
  switch (screen.name) {
    case 'launcher':
      return <Launcher onOpen={() => setScreen({ name: 'conversations' })} />;
    case 'conversations':
      return (
        <Conversations
          onOpen={(conversationId) => setScreen({ name: 'thread', conversationId })}
          onHelp={() => setScreen({ name: 'help' })}
          onPush={() => setScreen({ name: 'push' })}
          onClose={() => setScreen({ name: 'launcher' })}
        />
      );
    case 'thread':
      return <Thread conversationId={screen.conversationId} onBack={() => setScreen({ name: 'conversations' })} />;
    case 'help':
      return <HelpCenter articleId={screen.articleId} onBack={() => setScreen({ name: 'conversations' })} />;
    case 'push':
      return <PushSettings onBack={() => setScreen({ name: 'conversations' })} />;
  }
}

function Launcher({ onOpen }: { onOpen(): void }) {
  const { count } = useUnreadCount();
  const { ready, user, identify } = useOpencom();
  return (
    <View style={{ flex: 1, justifyContent: 'flex-end', alignItems: 'flex-end', padding: 24 }}>
      {ready && !user ? (
        <Button title="Sign in as Jane" onPress={() => void identify({ email: 'jane@example.com', name: 'Jane' })} />
      ) : null}
      <Pressable accessibilityRole="button" accessibilityLabel="Open support" onPress={onOpen}>
        <Text style={{ fontSize: 32 }}>{count > 0 ? `💬 ${count}` : '💬'}</Text>
      </Pressable>
    </View>
  );
}

function Conversations(props: { onOpen(id: string): void; onHelp(): void; onPush(): void; onClose(): void }) {
  const { conversations, loading, error, getOrCreate } = useConversations();
  const { logout } = useOpencom();
  const start = async () => {
    const result = await getOrCreate();
    if (result.ok) {
      props.onOpen(result.value.id);
    }
  };
  return (
    <View style={{ flex: 1, padding: 16 }}>
      <Button title="Close" onPress={props.onClose} />
      {loading ? <Text>Loading…</Text> : null}
      {error ? <Text>{`Could not load your conversations: ${error.message}`}</Text> : null}
      <FlatList
        data={conversations}
        keyExtractor={(c) => c.id}
        renderItem={({ item }) => (
          <Pressable onPress={() => props.onOpen(item.id)}>
            <Text>{`${item.lastMessage?.content ?? 'New conversation'}${item.unreadCount ? ` (${item.unreadCount})` : ''}`}</Text>
          </Pressable>
        )}
      />
      <Button title="Send us a message" onPress={() => void start()} />
      <Button title="Help center" onPress={props.onHelp} />
      <Button title="Notifications" onPress={props.onPush} />
      <Button title="Log out" onPress={() => void logout()} />
    </View>
  );
}

function Thread({ conversationId, onBack }: { conversationId: string; onBack(): void }) {
  const { messages, loading, error, sending, send, markAsRead, resumeOutbox } = useConversation(conversationId);
  const [draft, setDraft] = React.useState('');

  // Replies arrive live; reading them clears the badge.
  React.useEffect(() => {
    if (messages.some((m) => m.sender !== 'visitor')) {
      void markAsRead();
    }
  }, [messages, markAsRead]);

  const submit = async () => {
    const text = draft.trim();
    if (text) {
      setDraft('');
      await send(text);
    }
  };

  return (
    <View style={{ flex: 1, padding: 16 }}>
      <Button title="Back" onPress={onBack} />
      {loading ? <Text>Loading…</Text> : null}
      <FlatList
        data={messages}
        keyExtractor={(m) => m.id}
        renderItem={({ item }) => (
          <Text style={{ textAlign: item.sender === 'visitor' ? 'right' : 'left', opacity: item.status === 'sent' ? 1 : 0.5 }}>
            {`${item.senderName ?? item.sender}: ${item.content}${item.status === 'failed' ? ' ⚠️ not sent' : ''}`}
          </Text>
        )}
      />
      {error ? (
        <View>
          <Text>{error.transient ? 'You are offline: your messages will be sent later.' : error.message}</Text>
          <Button title="Retry sending" onPress={() => void resumeOutbox()} />
        </View>
      ) : null}
      <TextInput value={draft} onChangeText={setDraft} placeholder="Write a message…" onSubmitEditing={() => void submit()} />
      <Button title={sending ? 'Sending…' : 'Send'} onPress={() => void submit()} />
    </View>
  );
}

function HelpCenter({ articleId, onBack }: { articleId?: string; onBack(): void }) {
  const { collections, articles, loading, error, submitFeedback } = useHelpCenter();
  const [query, setQuery] = React.useState('');
  const search = useArticleSearch(query);
  const [openId, setOpenId] = React.useState(articleId);
  const open = articles.find((a) => a.id === openId);

  if (open) {
    return (
      <View style={{ flex: 1, padding: 16 }}>
        <Button title="Back" onPress={() => setOpenId(undefined)} />
        <Text style={{ fontWeight: 'bold' }}>{open.title}</Text>
        <Text>{open.renderedContent}</Text>
        <Button title="👍 Helpful" onPress={() => void submitFeedback(open.id, true)} />
        <Button title="👎 Not helpful" onPress={() => void submitFeedback(open.id, false)} />
      </View>
    );
  }
  const shown = query.trim() ? search.results : articles;
  return (
    <View style={{ flex: 1, padding: 16 }}>
      <Button title="Back" onPress={onBack} />
      <TextInput value={query} onChangeText={setQuery} placeholder="Search for help" />
      {loading || search.loading ? <Text>Searching…</Text> : null}
      {error ?? search.error ? <Text>{(error ?? search.error)?.message}</Text> : null}
      {query.trim() ? null : <Text>{collections.map((n) => `${n.collection.name} (${n.collection.articleCount})`).join(' · ')}</Text>}
      <FlatList
        data={shown}
        keyExtractor={(a) => a.id}
        renderItem={({ item }) => (
          <Pressable onPress={() => setOpenId(item.id)}>
            <Text>{item.title}</Text>
          </Pressable>
        )}
      />
    </View>
  );
}

function PushSettings({ onBack }: { onBack(): void }) {
  const { token, loading, error, register, unregister } = usePush();
  const enable = async () => {
    const permission = await Notifications.requestPermissionsAsync();
    if (permission.granted) {
      const expoToken = await Notifications.getExpoPushTokenAsync();
      await register(expoToken.data);
    }
  };
  return (
    <View style={{ flex: 1, padding: 16 }}>
      <Button title="Back" onPress={onBack} />
      {loading ? <Text>Loading…</Text> : <Text>{token ? `Registered: ${token}` : 'Notifications are off'}</Text>}
      {error ? <Text>{`Could not update notifications: ${error.message}`}</Text> : null}
      {token ? (
        <Button title="Turn notifications off" onPress={() => void unregister()} />
      ) : (
        <Button title="Turn notifications on" onPress={() => void enable()} />
      )}
    </View>
  );
}
