/** The words of a search: quoted phrases stay together, everything else splits on white space (12 at most). */
export function searchWords(text: string): string[] {
  const words: string[] = [];
  for (const match of text.matchAll(/"([^"]+)"|(\S+)/g)) {
    const word = (match[1] ?? match[2] ?? '').trim();
    if (word) words.push(word);
  }
  return words.slice(0, 12);
}
