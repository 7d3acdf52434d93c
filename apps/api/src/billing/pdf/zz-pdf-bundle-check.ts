import { samplePeriod } from '@kube-monitoring/billing/testing';

import { invoicePdf } from './invoice-pdf';

invoicePdf(samplePeriod(), 'SIFAC-1234').then((b) => process.stdout.write(b));
