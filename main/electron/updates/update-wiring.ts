/**
 * Connects the update controller to Electron: electron-updater (generic provider at the
 * organisation's URL, loaded only when updates are enabled), the signature file fetched over
 * https without redirects, the organisation key packaged inside the asar (so asar integrity covers
 * it), and a desktop notification for notify-only. Checks at start and every four hours.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { app, net, Notification } from 'electron';
import type { Dispatcher } from '../../services/api/dispatcher.js';
import type { Logger } from '../../services/logging/logger.js';
import { shellManagedSettings } from '../../services/shell-managed-settings.js';
import { workInProgressSchema, type WorkInProgress } from '../../../shared/work-in-progress-schema.js';
import { installerSwitchedUpdatesOff } from './installer-update-switch.js';
import { UpdateController, type UpdaterPort } from './update-controller.js';

const CHECK_EVERY_MS = 4 * 60 * 60_000;
const MAX_SIGNATURE_BYTES = 4096;

const NOTICE: Record<'fi' | 'sv' | 'en', (version: string) => { title: string; body: string }> = {
  fi: (v) => ({ title: 'Sinetin päivitys saatavilla', body: `Versio ${v} on saatavilla. Organisaatiosi IT asentaa sen tai kertoo, miten toimia.` }),
  sv: (v) => ({ title: 'Uppdatering av Sinetti tillgänglig', body: `Version ${v} finns. Din organisations IT installerar den eller berättar hur du gör.` }),
  en: (v) => ({ title: 'Sinetti update available', body: `Version ${v} is available. Your organisation’s IT installs it or tells you what to do.` }),
};

async function electronUpdater(logger: Logger): Promise<UpdaterPort> {
  const { autoUpdater } = await import('electron-updater');
  autoUpdater.autoDownload = false;
  autoUpdater.autoInstallOnAppQuit = false;
  autoUpdater.allowDowngrade = false;
  autoUpdater.logger = {
    info: () => undefined,
    warn: (m: unknown) => logger.warn('updater', { detail: String(m) }),
    error: () => undefined,
    debug: () => undefined,
  };
  return {
    configure: (url) => autoUpdater.setFeedURL({ provider: 'generic', url }),
    check: async () => {
      const result = await autoUpdater.checkForUpdates();
      return result?.isUpdateAvailable ? { version: result.updateInfo.version } : null;
    },
    download: async () => {
      const files = await autoUpdater.downloadUpdate();
      const installer = files.find((f) => /\.(exe|msi|dmg|zip|AppImage|deb)$/i.test(f));
      if (!installer) throw new Error('the update download produced no installer');
      return installer;
    },
    // Installed by electron-updater when the app quits, which the caller does next.
    install: () => {
      autoUpdater.autoInstallOnAppQuit = true;
    },
  };
}

async function fetchSignature(url: string): Promise<string> {
  if (new URL(url).protocol !== 'https:') throw new Error('the signature must come over https');
  const response = await net.fetch(url, { redirect: 'error', cache: 'no-store' });
  if (!response.ok) throw new Error(`the signature file could not be fetched (${response.status})`);
  const text = await response.text();
  if (Buffer.byteLength(text) > MAX_SIGNATURE_BYTES) throw new Error('the signature file is too large');
  return text;
}

function organisationKey(): string | null {
  try {
    return readFileSync(join(app.getAppPath(), 'update-signing-key.pem'), 'utf8');
  } catch {
    return null;
  }
}

/** Starts update control when the managed configuration enables it; null otherwise (nothing loaded). */
export async function startUpdateControl(dispatcher: Dispatcher, logger: Logger): Promise<UpdateController | null> {
  if (!shellManagedSettings().updates.enabled) return null;
  const updater = await electronUpdater(logger);
  const controller = new UpdateController({
    settings: () => shellManagedSettings().updates,
    installerSwitchedOff: () => installerSwitchedUpdatesOff(),
    organisationKey,
    updater,
    fetchSignature,
    workInProgress: async (): Promise<WorkInProgress> => {
      const answer = await dispatcher.dispatch('app:work:state', {});
      if (!answer.ok) throw new Error(answer.error.code);
      return workInProgressSchema.parse(answer.value);
    },
    notify: (version) => {
      const language = app.getLocale().slice(0, 2);
      const text = NOTICE[language === 'sv' || language === 'en' ? language : 'fi'](version);
      if (Notification.isSupported()) new Notification({ title: text.title, body: text.body, silent: true }).show();
    },
    logger,
  });
  const run = () => void controller.check().then((outcome) => logger.info('update check', { state: outcome.state }));
  run();
  setInterval(run, CHECK_EVERY_MS).unref();
  return controller;
}
