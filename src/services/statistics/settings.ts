// Settings of `statistics`, set once by buildApp from the configuration (STATISTICS_MIN_CELL).
export const DEFAULT_MIN_CELL = 11;

const settings = { minCell: DEFAULT_MIN_CELL };

export function configureStatistics(next: { minCell: number }): void {
  settings.minCell = next.minCell;
}

export function statisticsMinCell(): number {
  return settings.minCell;
}
