// Imported first by main.ts, before any schema is built: zod's fast path compiles parsers with
// `new Function`, and even its probe for that is reported as a violation under the page's CSP
// (`script-src 'self'`, no 'unsafe-eval'). The interpreted path is plenty for the dashboard's answers.
import { z } from 'zod';

z.config({ jitless: true });
