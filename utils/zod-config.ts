/**
 * zod's global settings in the extension, loaded by each module that parses
 * where the default CSP applies or that shows zod's messages to a person
 * (utils/messaging.ts, utils/account/handlers.ts, utils/policy/resolve.ts and
 * utils/policy/index.ts).
 *
 * - A8: extension pages and the worker run under the default MV3 CSP (no
 *   eval). zod's JIT would probe `new Function` and be refused; it is off.
 * - English messages: `zod/mini` (issue 15: a fraction of classic zod's size
 *   and construction cost) loads no locale, so every issue would read
 *   "Invalid input". The options page shows them beside form fields and in
 *   settings errors, so the English locale is loaded (about 3 KB).
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config({ ...en(), jitless: true });
