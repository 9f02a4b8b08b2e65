// Filled in by the referral work.
