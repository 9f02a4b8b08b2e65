// Filled in by the consent work.
