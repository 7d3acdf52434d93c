import { ChangeDetectionStrategy, Component, computed, input, linkedSignal, output, signal } from '@angular/core';

import { fromLocalInputValue, RANGE_PRESETS, resolveTimeRange, toLocalInputValue, type RangePreset, type TimeRangeSelection } from '../../core/time/time-range';

let nextId = 0;

/** Last 1 h … 30 d, or custom bounds (browser time zone) applied with a button. */
@Component({
  selector: 'km-time-range-picker',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="field">
      <label [for]="id + '-select'">Time range</label>
      <select [id]="id + '-select'" data-testid="range-select" (change)="onSelect($event)">
        @for (preset of presets; track preset.id) {
          <option [value]="preset.id" [selected]="selectedId() === preset.id">{{ preset.label }}</option>
        }
        <option value="custom" [selected]="selectedId() === 'custom'">Custom…</option>
      </select>
    </div>
    @if (selectedId() === 'custom') {
      <form class="custom" (submit)="apply($event)" data-testid="range-custom-form">
        <div class="field">
          <label [for]="id + '-from'">From</label>
          <input type="datetime-local" [id]="id + '-from'" data-testid="range-from" required [value]="fromDraft()" (input)="fromDraft.set(inputValue($event))" />
        </div>
        <div class="field">
          <label [for]="id + '-to'">To</label>
          <input type="datetime-local" [id]="id + '-to'" data-testid="range-to" [value]="toDraft()" (input)="toDraft.set(inputValue($event))" />
        </div>
        <button type="submit" class="btn" data-testid="range-apply">Apply</button>
        @if (customError()) {
          <p class="field-error" role="alert" data-testid="range-error">{{ customError() }}</p>
        }
      </form>
    }
  `,
  styles: `
    :host,
    .custom {
      display: flex;
      flex-wrap: wrap;
      align-items: flex-end;
      gap: 0.5rem 0.75rem;
    }
    .field-error {
      flex-basis: 100%;
      margin: 0;
    }
  `,
})
export class TimeRangePickerComponent {
  readonly selection = input.required<TimeRangeSelection>();
  readonly selectionChange = output<TimeRangeSelection>();

  protected readonly id = `km-range-${nextId++}`;
  protected readonly presets = RANGE_PRESETS;

  /** What the select shows; "custom" opens the form before anything is applied. */
  protected readonly selectedId = linkedSignal<RangePreset | 'custom'>(() => {
    const s = this.selection();
    return s.kind === 'custom' ? 'custom' : s.preset;
  });
  private readonly resolved = computed(() => resolveTimeRange(this.selection()));
  protected readonly fromDraft = linkedSignal(() => toLocalInputValue(this.resolved().from));
  protected readonly toDraft = linkedSignal(() => {
    const s = this.selection();
    return s.kind === 'custom' && s.to === null ? '' : toLocalInputValue(this.resolved().to);
  });
  protected readonly customError = signal<string | null>(null);

  protected inputValue(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected onSelect(event: Event): void {
    const value = (event.target as HTMLSelectElement).value;
    this.customError.set(null);
    if (value === 'custom') {
      this.selectedId.set('custom');
      return;
    }
    const preset = RANGE_PRESETS.find((p) => p.id === value);
    if (preset) this.selectionChange.emit({ kind: 'preset', preset: preset.id });
  }

  protected apply(event: Event): void {
    event.preventDefault();
    const from = fromLocalInputValue(this.fromDraft());
    const to = this.toDraft() === '' ? null : fromLocalInputValue(this.toDraft());
    if (!from) {
      this.customError.set('Enter a start date and time.');
      return;
    }
    if (this.toDraft() !== '' && !to) {
      this.customError.set('The end is not a valid date and time.');
      return;
    }
    if (to && to.getTime() <= from.getTime()) {
      this.customError.set('The end must be after the start.');
      return;
    }
    this.customError.set(null);
    this.selectionChange.emit({ kind: 'custom', from, to });
  }
}
