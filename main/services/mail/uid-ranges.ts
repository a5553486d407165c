/** Compact IMAP sequence-set strings ("1:5,7,9:12") from UID lists, so a window is one short command. */
export function toUidRange(uids: readonly number[]): string {
  if (uids.length === 0) throw new Error('empty UID set');
  const sorted = [...uids].sort((a, b) => a - b);
  const parts: string[] = [];
  let start = sorted[0]!;
  let prev = start;
  for (let i = 1; i <= sorted.length; i++) {
    const uid = sorted[i];
    if (uid === prev + 1 || uid === prev) {
      prev = uid;
      continue;
    }
    parts.push(start === prev ? String(start) : `${start}:${prev}`);
    if (uid === undefined) break;
    start = uid;
    prev = uid;
  }
  return parts.join(',');
}

/** Removes values of `remove` from the ascending array `sorted`, returning a new array. */
export function withoutUids(sorted: readonly number[], remove: ReadonlySet<number>): number[] {
  return sorted.filter((uid) => !remove.has(uid));
}
