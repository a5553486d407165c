/**
 * Where the managed configuration comes from, as one interface the service reads and watches.
 * A source hands back the raw enforced and default layers; the service validates both against
 * the one schema, so every platform's values meet the same checks and the same messages.
 */
export type SourceRead =
  { status: 'absent' } | { status: 'ok'; enforced?: unknown; defaults?: unknown; warnings?: string[] } | { status: 'invalid'; problems: string[] };

export interface ManagedConfigSource {
  /** Where it reads, for the settings view and support (paths, registry keys). */
  readonly locations: string[];
  /** Directories to watch for changes; the service also polls (the registry has nothing to watch without native code). */
  readonly watchDirectories: string[];
  read(): SourceRead;
}
