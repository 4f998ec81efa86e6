/** The README's first deployment and runbook, run as written: the second half of its tasks (tests/readme.test.ts). */
import { readmeSuite } from "./support/readme-suite";

readmeSuite(1, 2);
