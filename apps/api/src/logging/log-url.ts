/**
 * What of a request URL may be logged: the path. A query string can carry a token (`?access_token=`)
 * or a password as easily as any header, and it is the client's to keep.
 */
export function pathForLog(url: string | undefined): string {
  const s = url ?? '';
  const q = s.indexOf('?');
  return q < 0 ? s : s.slice(0, q);
}

/** A message with the query string of every URL in it cut off (the framework's 404 quotes the URL). */
export function withoutQueryStrings(message: string): string {
  return message.replace(/(\/[^\s?]*)\?\S*/g, '$1');
}
