// Filled in by the follow-up work.
