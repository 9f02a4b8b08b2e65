// Input rules of the care-plan mutations: lengths, ranges and plausible dates. Dates are judged
// against the clock when the request arrives, never when the schema was built.
import { z } from 'zod';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Clocks of phones and laptops drift: "now" from a client may be a few minutes ahead. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

export const title = z.string().trim().min(3, 'give a title of at least 3 characters').max(200, 'keep the title within 200 characters');
export const description = z.string().trim().min(3, 'give at least 3 characters').max(2000, 'keep it within 2000 characters');
export const longText = z.string().trim().max(5000, 'keep it within 5000 characters');
export const summary = z.string().trim().min(3, 'give a summary of at least 3 characters').max(5000, 'keep the summary within 5000 characters');
export const note = z.string().trim().max(2000, 'keep the note within 2000 characters');
export const reason = z.string().trim().max(2000, 'keep the reason within 2000 characters');
export const shortValue = z.string().trim().min(1, 'give a value').max(200, 'keep it within 200 characters');
export const clientMutationId = z.string().min(1).max(200);
export const reviewIntervalDays = z.number().int().min(7, 'must be between 7 and 365 days').max(365, 'must be between 7 and 365 days');
export const expectedVersion = z.number().int().min(1, 'versions start at 1');

/** A target or due date: not more than a day in the past, not more than 5 years ahead. */
export const plannedDate = z
  .date()
  .refine((date) => date.getTime() >= Date.now() - DAY_MS, 'cannot be more than a day in the past')
  .refine((date) => date.getTime() <= Date.now() + 5 * 366 * DAY_MS, 'cannot be more than 5 years ahead');

/** When something happened: not in the future, not longer ago than `maxAgeDays`. */
export const pastMoment = (maxAgeDays: number) =>
  z
    .date()
    .refine((date) => date.getTime() <= Date.now() + CLOCK_SKEW_MS, 'cannot be in the future')
    .refine((date) => date.getTime() >= Date.now() - maxAgeDays * DAY_MS, `cannot be more than ${maxAgeDays} days ago`);

/** A next review date: in the future, within a year. */
export const nextReviewDue = z
  .date()
  .refine((date) => date.getTime() > Date.now(), 'must be in the future')
  .refine((date) => date.getTime() <= Date.now() + 366 * DAY_MS, 'must be within a year');
