import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';

export type StateKind = 'loading' | 'error' | 'empty';

/** The loading, empty and error states of every data panel, announced to screen readers. */
@Component({
  selector: 'km-state-message',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="state" [class.state--error]="kind() === 'error'" [attr.role]="kind() === 'error' ? 'alert' : 'status'" [attr.data-testid]="testId()">
      @if (kind() === 'loading') {
        <span class="spinner" aria-hidden="true"></span>
      }
      <span class="state__text">{{ message() }}</span>
      @if (retryable()) {
        <button type="button" class="btn btn--small" data-testid="state-retry" (click)="retry.emit()">Retry</button>
      }
    </div>
  `,
  styles: `
    :host {
      display: block;
    }
    :host + :host,
    :host:not(:last-child) {
      margin-bottom: 1rem;
    }
    .state {
      display: flex;
      align-items: center;
      flex-wrap: wrap;
      gap: 0.75rem;
      padding: 1rem;
      border-radius: var(--radius);
      background: var(--surface-muted);
      color: var(--text-muted);
    }
    .state--error {
      background: var(--danger-bg);
      color: var(--danger-text);
      border: 1px solid var(--danger-border);
    }
    .state__text {
      flex: 1 1 16rem;
    }
  `,
})
export class StateMessageComponent {
  readonly kind = input.required<StateKind>();
  readonly message = input.required<string>();
  /** Shows a Retry button (errors). */
  readonly retryable = input(false);
  readonly retry = output<void>();

  protected readonly testId = computed(() => `state-${this.kind()}`);
}
