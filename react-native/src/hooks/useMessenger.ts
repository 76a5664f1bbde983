import * as React from 'react';
import { OpencomSdkError } from '../errors';
import { useOpencomContext } from '../provider';
import { useLoad } from './internal';

/** The messenger's look and texts (workspace settings). */
export interface MessengerSettings {
  primaryColor: string;
  backgroundColor: string;
  themeMode: 'light' | 'dark' | 'system' | (string & {});
  launcherPosition: 'right' | 'left' | (string & {});
  showLauncher: boolean;
  welcomeMessage: string;
  supportedLanguages: string[];
  defaultLanguage: string;
  mobileEnabled: boolean;
  logo?: string;
  privacyPolicyUrl?: string;
}

/** What a screen needs to draw the messenger in the workspace's brand. */
export interface MessengerBranding {
  primaryColor: string;
  backgroundColor: string;
  themeMode: MessengerSettings['themeMode'];
  logo?: string;
  launcherPosition: MessengerSettings['launcherPosition'];
  showLauncher: boolean;
}

/**
 * The workspace's messenger settings and branding (colours, theme, logo, welcome text). The SDK
 * caches them for a few minutes and serves a stale copy when the network fails.
 */
export function useMessengerSettings() {
  const { clients, sessionKey } = useOpencomContext();
  const loaded = useLoad(sessionKey && `messenger:${sessionKey}`, async (signal) => {
    if (!clients) {
      throw new OpencomSdkError('NotStarted');
    }
    return clients.messenger.settings({ signal });
  });
  const data = loaded.data;
  const settings = React.useMemo<MessengerSettings | null>(
    () =>
      data
        ? {
            primaryColor: data.primaryColor,
            backgroundColor: data.backgroundColor,
            themeMode: data.themeMode,
            launcherPosition: data.launcherPosition,
            showLauncher: data.showLauncher,
            welcomeMessage: data.welcomeMessage,
            supportedLanguages: data.supportedLanguages,
            defaultLanguage: data.defaultLanguage,
            mobileEnabled: data.mobileEnabled,
            logo: data.logo,
            privacyPolicyUrl: data.privacyPolicyUrl,
          }
        : null,
    [data],
  );
  const branding = React.useMemo<MessengerBranding | null>(
    () =>
      settings
        ? {
            primaryColor: settings.primaryColor,
            backgroundColor: settings.backgroundColor,
            themeMode: settings.themeMode,
            logo: settings.logo,
            launcherPosition: settings.launcherPosition,
            showLauncher: settings.showLauncher,
          }
        : null,
    [settings],
  );
  return React.useMemo(
    () => ({ settings, branding, loading: loaded.loading, error: loaded.error, refresh: loaded.refresh }),
    [settings, branding, loaded.loading, loaded.error, loaded.refresh],
  );
}

/**
 * Whether the team is in now, the offline text, and the expected reply time (minutes, and the
 * workspace's text such as "2 hours").
 */
export function useOfficeHours() {
  const { clients, sessionKey } = useOpencomContext();
  const loaded = useLoad(sessionKey && `hours:${sessionKey}`, async (signal) => {
    if (!clients) {
      throw new OpencomSdkError('NotStarted');
    }
    const [hours, replyTime] = await Promise.all([
      clients.messenger.officeHours({ signal }),
      clients.messenger.expectedReplyTime({ signal }),
    ]);
    return { hours, replyTime };
  });
  const data = loaded.data;
  return React.useMemo(
    () => ({
      /** Null until loaded. */
      isOpen: data ? data.hours.isOpen : null,
      offlineMessage: data?.hours.offlineMessage ?? null,
      expectedReplyTimeMinutes: data?.hours.expectedReplyTimeMinutes ?? null,
      /** The workspace's text, such as "2 hours"; null when not configured. */
      expectedReplyTime: data?.replyTime ?? null,
      loading: loaded.loading,
      error: loaded.error,
      refresh: loaded.refresh,
    }),
    [data, loaded.loading, loaded.error, loaded.refresh],
  );
}
