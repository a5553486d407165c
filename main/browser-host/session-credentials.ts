/**
 * The browser host's credentials. Invariants:
 * - nothing here ever rides in a cookie or a request the browser makes on its own: the launch
 *   token travels in the launch URL's fragment (never sent to any server) and both kinds of token
 *   are presented only in the first message of a `/bridge` WebSocket, so a page on another
 *   127.0.0.1 port (cookies are not scoped by port) learns nothing;
 * - every token is single-use: a launch token opens one session, and a session's resume token
 *   (held in the page's memory to reconnect after a dropped socket) is replaced each time it is
 *   used. Replaying the launch URL, or an old resume token, is refused;
 * - comparisons are constant-time.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export type Credential = { kind: 'launch'; token: string } | { kind: 'resume'; token: string };

const newToken = () => randomBytes(32).toString('base64url');

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class SessionCredentials {
  private launch: string | null = newToken();
  /** Resume tokens not used yet, one per session that ever authenticated. */
  private readonly resumes = new Set<string>();

  /** `onLaunchRedeemed`: called after a launch token opened a session (e.g. to offer the next one). */
  constructor(private readonly onLaunchRedeemed?: () => void) {}

  /** The current launch token, or null once it was used and no new one was asked for. */
  get launchToken(): string | null {
    return this.launch;
  }

  /** A new launch token for another window (the old one, if unused, stops working). */
  renewLaunchToken(): string {
    this.launch = newToken();
    return this.launch;
  }

  /**
   * Spends the credential: returns the resume token for the session it opens, or null when the
   * credential is unknown or already spent.
   */
  redeem(credential: Credential): string | null {
    if (credential.kind === 'launch') {
      if (this.launch === null || !sameToken(credential.token, this.launch)) return null;
      this.launch = null;
    } else {
      let found: string | null = null;
      for (const candidate of this.resumes) if (sameToken(credential.token, candidate)) found = candidate;
      if (found === null) return null;
      this.resumes.delete(found);
    }
    const resume = newToken();
    this.resumes.add(resume);
    if (credential.kind === 'launch') this.onLaunchRedeemed?.();
    return resume;
  }

  /** A session ended for good (e.g. the page said goodbye): its resume token stops working. */
  forget(resume: string): void {
    this.resumes.delete(resume);
  }
}
