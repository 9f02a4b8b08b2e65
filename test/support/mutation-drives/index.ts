// Every mutation of the schema, driven to success with real inputs (test/audit/every-mutation.test.ts).
import { carePlanDrives } from './care-plans.js';
import { caseDrives } from './cases.js';
import { clientDrives } from './clients.js';
import { directoryDrives } from './directory.js';
import type { Drive } from './kit.js';

export { buildWorld, Kit, type Drive, type Expected, type World } from './kit.js';

const domains = [caseDrives, clientDrives, carePlanDrives, directoryDrives];

export const DRIVES: Record<string, Drive> = Object.fromEntries(domains.flatMap((drives) => Object.entries(drives)));

/** Mutations two domains both drive (one would silently replace the other). */
export const DRIVEN_TWICE = domains.flatMap((drives) => Object.keys(drives)).filter((name, i, all) => all.indexOf(name) !== i);
