import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';

import { REFRESH_OPTIONS } from '../../core/time/time-range';

let nextId = 0;

/** Auto-refresh interval, a "Refresh now" button and when the data was last loaded. */
@Component({
  selector: 'km-refresh-picker',
  imports: [DatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="field">
      <label [for]="id">Auto-refresh</label>
      <select [id]="id" data-testid="refresh-select" (change)="onChange($event)">
        @for (option of options; track option.seconds) {
          <option [value]="option.seconds" [selected]="option.seconds === seconds()">{{ option.label }}</option>
        }
        @if (!isStandard()) {
          <option [value]="seconds()" selected>Every {{ seconds() }} s</option>
        }
      </select>
    </div>
    <button type="button" class="btn btn--secondary" data-testid="refresh-now" [disabled]="loading()" (click)="refresh.emit()">
      {{ loading() ? 'Refreshing…' : 'Refresh now' }}
    </button>
    <span class="updated" data-testid="last-updated" aria-live="polite">
      @if (lastUpdated(); as updated) {
        Updated {{ updated | date: 'HH:mm:ss' }}
      }
    </span>
  `,
  styles: `
    :host {
      display: flex;
      flex-wrap: wrap;
      align-items: flex-end;
      gap: 0.5rem 0.75rem;
    }
    .updated {
      color: var(--text-muted);
      font-size: 0.85rem;
      min-height: 1.2em;
      padding-bottom: 0.5rem;
    }
  `,
})
export class RefreshPickerComponent {
  readonly seconds = input.required<number>();
  readonly loading = input(false);
  readonly lastUpdated = input<Date | null>(null);
  readonly secondsChange = output<number>();
  readonly refresh = output<void>();

  protected readonly id = `km-refresh-${nextId++}`;
  protected readonly options = REFRESH_OPTIONS;

  protected isStandard(): boolean {
    return REFRESH_OPTIONS.some((o) => o.seconds === this.seconds());
  }

  protected onChange(event: Event): void {
    this.secondsChange.emit(Number((event.target as HTMLSelectElement).value));
  }
}
