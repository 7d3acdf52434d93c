import { CreateUsers1764000000000 } from './1764000000000-create-users';
import { AddUserTokenVersion1765000000000 } from './1765000000000-add-user-token-version';
import { ExplicitAllNamespaces1765000000001 } from './1765000000001-explicit-all-namespaces';
import { CreateLedger1766000000000 } from './1766000000000-create-ledger';
import { LedgerRollups1767000000000 } from './1767000000000-ledger-rollups';
import { LedgerAllocation1768000000000 } from './1768000000000-ledger-allocation';
import { LedgerPodNodes1769000000000 } from './1769000000000-ledger-pod-nodes';
import { CreateApiKeys1770000000000 } from './1770000000000-create-api-keys';
import { CreateAudit1771000000000 } from './1771000000000-create-audit';
import { LedgerPodLabels1771200000000 } from './1771200000000-ledger-pod-labels';
import { CreateBilling1771500000000 } from './1771500000000-create-billing';
import { AddUserSource1772000000000 } from './1772000000000-add-user-source';

/**
 * Every migration, oldest first. Listed as classes rather than a glob because the API is bundled by
 * webpack, where no migration files exist on disk to be found.
 */
export const MIGRATIONS = [
  CreateUsers1764000000000,
  AddUserTokenVersion1765000000000,
  ExplicitAllNamespaces1765000000001,
  CreateLedger1766000000000,
  LedgerRollups1767000000000,
  LedgerAllocation1768000000000,
  LedgerPodNodes1769000000000,
  CreateApiKeys1770000000000,
  CreateAudit1771000000000,
  LedgerPodLabels1771200000000,
  CreateBilling1771500000000,
  AddUserSource1772000000000,
];
