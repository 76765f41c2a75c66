// Entry point of the web app: configures zod before any schema exists, then registers the custom elements.
import './jitless';
import './app/parley-app';
