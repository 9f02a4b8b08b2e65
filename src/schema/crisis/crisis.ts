// Filled in by the crisis work.
