import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';

@Component({
  selector: 'km-not-found-page',
  imports: [RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="card" data-testid="not-found-page">
      <h1>Page not found</h1>
      <p>There is no page at this address. Metric pages look like <code>/web/stats/cpu/usage_rate</code> or <code>/web/stats/cpu/usage_rate/&lt;namespace&gt;</code>.</p>
      <a routerLink="/">Go to the overview</a>
    </section>
  `,
})
export class NotFoundPage {}
