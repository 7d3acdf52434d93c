import { bootstrapApplication } from '@angular/platform-browser';

import { App } from './app/app';
import { createAppConfig } from './app/app.config';
import { loadAppConfig } from './app/core/config/app-config';

loadAppConfig()
  .then((config) => bootstrapApplication(App, createAppConfig(config)))
  .catch((error: unknown) => {
    console.error(error);
    const message = error instanceof Error ? error.message : String(error);
    document.body.textContent = `kube-monitoring could not start: ${message}`;
  });
