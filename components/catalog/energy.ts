/**
 * Energy facts for the cost and carbon estimate.
 *
 * PUE: Google reports a fleet-wide trailing twelve-month power usage effectiveness of about 1.09
 * for its data centres (Google data centers "Efficiency" page and 2024-2025 environmental
 * reports); every kWh a GPU draws costs 1.09 kWh at the meter. Teams override it in config.
 */
export const DATA_CENTRE_PUE = 1.09;

/** Hours in an average month (8,760 / 12). */
export const HOURS_PER_MONTH = 730;
