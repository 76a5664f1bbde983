/**
 * The public API of react-native-opencom, without the native module: shared by the app entry
 * (`index.tsx`, which installs the TurboModule) and the Jest entry (`jest/index.ts`, which
 * uses the in-memory fake).
 */
export {
  setDefaultBindings,
  getDefaultBindings,
  setBindingsLoader,
  OpencomNativeUnavailableError,
  type OpencomBindings,
  type OpencomUnavailableReason,
} from './bindings';
export type { OpencomConfig } from './config';
export {
  OpencomSdkError,
  toOpencomError,
  type OpencomErrorKind,
  type OpencomResult,
} from './errors';
export { opencomConfigFromExpo, type ExpoConfigLike, type OpencomExpoExtra } from './expo';
export {
  OpencomProvider,
  useOpencom,
  type OpencomProviderProps,
  type OpencomStatus,
} from './provider';
export {
  escapeSecureStoreKey,
  fromAsyncStorage,
  fromSecureStore,
  memoryStorage,
  splitStorage,
  type AsyncStorageLike,
  type OpencomStorage,
  type SecureStoreLike,
} from './storage';
export type * from './types';
export { useConversation } from './hooks/useConversation';
export { useConversations } from './hooks/useConversations';
export { useArticleSearch, useHelpCenter, type ArticleSearchOptions } from './hooks/useHelpCenter';
export { usePush, type PushRegistrationOutcome } from './hooks/usePush';
export { useTickets } from './hooks/useTickets';
export { useUnreadCount } from './hooks/useUnreadCount';
export {
  fileNameOf,
  readUriWithFetch,
  useAttachmentUpload,
  type AttachmentUploadOptions,
  type PickedFile,
  type UriReader,
} from './hooks/useAttachmentUpload';
export {
  useArticleSuggestions,
  type ArticleSuggestion,
  type ArticleSuggestionsOptions,
} from './hooks/useArticleSuggestions';
export { useCsat } from './hooks/useCsat';
export {
  useMessengerSettings,
  useOfficeHours,
  type MessengerBranding,
  type MessengerSettings,
} from './hooks/useMessenger';
export {
  missingExpoNotifications,
  opencomNotificationBehavior,
  useOpencomNotifications,
  type ExpoNotificationBehaviorLike,
  type ExpoNotificationLike,
  type ExpoNotificationResponseLike,
  type ExpoNotificationsLike,
  type ExpoPermissionLike,
  type NotificationRouteSource,
  type NotificationsStatus,
  type OpencomNotificationsOptions,
} from './hooks/useOpencomNotifications';
export { useTicket, type TicketOptions } from './hooks/useTicket';
export { useSurveyTriggers, useSurveys } from './hooks/useSurveys';
export { useCarousels } from './hooks/useCarousels';
export { useChecklists } from './hooks/useChecklists';
export { useOutboundMessages } from './hooks/useOutboundMessages';
export { useTours } from './hooks/useTours';
export { useAIAgent } from './hooks/useAIAgent';
export { toOpencomEvent, useOpencomEvents, type OpencomEvent } from './hooks/useOpencomEvents';
