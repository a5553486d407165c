/**
 * Autosaving the composer: two seconds after the last change, and once more when the composer
 * closes. Nothing is saved until the person has changed something (opening a reply and closing
 * it leaves no draft), and nothing after the message was sent (`stop`). The composer `flush`es
 * before sending, so a message the server refuses for good still has its draft. Where the copy went is
 * decided in main (local always; the server only encrypted to an own key) and shown as `status`.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { DraftContentRequest } from '../../shared/attachment-upload-schema.js';
import type { DraftSaveResult } from '../../shared/draft-schema.js';
import type { AppError } from '../../shared/result.js';
import { useApi } from '../api/api-context.js';
import { newDraftId } from './compose-state.js';

export const DRAFT_AUTOSAVE_MS = 2000;

export type DraftStatus = { state: 'idle' } | { state: 'saving' } | ({ state: 'saved' } & DraftSaveResult) | { state: 'error'; error: AppError };

type Content = Omit<DraftContentRequest, 'draftId'>;

/** Cheap to compare on every keystroke: attachments by upload id (main holds the bytes). */
const keyOf = (c: Content, withAccount: boolean) =>
  JSON.stringify([withAccount ? c.accountId : '', c.to, c.cc, c.subject, c.text, c.replyTo ?? null, (c.attachments ?? []).map((a) => a.attachmentId)]);

export function useDraftAutosave(content: Content, options: { draftId?: string; delayMs?: number } = {}) {
  const api = useApi();
  const [draftId] = useState(() => options.draftId ?? newDraftId());
  const [status, setStatus] = useState<DraftStatus>({ state: 'idle' });
  const key = useMemo(() => keyOf(content, true), [content]);
  const typed = useMemo(() => keyOf(content, false), [content]);
  const initialTyped = useRef(typed);
  const savedKey = useRef(key);
  const latest = useRef({ content, key, typed });
  // Saves (on a timer, on close, on flush) read the latest content; refs are written after render, not during it.
  useLayoutEffect(() => {
    latest.current = { content, key, typed };
  });
  const stopped = useRef(false);
  const mounted = useRef(true);
  const inflight = useRef<Promise<unknown>>(Promise.resolve());

  const save = useCallback(async () => {
    const current = latest.current;
    if (stopped.current || current.key === savedKey.current || current.typed === initialTyped.current) return;
    savedKey.current = current.key;
    if (mounted.current) setStatus({ state: 'saving' });
    const pending = api['drafts:save']({ draft: { ...current.content, draftId } });
    inflight.current = pending;
    const result = await pending;
    if (!mounted.current || stopped.current) return;
    setStatus(result.ok ? { state: 'saved', ...result.value } : { state: 'error', error: result.error });
  }, [api, draftId]);

  useEffect(() => {
    if (key === savedKey.current || typed === initialTyped.current) return;
    const timer = setTimeout(() => void save(), options.delayMs ?? DRAFT_AUTOSAVE_MS);
    return () => clearTimeout(timer);
  }, [key, typed, save, options.delayMs]);

  // Closing the composer saves what the timer had not saved yet.
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      void save();
    };
  }, [save]);

  /** The message was handed to the outbox: the draft is removed once the server accepts it. */
  const stop = useCallback(() => {
    stopped.current = true;
  }, []);

  /** Saves now what is not saved yet, after any save already on its way. */
  const flush = useCallback(async () => {
    await inflight.current;
    await save();
  }, [save]);

  return { draftId, status, stop, flush };
}
