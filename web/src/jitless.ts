/**
 * Imported first by main.ts, before any module builds a zod schema: zod's object schemas are
 * compiled with `new Function` when the page allows eval, and zod probes for that when a schema
 * is built. The server's Content-Security-Policy forbids eval, so the probe only logged a CSP
 * violation at every load; jitless skips it (and the compiled parsers, which this app's small
 * frames do not need).
 */
import { z } from 'zod';

z.config({ jitless: true });
