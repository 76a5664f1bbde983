// The part of expo-notifications the example uses (the real package ships these types).
export interface ExpoPushToken {
  type: 'expo';
  data: string;
}
export interface NotificationResponse {
  notification: { request: { content: { data: Record<string, unknown> } } };
}
export interface EventSubscription {
  remove(): void;
}
export function requestPermissionsAsync(): Promise<{ granted: boolean }>;
export function getExpoPushTokenAsync(options?: { projectId?: string }): Promise<ExpoPushToken>;
export function addNotificationResponseReceivedListener(
  listener: (response: NotificationResponse) => void,
): EventSubscription;
