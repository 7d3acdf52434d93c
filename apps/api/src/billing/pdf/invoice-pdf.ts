import PDFDocument from 'pdfkit';

import { BillingPeriodDocument, Decimal, Invoice, InvoiceLine, sumOf, UNASSIGNED_COST_CENTRE } from '@kube-monitoring/billing';

export interface InvoicePdfOptions {
  /** Who issues the invoice (the header's first line); `kube-monitoring` when not given. */
  issuerName?: string;
}

/** The document has no invoice for the cost centre asked (a 404 for the caller). */
export class NoSuchInvoiceError extends Error {
  override readonly name = 'NoSuchInvoiceError';
}

const RESOURCE_NAMES: Readonly<Record<InvoiceLine['resource'], string>> = { cpu: 'CPU', memory: 'Memory', gpu: 'GPU', gpu_memory: 'GPU memory' };

// A4 in points, and the table's columns (their widths add up to the 515 pt between the margins).
const MARGIN = 40;
const PAGE_WIDTH = 595.28;
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN;
const COLUMNS: readonly { title: string; width: number; align: 'left' | 'right' }[] = [
  { title: 'Namespace', width: 118, align: 'left' },
  { title: 'Resource', width: 52, align: 'left' },
  { title: 'Quantity', width: 68, align: 'right' },
  { title: 'Unit', width: 48, align: 'left' },
  { title: 'Unit price', width: 52, align: 'right' },
  { title: 'Amount', width: 62, align: 'right' },
  { title: 'From – to', width: 115, align: 'left' },
];
const CELL_PADDING = 3;
const TABLE_FONT_SIZE = 7.5;

/**
 * The 14 standard PDF fonts (which ship with pdfkit, so nothing is downloaded) write Windows-1252
 * only; anything else would print as other glyphs, so it is shown as `?` instead.
 */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
export function printable(text: string): string {
  return [...text.normalize('NFC')]
    .map((c) => {
      const code = c.codePointAt(0) as number;
      if (c === '\n') return ' ';
      return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(c) ? c : '?';
    })
    .join('');
}

/** `2026-10-01 00:00` in the billing time zone: what the period's people read on their calendars. */
function localTime(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

function plural(unit: string): string {
  return `${unit}s`;
}

/** Quantities per unit, exactly: what an invoice without prices still totals. */
function quantityTotals(lines: readonly InvoiceLine[]): string[] {
  const byUnit = new Map<string, Decimal[]>();
  for (const l of lines) byUnit.set(l.unit, [...(byUnit.get(l.unit) ?? []), Decimal.parse(l.quantity)]);
  return [...byUnit].map(([unit, quantities]) => `${sumOf(quantities).toString()} ${plural(unit)}`);
}

class InvoiceWriter {
  private readonly pdf: PDFKit.PDFDocument;
  private readonly bottom: number;

  constructor(
    private readonly doc: BillingPeriodDocument,
    private readonly invoices: readonly Invoice[],
    private readonly issuer: string,
  ) {
    const first = invoices[0] as Invoice;
    this.pdf = new PDFDocument({
      size: 'A4',
      margin: MARGIN,
      bufferPages: true,
      // A fixed creation date (the document's) makes a closed period's PDF the same bytes on every download.
      info: {
        Title: printable(`Invoice ${doc.period} – ${first.costCentre}`),
        Author: printable(issuer),
        Subject: printable(`${first.costCentreName}, ${doc.period}, ${doc.status}, version ${doc.version}`),
        Creator: 'kube-monitoring',
        CreationDate: new Date(doc.generatedAt),
      },
    });
    this.bottom = this.pdf.page.height - MARGIN - 24;
  }

  render(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    const done = new Promise<Buffer>((resolve, reject) => {
      this.pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
      this.pdf.on('end', () => resolve(Buffer.concat(chunks)));
      this.pdf.on('error', reject);
    });
    this.header();
    for (const invoice of this.invoices) this.invoice(invoice);
    this.adjustments();
    this.verification();
    this.footers();
    this.pdf.end();
    return done;
  }

  private text(text: string, options: PDFKit.Mixins.TextOptions = {}, font = 'Helvetica', size = 9): void {
    this.pdf.font(font).fontSize(size).text(printable(text), options);
  }

  private field(label: string, value: string): void {
    this.pdf
      .font('Helvetica-Bold')
      .fontSize(9)
      .text(`${printable(label)}: `, { continued: true });
    this.pdf.font('Helvetica').text(printable(value));
  }

  private note(text: string): void {
    const height = this.pdf
      .font('Helvetica-Bold')
      .fontSize(9)
      .heightOfString(printable(text), { width: CONTENT_WIDTH - 12 });
    this.ensureRoom(height + 12);
    const y = this.pdf.y;
    this.pdf.rect(MARGIN, y, CONTENT_WIDTH, height + 10).fillAndStroke('#fff4d6', '#c89b00');
    this.pdf.fillColor('#000000').text(printable(text), MARGIN + 6, y + 5, { width: CONTENT_WIDTH - 12 });
    this.pdf.x = MARGIN;
    this.pdf.y = y + height + 16;
  }

  private header(): void {
    const { doc } = this;
    const first = this.invoices[0] as Invoice;
    this.text(this.issuer, {}, 'Helvetica-Bold', 11);
    this.pdf.moveDown(0.6);
    const unpriced = first.costCentre === UNASSIGNED_COST_CENTRE;
    const title = unpriced ? 'Unpriced usage' : doc.status === 'open' ? 'Draft invoice' : 'Invoice';
    this.text(`${title} ${doc.period}`, {}, 'Helvetica-Bold', 18);
    this.pdf.moveDown(0.5);
    this.field('Cost centre', `${first.costCentre} – ${first.costCentreName}`);
    if (first.contact) this.field('Contact', first.contact);
    this.field('Period', `${localTime(doc.from, doc.timeZone)} to ${localTime(doc.to, doc.timeZone)} (${doc.timeZone}; the end is excluded)`);
    this.field('Status', `${doc.status}, version ${doc.version}${doc.closedBy ? `, ${doc.version > 1 ? 'restated' : 'closed'} by ${doc.closedBy}` : ''}`);
    if (doc.restates) this.field('Restates', `version ${doc.restates.version} (SHA-256 ${doc.restates.sha256})`);
    if (doc.reason) this.field('Reason', doc.reason);
    this.field('Basis', [...new Set(this.invoices.map((i) => i.basis))].join(', '));
    this.field('Generated', `${localTime(doc.generatedAt, doc.timeZone)} (${doc.timeZone})`);
    this.pdf.moveDown(0.8);
    if (doc.status === 'open') this.note('Open period: these figures are recomputed on every read and may change until the period is closed. Not for payment.');
    if (doc.partial) this.note('Partial: only the namespaces the requester may see; the totals cover these lines alone, the SHA-256 is of the whole period.');
    if (unpriced) this.note('Usage that no cost-centre assignment covers: listed so that none is dropped, priced at nothing, billed to nobody.');
  }

  private ensureRoom(height: number): boolean {
    if (this.pdf.y + height <= this.bottom) return false;
    this.pdf.addPage();
    return true;
  }

  /** One table row; cells wrap within their column, and the row moves to a new page whole. */
  private row(cells: readonly string[], options: { bold?: boolean; shade?: boolean; repeatHeader?: boolean } = {}): void {
    const font = options.bold ? 'Helvetica-Bold' : 'Helvetica';
    this.pdf.font(font).fontSize(TABLE_FONT_SIZE);
    // A cell may break its lines on purpose (the from–to dates); each part is made printable.
    const texts = cells.map((cell) => cell.split('\n').map(printable).join('\n'));
    const height = Math.max(...texts.map((t, i) => this.pdf.heightOfString(t, { width: (COLUMNS[i]?.width ?? 0) - 2 * CELL_PADDING }))) + 2 * CELL_PADDING;
    if (this.ensureRoom(height) && options.repeatHeader) this.tableHeader();
    const y = this.pdf.y;
    if (options.shade) this.pdf.rect(MARGIN, y, CONTENT_WIDTH, height).fill('#e8ecf2').fillColor('#000000');
    let x = MARGIN;
    texts.forEach((t, i) => {
      const column = COLUMNS[i] as (typeof COLUMNS)[number];
      this.pdf
        .font(font)
        .fontSize(TABLE_FONT_SIZE)
        .text(t, x + CELL_PADDING, y + CELL_PADDING, { width: column.width - 2 * CELL_PADDING, align: column.align });
      x += column.width;
    });
    this.pdf
      .moveTo(MARGIN, y + height)
      .lineTo(MARGIN + CONTENT_WIDTH, y + height)
      .lineWidth(0.3)
      .strokeColor('#b0b8c4')
      .stroke();
    this.pdf.x = MARGIN;
    this.pdf.y = y + height;
  }

  private tableHeader(): void {
    this.row(
      COLUMNS.map((c) => c.title),
      { bold: true, shade: true },
    );
  }

  private invoice(invoice: Invoice): void {
    const { doc } = this;
    this.ensureRoom(60);
    if (this.invoices.length > 1) this.text(`Invoice in ${invoice.currency ?? 'no currency'}`, {}, 'Helvetica-Bold', 11);
    this.field('Currency', invoice.currency ?? 'none (not priced)');
    this.pdf.moveDown(0.4);
    this.tableHeader();
    for (const line of invoice.lines) {
      const namespace = line.label ? `${line.namespace} (${line.label.key}=${line.label.value})` : line.namespace;
      this.row(
        [
          namespace,
          RESOURCE_NAMES[line.resource],
          line.quantity,
          line.unit,
          line.unitPrice ?? '–',
          line.amount ?? '–',
          `${localTime(line.from, doc.timeZone)} –\n${localTime(line.to, doc.timeZone)}`,
        ],
        { repeatHeader: true },
      );
    }
    this.pdf.moveDown(0.6);
    this.ensureRoom(40);
    const totalLabel = invoice.total === null ? 'Total: not priced' : `Total ${invoice.currency ?? ''}: ${invoice.total}`;
    this.text(totalLabel, { width: CONTENT_WIDTH, align: 'right' }, 'Helvetica-Bold', 11);
    this.text(`Quantities: ${quantityTotals(invoice.lines).join(' · ')}`, { width: CONTENT_WIDTH, align: 'right' }, 'Helvetica', 8);
    if (invoice.total !== null) {
      this.text('Each amount is its quantity × unit price, rounded by the tariff; the total is the sum of the amounts.', { width: CONTENT_WIDTH, align: 'right' }, 'Helvetica', 7);
    }
    this.pdf.moveDown(1);
  }

  /** A restatement's differences to the version it restates, for this cost centre. */
  private adjustments(): void {
    const code = (this.invoices[0] as Invoice).costCentre;
    const mine = (this.doc.adjustments ?? []).filter((a) => a.costCentre === code);
    if (!this.doc.restates || mine.length === 0) return;
    this.ensureRoom(60);
    this.text(`Adjustments against version ${this.doc.restates.version}`, {}, 'Helvetica-Bold', 11);
    this.pdf.moveDown(0.3);
    for (const a of mine) {
      const amount = a.amount === null ? 'not priced' : `${a.amount} ${a.currency ?? ''}`;
      this.text(`${a.namespace} · ${RESOURCE_NAMES[a.resource]}: ${a.quantity} ${plural(a.unit)}, ${amount}`, {}, 'Helvetica', 8);
    }
    this.pdf.moveDown(1);
  }

  private verification(): void {
    const { doc } = this;
    this.ensureRoom(50);
    this.text('Verification', {}, 'Helvetica-Bold', 11);
    this.pdf.moveDown(0.3);
    if (doc.sha256 === null) {
      this.text(`SHA-256: none yet. The period is ${doc.status}; it gets one when closed.`, {}, 'Helvetica', 8);
    } else {
      this.text(`SHA-256 of period ${doc.period}, version ${doc.version}:`, {}, 'Helvetica', 8);
      this.text(doc.sha256, {}, 'Courier', 8);
      this.text("The hash of the period's canonical JSON document, which every later read of this version returns unchanged.", {}, 'Helvetica', 7);
    }
  }

  private footers(): void {
    const { doc } = this;
    const range = this.pdf.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      this.pdf.switchToPage(i);
      // Below the bottom margin: without lifting it, pdfkit would start a new page for the footer.
      this.pdf.page.margins.bottom = 0;
      const hash = doc.sha256 === null ? `${doc.status}, no SHA-256 yet` : `SHA-256 ${doc.sha256.slice(0, 16)}…`;
      const footer = printable(`${(this.invoices[0] as Invoice).costCentre} · ${doc.period} · version ${doc.version} · ${hash} · page ${i - range.start + 1} of ${range.count}`);
      this.pdf
        .font('Helvetica')
        .fontSize(7)
        .fillColor('#555555')
        .text(footer, MARGIN, this.pdf.page.height - MARGIN, { width: CONTENT_WIDTH, align: 'center', lineBreak: false });
      this.pdf.fillColor('#000000');
    }
  }
}

/**
 * A cost centre's invoice for a billing period as a PDF a person files: issuer, cost centre
 * (code, name, contact), period, status and version; the lines (namespace, resource, quantity,
 * unit, unit price, amount, from–to in the billing time zone); totals; basis; the period's
 * SHA-256, and a warning while the period is open. A cost centre billed in two currencies has one
 * section per invoice. The same document gives the same bytes (the creation date is its own).
 */
export function invoicePdf(doc: BillingPeriodDocument, costCentre: string, options: InvoicePdfOptions = {}): Promise<Buffer> {
  const invoices = doc.invoices.filter((i) => i.costCentre === costCentre);
  if (invoices.length === 0) return Promise.reject(new NoSuchInvoiceError(`period ${doc.period} has no invoice for cost centre ${costCentre}`));
  return new InvoiceWriter(doc, invoices, options.issuerName ?? 'kube-monitoring').render();
}
