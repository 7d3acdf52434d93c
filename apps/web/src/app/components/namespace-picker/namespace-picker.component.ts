import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';

let nextId = 0;

/** "All namespaces" or one namespace; the current value stays listed even when the API does not return it. */
@Component({
  selector: 'km-namespace-picker',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <label [for]="id">Namespace</label>
    <select [id]="id" data-testid="namespace-select" [disabled]="disabled()" (change)="onChange($event)">
      <option value="" [selected]="!value()">{{ allLabel() }}</option>
      @for (ns of options(); track ns) {
        <option [value]="ns" [selected]="ns === value()">{{ ns }}</option>
      }
    </select>
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      gap: 0.25rem;
    }
  `,
})
export class NamespacePickerComponent {
  /** Namespaces the user may see (`GET /api/ui/namespaces`); empty while loading. */
  readonly namespaces = input<readonly string[]>([]);
  readonly value = input<string | null>(null);
  readonly allLabel = input('All namespaces');
  readonly disabled = input(false);
  readonly valueChange = output<string | null>();

  protected readonly id = `km-namespace-${nextId++}`;
  protected readonly options = computed(() => {
    const list = [...this.namespaces()];
    const current = this.value();
    if (current && !list.includes(current)) list.push(current);
    return list.sort((a, b) => a.localeCompare(b));
  });

  protected onChange(event: Event): void {
    const value = (event.target as HTMLSelectElement).value;
    this.valueChange.emit(value === '' ? null : value);
  }
}
