/**
 * An AuditService stand-in for unit specs of the callers: it keeps what they record, and says how
 * (`record`, awaited, or `recordInBackground`). The real service has specs of its own.
 */
import type { AuditRecord } from '../src/audit/audit-draft';
import type { AuditService } from '../src/audit/audit.service';

export interface RecordingAudit {
  audit: AuditService;
  /** Every entry, in order, with how it was recorded. */
  entries: (AuditRecord & { how: 'record' | 'background'; retry?: boolean })[];
  /** Makes the next `record()` calls fail with this error. */
  failWith(error: Error | undefined): void;
}

export function recordingAudit(): RecordingAudit {
  const entries: RecordingAudit['entries'] = [];
  let failure: Error | undefined;
  const audit = {
    record: async (entry: AuditRecord, options: { retry?: boolean } = {}) => {
      if (failure) throw failure;
      entries.push({ ...entry, how: 'record', ...(options.retry === false ? { retry: false } : {}) });
    },
    recordInBackground: (entry: AuditRecord) => {
      entries.push({ ...entry, how: 'background' });
    },
  };
  return { audit: audit as unknown as AuditService, entries, failWith: (e) => (failure = e) };
}
