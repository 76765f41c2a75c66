// Entry point of the web app: configures zod before any schema exists, sets the UI language, then
// registers the custom elements (imported after, so the first screen is already in that language).
import './jitless';
import { startLocalization } from './i18n/locale';

// A locale that fails to load leaves the UI in English rather than not starting it.
await startLocalization().catch((err: unknown) => console.error(err));
await import('./app/parley-app');
