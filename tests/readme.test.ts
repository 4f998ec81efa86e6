/**
 * The README's first deployment and runbook, run as written: the first half of its tasks
 * (tests/support/readme-suite.ts; the other half in tests/readme-2.test.ts, so that the two mocha
 * workers share the slowest test there is).
 */
import { readmeSuite } from "./support/readme-suite";

readmeSuite(0, 2);
